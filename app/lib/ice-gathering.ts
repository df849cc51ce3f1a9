/** Longest wait for ICE gathering before the description goes out with the candidates found so far, ms. */
export const ICE_GATHERING_TIMEOUT_MS = 2_000;

/**
 * The peer connection's local SDP once ICE gathering is complete (or after {@link ICE_GATHERING_TIMEOUT_MS}):
 * rtpengine takes no trickled candidates over Hotline's Socket.IO offer/answer exchanges (loopback check, listen,
 * whisper), so every candidate must be in the one description sent.
 */
export function gathered(pc: RTCPeerConnection): Promise<string> {
  return new Promise((resolve) => {
    const done = () => resolve(pc.localDescription?.sdp ?? "");
    if (pc.iceGatheringState === "complete") return done();
    const timer = setTimeout(done, ICE_GATHERING_TIMEOUT_MS);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState !== "complete") return;
      clearTimeout(timer);
      done();
    });
  });
}
