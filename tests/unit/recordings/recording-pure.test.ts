/**
 * The pure parts of call recording: G.711 tables, pcap reading (rtpengine's raw IPv4 layout), stereo rendering by
 * port and RTP timestamp, the sampling decision, retention dates and the sweep delay, HTTP Range parsing.
 */
import { describe, expect, it } from "vitest";
import { ALAW_TABLE, ULAW_TABLE } from "../../../server/recordings/g711";
import { parseRange } from "../../../server/recordings/http-range";
import { PcapFormatError, readPcapDatagrams } from "../../../server/recordings/pcap";
import { DAY_MS, nextSweepDelayMs, recordingExpiry } from "../../../server/recordings/retention";
import { shouldRecord } from "../../../server/recordings/sampling";
import { renderStereo } from "../../../server/recordings/stereo-render";

interface Packet {
  atMs: number;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

/** A pcap as rtpengine 10.5 writes it: LE magic, link type 101 (raw IPv4), IPv4 + UDP + RTP per record. */
function pcapOf(packets: Packet[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(101, 20);
  const records = packets.map((p) => {
    const ip = Buffer.alloc(28);
    ip[0] = 0x45;
    ip.writeUInt16BE(28 + p.payload.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from([127, 0, 0, 1]).copy(ip, 12);
    Buffer.from([127, 0, 0, 1]).copy(ip, 16);
    ip.writeUInt16BE(p.srcPort, 20);
    ip.writeUInt16BE(p.dstPort, 22);
    ip.writeUInt16BE(8 + p.payload.length, 24);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(Math.floor(p.atMs / 1000), 0);
    record.writeUInt32LE(Math.round((p.atMs % 1000) * 1000), 4);
    record.writeUInt32LE(28 + p.payload.length, 8);
    record.writeUInt32LE(28 + p.payload.length, 12);
    return Buffer.concat([record, ip, p.payload]);
  });
  return Buffer.concat([header, ...records]);
}

function rtp(pt: number, seq: number, timestamp: number, ssrc: number, sample: number, length = 160): Buffer {
  const head = Buffer.alloc(12);
  head[0] = 0x80;
  head[1] = pt;
  head.writeUInt16BE(seq, 2);
  head.writeUInt32BE(timestamp >>> 0, 4);
  head.writeUInt32BE(ssrc, 8);
  return Buffer.concat([head, Buffer.alloc(length, sample)]);
}

describe("G.711 (ITU-T G.711)", () => {
  it("decodes the reference values of both laws", () => {
    expect(ULAW_TABLE[0xff]).toBe(0);
    expect(ULAW_TABLE[0x7f]).toBe(0);
    expect(ULAW_TABLE[0x00]).toBe(-32124);
    expect(ULAW_TABLE[0x80]).toBe(32124);
    expect(ALAW_TABLE[0xd5]).toBe(8);
    expect(ALAW_TABLE[0x55]).toBe(-8);
    expect(ALAW_TABLE[0xaa]).toBe(32256);
    expect(ALAW_TABLE[0x2a]).toBe(-32256);
  });
});

describe("pcap reading", () => {
  it("reads rtpengine's raw IPv4 records with ports, time and payload", () => {
    const file = pcapOf([
      { atMs: 1_000_000.5, srcPort: 5000, dstPort: 40000, payload: rtp(0, 1, 0, 1, 0x10) },
      { atMs: 1_000_020, srcPort: 6000, dstPort: 40010, payload: rtp(8, 1, 0, 2, 0x20) },
    ]);
    const datagrams = readPcapDatagrams(file);
    expect(datagrams).toHaveLength(2);
    expect(datagrams[0]).toMatchObject({ srcHost: "127.0.0.1", srcPort: 5000, dstPort: 40000 });
    expect(datagrams[0]!.atMs).toBeCloseTo(1_000_000.5, 3);
    expect(datagrams[1]!.payload.length).toBe(172);
  });

  it("stops at a record cut short and rejects what is not a pcap", () => {
    const file = pcapOf([{ atMs: 0, srcPort: 1, dstPort: 2, payload: rtp(0, 1, 0, 1, 0) }]);
    expect(readPcapDatagrams(file.subarray(0, file.length - 5))).toEqual([]);
    expect(() => readPcapDatagrams(Buffer.alloc(24))).toThrow(PcapFormatError);
  });
});

describe("stereo rendering", () => {
  const CALLER_PORT = 40000;
  it("puts the trunk-facing port's audio left, every other port's right, placed by RTP timestamp", async () => {
    const packets: Packet[] = [];
    // Caller: 1 s of PCMU 0x80 (+32124) from t=0. Operator: PCMA from t=0.5 s, arriving with jitter.
    for (let i = 0; i < 50; i++) packets.push({ atMs: 10_000 + i * 20, srcPort: 5000, dstPort: CALLER_PORT, payload: rtp(0, i, 1000 + i * 160, 11, 0x80) });
    for (let i = 0; i < 25; i++) packets.push({ atMs: 10_500 + i * 20 + (i % 3) * 7, srcPort: 6000, dstPort: 40010, payload: rtp(8, i, 7 + i * 160, 22, 0xaa) });
    // RTCP and telephone-event are skipped.
    packets.push({ atMs: 10_100, srcPort: 5001, dstPort: CALLER_PORT + 1, payload: Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 1]) });
    packets.push({ atMs: 10_200, srcPort: 5000, dstPort: CALLER_PORT, payload: rtp(101, 99, 0, 11, 0, 4) });
    const result = await renderStereo(readPcapDatagrams(pcapOf(packets)), CALLER_PORT);
    expect(result.durationMs).toBe(1000);
    expect(result.packets).toEqual({ caller: 50, operator: 25 });
    expect(result.skippedPackets).toBe(2);
    const left = (sample: number) => result.pcm.readInt16LE(sample * 4);
    const right = (sample: number) => result.pcm.readInt16LE(sample * 4 + 2);
    expect(left(0)).toBe(32124);
    expect(left(7999)).toBe(32124);
    expect(right(3999)).toBe(0);
    expect(right(4000)).toBe(32256);
    expect(right(7999)).toBe(32256);
  });

  it("keeps a silent gap where no packets came, and survives timestamp wrap", async () => {
    const packets: Packet[] = [
      { atMs: 0, srcPort: 1, dstPort: CALLER_PORT, payload: rtp(0, 1, 0xffffff60, 5, 0x80) },
      { atMs: 20, srcPort: 1, dstPort: CALLER_PORT, payload: rtp(0, 2, 0, 5, 0x80) },
      { atMs: 1020, srcPort: 1, dstPort: CALLER_PORT, payload: rtp(0, 3, 8000, 5, 0x80) },
    ];
    const result = await renderStereo(readPcapDatagrams(pcapOf(packets)), CALLER_PORT);
    expect(result.durationMs).toBe(1040);
    expect(result.pcm.readInt16LE(200 * 4)).toBe(32124);
    expect(result.pcm.readInt16LE(4000 * 4)).toBe(0);
    expect(result.pcm.readInt16LE(8200 * 4)).toBe(32124);
  });

  it("renders nothing from a capture without G.711", async () => {
    expect(await renderStereo([], CALLER_PORT)).toMatchObject({ durationMs: 0, startMs: undefined });
  });
});

describe("sampling", () => {
  it("records per queue switch and percentage", () => {
    expect(shouldRecord({ recordingEnabled: false, recordingSamplePct: 100 }, 0)).toBe(false);
    expect(shouldRecord({ recordingEnabled: true, recordingSamplePct: 100 }, 0.999)).toBe(true);
    expect(shouldRecord({ recordingEnabled: true, recordingSamplePct: 30 }, 0.29)).toBe(true);
    expect(shouldRecord({ recordingEnabled: true, recordingSamplePct: 30 }, 0.3)).toBe(false);
    expect(shouldRecord({ recordingEnabled: true, recordingSamplePct: 0 }, 0)).toBe(false);
    // About the asked share over many draws.
    let recorded = 0;
    for (let i = 0; i < 1000; i++) if (shouldRecord({ recordingEnabled: true, recordingSamplePct: 25 }, i / 1000)) recorded++;
    expect(recorded).toBe(250);
  });
});

describe("retention", () => {
  it("dates the deletion from the call's end and keeps without a retention", () => {
    const ended = new Date("2026-12-01T10:00:00Z");
    expect(recordingExpiry(ended, 30)?.toISOString()).toBe("2026-12-31T10:00:00.000Z");
    expect(recordingExpiry(ended, null)).toBeUndefined();
  });
  it("sleeps until the earliest due deletion, at most a day, at once when overdue", () => {
    const now = Date.parse("2026-12-01T00:00:00Z");
    expect(nextSweepDelayMs(now, new Date(now + 5_000))).toBe(5_000);
    expect(nextSweepDelayMs(now, new Date(now - 5_000))).toBe(0);
    expect(nextSweepDelayMs(now, new Date(now + 3 * DAY_MS))).toBe(DAY_MS);
    expect(nextSweepDelayMs(now, undefined)).toBe(DAY_MS);
  });
});

describe("HTTP Range (RFC 9110 §14)", () => {
  it("serves one range, suffixes and open ends; ignores what it does not serve", () => {
    expect(parseRange(null, 1000)).toEqual({ kind: "full" });
    expect(parseRange("bytes=0-", 1000)).toEqual({ kind: "partial", start: 0, end: 999 });
    expect(parseRange("bytes=100-199", 1000)).toEqual({ kind: "partial", start: 100, end: 199 });
    expect(parseRange("bytes=900-5000", 1000)).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(parseRange("bytes=-5000", 1000)).toEqual({ kind: "partial", start: 0, end: 999 });
    expect(parseRange("bytes=1000-", 1000)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 1000)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-1,5-9", 1000)).toEqual({ kind: "full" });
    expect(parseRange("items=0-1", 1000)).toEqual({ kind: "full" });
    expect(parseRange("bytes=50-10", 1000)).toEqual({ kind: "full" });
  });
});
