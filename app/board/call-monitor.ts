/**
 * Listen and whisper, the supervisor's browser side (loaded only when a supervisor presses listen or whisper): two
 * receive-only connections get rtpengine's copy of each party (the caller, then the operator) and play both; for whisper a second, send-only connection publishes the microphone, which the server offers to the
 * operator's desk only. Signalling is the board socket (server/monitoring/monitoring-wiring.ts), media goes through
 * rtpengine with ICE and DTLS-SRTP, as the desk's loopback check does (app/desk/loopback-check.ts).
 */
import type { BoardSocket } from "../lib/socket";
import type { MonitorSdpReply, MonitorStartReply } from "../../server/realtime/events";
import { gathered } from "../lib/ice-gathering";

declare global {
  interface Window {
    /** The monitoring connections, for tests reading getStats (as `__hotlinePeerConnection` on the desk). */
    __hotlineMonitor?: { ears: RTCPeerConnection[]; mouth?: RTCPeerConnection };
  }
}

export type MonitorMode = "listen" | "whisper" | "barge";

/** A step failed: the server's code, `microphone` (no access), or `ice` (media never connected). */
export class MonitorFailure extends Error {
  constructor(readonly code: string) {
    super(`monitoring failed: ${code}`);
  }
}

export interface ActiveMonitor {
  callId: string;
  mode: MonitorMode;
  /** Ends the monitoring: the server's subscription, both connections and the microphone. */
  stop(): void;
}

const ACK_TIMEOUT_MS = 15_000;

function ask<T>(emit: (ack: (error: Error | null, reply: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => emit((error, reply) => (error ? reject(new MonitorFailure("failed")) : resolve(reply))));
}

function sdpOf(reply: MonitorSdpReply): string {
  if (!reply.ok) throw new MonitorFailure(reply.error);
  return reply.sdp;
}


/**
 * Starts listening (or whispering) to `callId`. Resolves once the supervisor hears the call (and, for whisper, the
 * operator hears the supervisor). Throws {@link MonitorFailure}; everything opened is closed on failure.
 * `container` receives one `<audio>` per party.
 */
export async function startMonitor(args: { socket: BoardSocket; callId: string; mode: MonitorMode; container: HTMLElement; iceServers?: RTCIceServer[] }): Promise<ActiveMonitor> {
  const { socket, callId, mode } = args;
  // Listen and whisper: one connection per party. Barge (take-over): one two-way connection with the caller.
  const ears = (mode === "barge" ? [0] : [0, 1]).map(() => new RTCPeerConnection({ iceServers: args.iceServers ?? [] }));
  let mouth: RTCPeerConnection | undefined;
  let microphone: MediaStream | undefined;
  const players: HTMLAudioElement[] = [];
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    socket.emit("monitor:stop");
    for (const pc of ears) pc.close();
    mouth?.close();
    microphone?.getTracks().forEach((t) => t.stop());
    for (const player of players) {
      player.srcObject = null;
      player.remove();
    }
    if (window.__hotlineMonitor?.ears === ears) delete window.__hotlineMonitor;
  };
  for (const pc of ears) {
    pc.addEventListener("track", (event) => {
      const player = document.createElement("audio");
      player.autoplay = true;
      player.dataset.testid = "monitor-audio";
      player.srcObject = new MediaStream([event.track]);
      args.container.append(player);
      players.push(player);
    });
  }
  try {
    const started = await ask<MonitorStartReply>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit("monitor:start", { callId, mode }, ack));
    if (!started.ok) throw new MonitorFailure(started.error);
    if (started.sdps.length !== ears.length) throw new MonitorFailure("failed");
    if (mode === "barge") {
      microphone = await navigator.mediaDevices.getUserMedia({ audio: true }).catch(() => {
        throw new MonitorFailure("microphone");
      });
    }
    const earsAnswers = await Promise.all(
      ears.map(async (pc, index) => {
        await pc.setRemoteDescription({ type: "offer", sdp: started.sdps[index]! });
        const track = microphone?.getAudioTracks()[0];
        const transceiver = pc.getTransceivers()[0];
        if (track && transceiver) {
          transceiver.direction = "sendrecv";
          await transceiver.sender.replaceTrack(track);
        }
        await pc.setLocalDescription(await pc.createAnswer());
        return gathered(pc);
      }),
    );
    const answered = await ask<{ ok: true } | { ok: false; error: string }>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit("monitor:answer", earsAnswers, ack));
    if (!answered.ok) throw new MonitorFailure(answered.error);
    window.__hotlineMonitor = mode === "barge" ? { ears, mouth: ears[0] } : { ears };
    if (mode === "whisper") {
      microphone = await navigator.mediaDevices.getUserMedia({ audio: true }).catch(() => {
        throw new MonitorFailure("microphone");
      });
      mouth = new RTCPeerConnection({ iceServers: args.iceServers ?? [] });
      for (const track of microphone.getAudioTracks()) mouth.addTransceiver(track, { direction: "sendonly", streams: [microphone] });
      await mouth.setLocalDescription(await mouth.createOffer());
      const local = await gathered(mouth);
      const answer = sdpOf(await ask<MonitorSdpReply>((ack) => socket.timeout(ACK_TIMEOUT_MS).emit("monitor:publish", local, ack)));
      await mouth.setRemoteDescription({ type: "answer", sdp: answer });
      window.__hotlineMonitor = { ears, mouth };
    }
    return { callId, mode, stop };
  } catch (error) {
    stop();
    throw error instanceof MonitorFailure ? error : new MonitorFailure("failed");
  }
}
