/**
 * The recording files step with the real ffmpeg: a spool laid out as rtpengine 10.5 writes it (metadata naming the
 * pcap) becomes a stereo Ogg Opus file and the spool is emptied; a call rtpengine wrote nothing for (e.g.
 * `--recording-method=proc` without the kernel module) is reported, not stored; a crash's stale spool is pruned.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Db } from "../../../db/client";
import { silentLogger } from "../../../server/logger";
import { convertRecording, findSpooledRecording, RecordingMissingError } from "../../../server/recordings/recording-files";
import { RecordingService } from "../../../server/recordings/recording-service";

/** A raw-IPv4 pcap of `seconds` of PCMU: the caller (to port 40000) loud, the operator (to port 40010) quiet. */
function spoolPcap(file: string, seconds: number): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(101, 20);
  const records: Buffer[] = [header];
  for (let i = 0; i < seconds * 50; i++) {
    for (const [dstPort, sample] of [[40000, 0x80], [40010, 0xf0]] as const) {
      const rtp = Buffer.alloc(12 + 160, sample);
      rtp[0] = 0x80;
      rtp[1] = 0; // PCMU
      rtp.writeUInt16BE(i, 2);
      rtp.writeUInt32BE(i * 160, 4);
      rtp.writeUInt32BE(dstPort, 8);
      const ip = Buffer.alloc(28);
      ip[0] = 0x45;
      ip[9] = 17;
      ip.writeUInt16BE(dstPort, 22);
      ip.writeUInt16BE(8 + rtp.length, 24);
      const record = Buffer.alloc(16);
      record.writeUInt32LE(1_800_000_000 + Math.floor(i / 50), 0);
      record.writeUInt32LE((i % 50) * 20_000, 4);
      record.writeUInt32LE(28 + rtp.length, 8);
      record.writeUInt32LE(28 + rtp.length, 12);
      records.push(record, ip, rtp);
    }
  }
  writeFileSync(file, Buffer.concat(records));
}

describe("recording files", () => {
  it("converts a spooled call to stereo Opus of its length and empties the spool", async () => {
    const spool = mkdtempSync(path.join(tmpdir(), "hotline-spool-"));
    mkdirSync(path.join(spool, "pcaps"));
    mkdirSync(path.join(spool, "metadata"));
    const pcap = path.join(spool, "pcaps", "call-1-abcdef.pcap");
    spoolPcap(pcap, 3);
    writeFileSync(path.join(spool, "metadata", "rtpengine-meta-call-1-abcdef.txt"), `${pcap}\n\n\nSDP mode: offer\n`);
    const found = await findSpooledRecording(spool, "call-1");
    expect(found.pcapPaths).toEqual([pcap]);
    const out = path.join(spool, "out", "call-1.opus");
    const converted = await convertRecording(found, 40000, out);
    expect(converted).toEqual({ durationMs: 3000, packets: { caller: 150, operator: 150 } });
    const info = JSON.parse(execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=channels,codec_name:format=duration", "-of", "json", out], { encoding: "utf8" }));
    expect(info.streams[0]).toMatchObject({ channels: 2, codec_name: "opus" });
    expect(Math.abs(Number(info.format.duration) - 3)).toBeLessThan(0.1);
    expect(readdirSync(path.join(spool, "pcaps"))).toEqual([]);
    expect(readdirSync(path.join(spool, "metadata"))).toEqual([]);
  });

  it("reports a call rtpengine wrote nothing for", async () => {
    const spool = mkdtempSync(path.join(tmpdir(), "hotline-spool-"));
    const found = await findSpooledRecording(spool, "call-2");
    await expect(convertRecording(found, 40000, path.join(spool, "x.opus"))).rejects.toBeInstanceOf(RecordingMissingError);
    expect(existsSync(path.join(spool, "x.opus"))).toBe(false);
  });

  it("prunes spool files a crash left behind, not a live call's", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hotline-recordings-"));
    const service = new RecordingService({} as Db, dir, { now: () => Date.now() }, silentLogger);
    mkdirSync(path.join(service.spoolDir, "pcaps"), { recursive: true });
    const stale = path.join(service.spoolDir, "pcaps", "old-1.pcap");
    const live = path.join(service.spoolDir, "pcaps", "live-1.pcap");
    writeFileSync(stale, "x");
    writeFileSync(live, "x");
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(stale, twoDaysAgo, twoDaysAgo);
    expect(await service.pruneSpool()).toBe(1);
    expect(readdirSync(path.join(service.spoolDir, "pcaps"))).toEqual(["live-1.pcap"]);
  });
});
