/**
 * The media of one outbound call on one rtpengine call id: the operator is the OFFERER (its INVITE carries the SDP),
 * the trunk the answerer. See server/media/leg-profiles.ts: `offer` with the trunk profile (rtpengine's output goes
 * to the trunk), `answer` with the operator's profile (its output is our 2xx, or 183, to the operator).
 *
 * - A browser operator (WebRTC offer, `UDP/TLS/RTP/SAVPF`) gets ICE/DTLS-SRTP SDP; a plain-RTP operator (the scripted
 *   test operator) gets plain RTP, since an answer keeps the offer's profile (RFC 3264 §6).
 * - No `inject-DTMF` on either side: measured with a browser offerer (see caller-profile.ts), it turns the browser's
 *   voice into digital silence toward the other side. Browser DTMF (RFC 4733) still passes through.
 * - Tags: the operator's INVITE From-tag, and the trunk's To-tag once it answers (or sends 183 with SDP).
 * @module
 */
import type { NgClient } from "../media/ng-client.js";
import { browserLegOptions, finishBrowserSdp, finishTrunkSdp, trunkLegOptions } from "../media/leg-profiles.js";

/** True for an SDP whose audio stream is WebRTC (DTLS-SRTP). */
export function isWebRtcSdp(sdp: string): boolean {
  return /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF/m.test(sdp);
}

export class OutboundMedia {
  private readonly webRtc: boolean;
  private trunkAnswer: { tag: string; sdp: string; operatorSdp: string } | undefined;

  constructor(
    private readonly ng: NgClient,
    readonly callId: string,
    private readonly operatorTag: string,
    private readonly operatorOffer: string,
  ) {
    this.webRtc = isWebRtcSdp(operatorOffer);
  }

  /** The SDP offer for the trunk INVITE (G.711 + telephone-event, plain RTP). */
  async offerToTrunk(): Promise<string> {
    const { sdp } = await this.ng.offer({
      callId: this.callId,
      fromTag: this.operatorTag,
      sdp: this.operatorOffer,
      options: trunkLegOptions("offer", { injectDtmf: false }),
    });
    return finishTrunkSdp(sdp);
  }

  /** The trunk's SDP (183 or 2xx) -> the SDP for the operator. The same SDP twice (183 then 200) is one `answer`. */
  async trunkAnswered(trunkTag: string, trunkSdp: string): Promise<string> {
    if (this.trunkAnswer?.tag === trunkTag && this.trunkAnswer.sdp === trunkSdp) return this.trunkAnswer.operatorSdp;
    const options = this.webRtc ? browserLegOptions("answer", { injectDtmf: false }) : trunkLegOptions("answer", { injectDtmf: false });
    const { sdp } = await this.ng.answer({ callId: this.callId, fromTag: this.operatorTag, toTag: trunkTag, sdp: trunkSdp, options });
    const operatorSdp = this.webRtc ? finishBrowserSdp(sdp) : finishTrunkSdp(sdp);
    this.trunkAnswer = { tag: trunkTag, sdp: trunkSdp, operatorSdp };
    return operatorSdp;
  }

  /** Deletes the rtpengine call; an unknown call (never offered, or already gone) is not an error. */
  async close(): Promise<void> {
    await this.ng.delete({ callId: this.callId }).catch(() => undefined);
  }
}
