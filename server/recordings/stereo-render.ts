/**
 * Turns the RTP packets of one recorded call (see {@link readPcapDatagrams}) into stereo 16-bit PCM at 8 kHz:
 * the caller on the left channel, the operator side (every operator the call reached, one after the other) on the
 * right. Pure: no file or process.
 *
 * - Which side a packet is from: the rtpengine port it arrived on. Packets that reached the trunk-facing port
 *   (`callerPort`, the port in our 200 OK to the trunk, which never changes during the call) are the caller's;
 *   every other port faces an operator (a transfer adds one).
 * - Where a packet goes in time: per stream (channel + SSRC), the first packet is placed at its capture time and
 *   every later one at its RTP timestamp's distance from that first packet (RFC 3550 §5.1: the timestamp is the
 *   sampling instant, so network jitter does not move the audio). Gaps (silence suppression, hold) stay silent.
 * - Only G.711 payloads (PT 0 PCMU, 8 PCMA: RFC 3551) are decoded; RTCP, telephone-event (RFC 4733) and comfort
 *   noise are skipped and counted in {@link StereoRecording.skippedPackets}.
 */
import { endianness } from "node:os";
import { G711_PAYLOAD_TYPES } from "./g711";
import type { CapturedDatagram } from "./pcap";

export const SAMPLE_RATE = 8000;
/** Longest recording rendered (4 h): later audio is dropped rather than exhausting memory. */
export const MAX_RECORDING_SAMPLES = SAMPLE_RATE * 3600 * 4;

export interface StereoRecording {
  /** Interleaved signed 16-bit little-endian samples, left (caller) then right (operator). */
  pcm: Buffer;
  /** Capture time of the first audio sample, ms since the epoch; undefined when no audio was found. */
  startMs: number | undefined;
  durationMs: number;
  /** Audio packets per channel. */
  packets: { caller: number; operator: number };
  /** RTP/RTCP packets that carried no G.711 audio. */
  skippedPackets: number;
}

interface RtpAudio {
  ssrc: number;
  timestamp: number;
  samples: Buffer;
  table: Int16Array;
}

/** The audio of one RTP packet (RFC 3550 §5.1 header), or undefined for RTCP and non-G.711 payloads. */
export function parseRtpAudio(packet: Buffer): RtpAudio | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const payloadType = packet[1]! & 0x7f;
  const table = G711_PAYLOAD_TYPES[payloadType];
  if (!table) return undefined;
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (offset + 4 > packet.length) return undefined;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (offset >= end) return undefined;
  return { ssrc: packet.readUInt32BE(8), timestamp: packet.readUInt32BE(4), samples: packet.subarray(offset, end), table };
}

/** Packets handled between two yields to the event loop (~2 ms of work): calls go on while a recording renders. */
const YIELD_EVERY = 5000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Renders the datagrams of one call; `callerPort` is rtpengine's trunk-facing port. Async only to yield to the
 * event loop every {@link YIELD_EVERY} packets (an hour's call is ~360,000 packets, ~0.5 s of work on this process,
 * which also runs the SIP stack).
 */
export async function renderStereo(datagrams: readonly CapturedDatagram[], callerPort: number): Promise<StereoRecording> {
  // Two passes over the datagrams, with no object per packet (an hour is ~360,000 packets; garbage collection of
  // per-packet objects was the largest pause): the first places each audio packet (numbers in typed arrays), the
  // second decodes into the frames.
  const position = new Float64Array(datagrams.length).fill(-1);
  const channelOf = new Uint8Array(datagrams.length);
  const anchors = new Map<number, { sample: number; timestamp: number }>();
  const packets = { caller: 0, operator: 0 };
  let skippedPackets = 0;
  let startMs: number | undefined;
  let total = 0;
  for (let index = 0; index < datagrams.length; index++) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const datagram = datagrams[index]!;
    const rtp = parseRtpAudio(datagram.payload);
    if (!rtp) {
      skippedPackets++;
      continue;
    }
    const channel = datagram.dstPort === callerPort ? 0 : 1;
    if (channel === 0) packets.caller++;
    else packets.operator++;
    // Datagrams come in capture order (see convertRecording): the first audio packet starts the recording.
    startMs ??= datagram.atMs;
    // Per stream: channel and SSRC (the key is a number: channel * 2^32 + SSRC).
    const key = channel * 0x1_0000_0000 + rtp.ssrc;
    let anchor = anchors.get(key);
    if (!anchor) {
      anchor = { sample: Math.round(((datagram.atMs - startMs) * SAMPLE_RATE) / 1000), timestamp: rtp.timestamp };
      anchors.set(key, anchor);
    }
    // Signed 32-bit distance: timestamps wrap (RFC 3550 §5.1).
    const sample = anchor.sample + ((rtp.timestamp - anchor.timestamp) | 0);
    if (sample < 0 || sample + rtp.samples.length > MAX_RECORDING_SAMPLES) continue;
    position[index] = sample;
    channelOf[index] = channel;
    total = Math.max(total, sample + rtp.samples.length);
  }
  if (startMs === undefined) return { pcm: Buffer.alloc(0), startMs: undefined, durationMs: 0, packets, skippedPackets };
  // Typed-array stores (~10x faster than Buffer.writeInt16LE: this runs on the telephony process's event loop).
  const frames = new Int16Array(total * 2);
  for (let index = 0; index < datagrams.length; index++) {
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    if (position[index]! < 0) continue;
    const { samples, table } = parseRtpAudio(datagrams[index]!.payload)!;
    for (let i = 0, at = position[index]! * 2 + channelOf[index]!; i < samples.length; i++, at += 2) frames[at] = table[samples[i]!]!;
  }
  const pcm = Buffer.from(frames.buffer, frames.byteOffset, frames.byteLength);
  // Int16Array is in the host's byte order; s16le is little-endian.
  if (endianness() === "BE") pcm.swap16();
  return { pcm, startMs, durationMs: (total * 1000) / SAMPLE_RATE, packets, skippedPackets };
}
