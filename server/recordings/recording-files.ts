/**
 * Recording files on disk. rtpengine (run with `--recording-method=pcap --recording-dir=<spool>`) writes, per
 * recorded call, `<spool>/pcaps/<call-id>-<random>.pcap` and, when the call is deleted,
 * `<spool>/metadata/rtpengine-meta-<call-id>-<random>.txt` whose first line is the pcap's path (measured on 10.5).
 * After the call, {@link convertRecording} renders the pcap to stereo PCM ({@link renderStereo}) and has ffmpeg
 * (Debian's, a run-time dependency like rtpengine) encode it as Ogg Opus, then the spool files are removed.
 *
 * Stored files: `<recordingsDir>/<yyyy-mm>/<record id>.opus`; the call record keeps the path relative to
 * recordingsDir (so the folder can move).
 */
import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { readPcapDatagrams } from "./pcap";
import { renderStereo, SAMPLE_RATE } from "./stereo-render";

/** The recordings folder of a configuration: RECORDINGS_DIR, else `<DATA_DIR>/recordings`. */
export const recordingsDirOf = (config: { RECORDINGS_DIR?: string; DATA_DIR: string }): string =>
  path.resolve(config.RECORDINGS_DIR ?? path.join(config.DATA_DIR, "recordings"));

/** Where rtpengine writes its pcap and metadata files (its `--recording-dir`). */
export const spoolDirOf = (recordingsDir: string): string => path.join(path.resolve(recordingsDir), "spool");

/** rtpengine left no pcap for the call (recording not started, or a method such as `proc` that writes none). */
export class RecordingMissingError extends Error {
  override name = "RecordingMissingError";
}

export interface SpooledRecording {
  pcapPaths: string[];
  /** Every spool file of the call (pcaps and metadata), removed once converted. */
  files: string[];
}

/** The pcap files rtpengine wrote for `mediaCallId` (found through its metadata files). */
export async function findSpooledRecording(spoolDir: string, mediaCallId: string): Promise<SpooledRecording> {
  const metadataDir = path.join(spoolDir, "metadata");
  const prefix = `rtpengine-meta-${mediaCallId}-`;
  const names = (await readdir(metadataDir).catch(() => [] as string[])).filter((n) => n.startsWith(prefix));
  const pcapPaths: string[] = [];
  const files: string[] = [];
  for (const name of names) {
    const metadata = path.join(metadataDir, name);
    files.push(metadata);
    const pcap = (await readFile(metadata, "utf8")).split("\n", 1)[0]!.trim();
    if (pcap) {
      pcapPaths.push(pcap);
      files.push(pcap);
    }
  }
  // A pcap whose metadata was not written yet (rtpengine writes it at delete) is found by name.
  const pcapDir = path.join(spoolDir, "pcaps");
  for (const name of await readdir(pcapDir).catch(() => [] as string[])) {
    const full = path.join(pcapDir, name);
    if (name.startsWith(`${mediaCallId}-`) && name.endsWith(".pcap") && !pcapPaths.includes(full)) {
      pcapPaths.push(full);
      files.push(full);
    }
  }
  return { pcapPaths, files };
}

/** The relative path a call's recording is stored under. */
export function recordingRelativePath(recordId: string, endedAt: Date): string {
  const month = endedAt.toISOString().slice(0, 7);
  return path.join(month, `${recordId}.opus`);
}

/**
 * Resolves a stored relative path inside `recordingsDir`; throws when it would leave the folder (a corrupted or
 * forged record must not serve other files).
 */
export function resolveRecordingPath(recordingsDir: string, relative: string): string {
  const root = path.resolve(recordingsDir);
  const full = path.resolve(root, relative);
  if (!full.startsWith(root + path.sep)) throw new Error(`recording path outside the recordings folder: ${relative}`);
  return full;
}

export interface ConvertedRecording {
  durationMs: number;
  packets: { caller: number; operator: number };
}

/**
 * Renders the spooled pcaps of one call to `outputPath` (stereo Ogg Opus, caller left, operator right, 8 kHz
 * source) with ffmpeg, then removes the spool files. `callerPort` is rtpengine's trunk-facing port.
 * Throws {@link RecordingMissingError} when rtpengine wrote nothing, or an Error when ffmpeg fails.
 */
export async function convertRecording(spool: SpooledRecording, callerPort: number, outputPath: string, ffmpeg = "ffmpeg"): Promise<ConvertedRecording> {
  if (spool.pcapPaths.length === 0) throw new RecordingMissingError("rtpengine wrote no pcap for this call");
  const datagrams = [];
  for (const pcap of spool.pcapPaths) datagrams.push(...readPcapDatagrams(await readFile(pcap)));
  // One pcap is in capture order already; several (rtpengine restarted mid-call) are merged by time.
  if (spool.pcapPaths.length > 1) datagrams.sort((a, b) => a.atMs - b.atMs);
  const stereo = await renderStereo(datagrams, callerPort);
  if (stereo.pcm.length === 0) throw new RecordingMissingError("the recording holds no G.711 audio");
  await mkdir(path.dirname(outputPath), { recursive: true, mode: 0o700 });
  await encodeOpus(stereo.pcm, outputPath, ffmpeg);
  await Promise.all(spool.files.map((file) => rm(file, { force: true })));
  return { durationMs: stereo.durationMs, packets: stereo.packets };
}

/**
 * The caller's side only of the spooled pcaps (a voicemail: nothing else speaks), rendered to mono 16-bit PCM at
 * 8 kHz. Throws {@link RecordingMissingError} when rtpengine wrote no pcap. `durationMs` is 0 when the caller sent no
 * G.711 audio.
 */
export async function renderCallerOnly(spool: SpooledRecording, callerPort: number): Promise<{ pcm: Buffer; durationMs: number }> {
  if (spool.pcapPaths.length === 0) throw new RecordingMissingError("rtpengine wrote no pcap for this call");
  const datagrams = [];
  for (const pcap of spool.pcapPaths) datagrams.push(...readPcapDatagrams(await readFile(pcap)));
  if (spool.pcapPaths.length > 1) datagrams.sort((a, b) => a.atMs - b.atMs);
  const stereo = await renderStereo(datagrams.filter((d) => d.dstPort === callerPort), callerPort);
  const frames = stereo.pcm.length / 4;
  const mono = Buffer.alloc(frames * 2);
  for (let i = 0; i < frames; i++) stereo.pcm.copy(mono, i * 2, i * 4, i * 4 + 2);
  return { pcm: mono, durationMs: stereo.durationMs };
}

/** Mono s16le PCM at 8 kHz -> Ogg Opus at `outputPath` (a voicemail), folders made as for recordings. */
export async function storeMonoOpus(pcm: Buffer, outputPath: string, ffmpeg = "ffmpeg"): Promise<void> {
  await mkdir(path.dirname(outputPath), { recursive: true, mode: 0o700 });
  await encodeOpus(pcm, outputPath, ffmpeg, 1);
}

/** s16le PCM at 8 kHz (stereo, or mono with `channels` 1) -> Ogg Opus (VoIP tuning, 24 kbit/s: ~180 kB a minute). */
function encodeOpus(pcm: Buffer, outputPath: string, ffmpeg: string, channels = 2): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpeg,
      ["-hide_banner", "-loglevel", "error", "-y", "-f", "s16le", "-ar", String(SAMPLE_RATE), "-ac", String(channels), "-i", "pipe:0",
        "-c:a", "libopus", "-b:a", "24k", "-application", "voip", "-f", "ogg", outputPath],
      { stdio: ["pipe", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()).slice(-2000));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr.trim()}`))));
    child.stdin.on("error", () => {});
    child.stdin.end(pcm);
  });
}
