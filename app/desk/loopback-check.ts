/**
 * The pre-call loopback check, browser side: the microphone goes out on one peer connection (A), through rtpengine,
 * and comes back on a second one (B), exactly the path of a call's audio (ICE, DTLS-SRTP, rtpengine). After a few
 * seconds `getStats` tells the round trip (A's `remote-inbound-rtp`, from B's receiver reports relayed by rtpengine)
 * and the packet loss and jitter B saw. The server side is server/media/loopback-check.ts.
 */
import type { LoopbackReply } from "../../server/realtime/events";
import { gathered } from "../lib/ice-gathering";

/** What the check measured. Round trip and jitter in ms; loss in percent of the packets B should have received. */
export interface LoopbackResult {
  roundTripMs: number | undefined;
  jitterMs: number | undefined;
  lossPercent: number;
  packetsSent: number;
  packetsReceived: number;
}

/** Above these, the desk says the connection will hurt calls (ITU-T G.114 puts mouth-to-ear trouble near 300 ms). */
export const LOOPBACK_LIMITS = { roundTripMs: 300, lossPercent: 2, jitterMs: 30 } as const;

export interface LoopbackCheckArgs {
  stream: MediaStream;
  iceServers: RTCIceServer[];
  /** One step through the desk socket: `loopback:offer` or `loopback:answer`, with the SDP for the other side. */
  exchange(step: "offer" | "answer", sdp: string): Promise<LoopbackReply>;
  /** Tells the server to drop its session (always called, also on failure). */
  end(): void;
  /** How long audio flows before the figures are read, ms. */
  durationMs?: number;
}

/** Thrown when a step fails; `code` is the server's reason or `ice` when media never connected. */
export class LoopbackFailure extends Error {
  constructor(readonly code: "unavailable" | "invalid" | "failed" | "ice") {
    super(`loopback check failed: ${code}`);
  }
}

/** Runs one check. Throws {@link LoopbackFailure}. Both connections are closed when it returns. */
export async function runLoopbackCheck(args: LoopbackCheckArgs): Promise<LoopbackResult> {
  const sender = new RTCPeerConnection({ iceServers: args.iceServers });
  const receiver = new RTCPeerConnection({ iceServers: args.iceServers });
  try {
    for (const track of args.stream.getAudioTracks()) sender.addTransceiver(track, { direction: "sendonly", streams: [args.stream] });
    await sender.setLocalDescription(await sender.createOffer());
    const offerForReceiver = await step(args, "offer", await gathered(sender));
    await receiver.setRemoteDescription({ type: "offer", sdp: offerForReceiver });
    await receiver.setLocalDescription(await receiver.createAnswer());
    const answerForSender = await step(args, "answer", await gathered(receiver));
    await sender.setRemoteDescription({ type: "answer", sdp: answerForSender });
    await connected(receiver, 5_000);
    await new Promise((resolve) => setTimeout(resolve, args.durationMs ?? 4_000));
    return measure(sender, receiver);
  } finally {
    sender.close();
    receiver.close();
    args.end();
  }
}

async function step(args: LoopbackCheckArgs, name: "offer" | "answer", sdp: string): Promise<string> {
  const reply = await args.exchange(name, sdp);
  if (!reply.ok) throw new LoopbackFailure(reply.error);
  return reply.sdp;
}


function connected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (pc.connectionState === "connected") return resolve();
    const timer = setTimeout(() => reject(new LoopbackFailure("ice")), timeoutMs);
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "connected") {
        clearTimeout(timer);
        resolve();
      } else if (pc.connectionState === "failed") {
        clearTimeout(timer);
        reject(new LoopbackFailure("ice"));
      }
    });
  });
}

async function measure(sender: RTCPeerConnection, receiver: RTCPeerConnection): Promise<LoopbackResult> {
  let packetsSent = 0;
  let roundTripMs: number | undefined;
  // Both read at once: in Chromium a getStats() of the second connection issued right after the first one's
  // completed comes back with only its peer-connection entry (measured with Chromium here).
  const [sent, received] = await Promise.all([sender.getStats(), receiver.getStats()]);
  sent.forEach((report: { type: string; kind?: string; packetsSent?: number; roundTripTime?: number }) => {
    if (report.type === "outbound-rtp" && report.kind === "audio") packetsSent = report.packetsSent ?? 0;
    if (report.type === "remote-inbound-rtp" && report.roundTripTime !== undefined) roundTripMs = Math.round(report.roundTripTime * 1000);
  });
  let packetsReceived = 0;
  let packetsLost = 0;
  let jitterMs: number | undefined;
  received.forEach((report: { type: string; kind?: string; packetsReceived?: number; packetsLost?: number; jitter?: number }) => {
    if (report.type !== "inbound-rtp" || report.kind !== "audio") return;
    packetsReceived = report.packetsReceived ?? 0;
    packetsLost = Math.max(0, report.packetsLost ?? 0);
    if (report.jitter !== undefined) jitterMs = Math.round(report.jitter * 1000);
  });
  const expected = packetsReceived + packetsLost;
  // Nothing came back at all: everything sent was lost.
  const lossPercent = expected > 0 ? (100 * packetsLost) / expected : packetsSent > 0 ? 100 : 0;
  return { roundTripMs, jitterMs, lossPercent: Math.round(lossPercent * 10) / 10, packetsSent, packetsReceived };
}
