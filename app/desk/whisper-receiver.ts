/**
 * The operator's side of a whisper (loaded only when a supervisor whispers): a second, receive-only connection to
 * rtpengine that carries the supervisor's voice alone, played on the operator's headset. The caller's leg is not
 * touched, so the caller never hears it (server/monitoring/call-monitoring-service.ts).
 */
import { chosenSpeaker, routeToOutput } from "./device-preferences";
import { gathered } from "../lib/ice-gathering";

declare global {
  interface Window {
    /** The whisper connection, for tests reading getStats. */
    __hotlineWhisper?: RTCPeerConnection;
  }
}

export interface WhisperReceiver {
  close(): void;
}


/** Answers rtpengine's sendonly offer; resolves with the answer (recvonly) and the receiver to close later. */
export async function receiveWhisper(offerSdp: string, iceServers: RTCIceServer[] = []): Promise<{ answer: string; receiver: WhisperReceiver }> {
  const pc = new RTCPeerConnection({ iceServers });
  const player = document.createElement("audio");
  player.autoplay = true;
  player.hidden = true;
  document.body.append(player);
  pc.addEventListener("track", (event) => {
    player.srcObject = new MediaStream([event.track]);
    void routeToOutput(player, chosenSpeaker());
  });
  const close = () => {
    pc.close();
    player.srcObject = null;
    player.remove();
    if (window.__hotlineWhisper === pc) delete window.__hotlineWhisper;
  };
  try {
    await pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = await gathered(pc);
    window.__hotlineWhisper = pc;
    return { answer, receiver: { close } };
  } catch (error) {
    close();
    throw error;
  }
}
