/**
 * What differs between the two kinds of caller a {@link MediaBridge} serves: a plain-RTP SIP trunk, or a WebRTC
 * browser placing a test call into a queue (the "demo path"). The ng sequence is the same for both; the bridge picks
 * one row of {@link CALLER_PROFILES} and takes the options of every command from it.
 *
 * The caller is always the OFFERER (its INVITE carries the offer), so every caller-facing SDP is an answer: our 200 OK
 * and the answers of the later internal re-negotiations (which the caller never sees, but rtpengine applies).
 */
import type { BencodeDict } from "../media/bencode.js";
import {
  type LegProfileOptions,
  browserLegOptions,
  finishBrowserSdp,
  finishTrunkSdp,
  trunkLegOptions,
} from "../media/leg-profiles.js";

/** Who places the call: a SIP trunk (plain RTP, G.711) or a browser (WebRTC). */
export type CallerKind = "trunk" | "browser";

export interface CallerProfile {
  readonly kind: CallerKind;
  /** `answer` options: rtpengine's SDP toward the caller (our 200 OK, and every later re-answer). */
  readonly answerOptions: BencodeDict;
  /** `offer` options toward the queue placeholder: plain RTP whatever the caller is (the placeholder SDP is plain). */
  readonly placeholderOfferOptions: BencodeDict;
  /** `offer` options toward an operator's browser (WebRTC). */
  readonly operatorOfferOptions: BencodeDict;
  /** Clean-up of rtpengine's caller-facing SDP (what 10.5 cannot do itself). */
  readonly finish: (sdp: string) => string;
}

function profile(toCaller: "trunk" | "browser", legs: LegProfileOptions = {}): CallerProfile {
  return {
    kind: toCaller,
    answerOptions: toCaller === "trunk" ? trunkLegOptions("answer", legs) : browserLegOptions("answer", legs),
    placeholderOfferOptions: trunkLegOptions("answer", legs),
    operatorOfferOptions: browserLegOptions("offer", legs),
    finish: toCaller === "trunk" ? finishTrunkSdp : finishBrowserSdp,
  };
}

export const CALLER_PROFILES: Readonly<Record<CallerKind, CallerProfile>> = {
  trunk: profile("trunk"),
  // ICE, DTLS-SRTP, rtcp-mux toward the caller, BUNDLE group restored. No `DTLS` option on purpose: rtpengine then
  // answers `a=setup:active`, the role it already took at the caller's offer (see MediaBridge's header).
  // No `inject-DTMF`: measured on 10.5, with it the caller's voice reaches the operator as digital silence (packets
  // flow, every sample zero) while the operator -> caller direction is fine. The demo path never injects DTMF.
  browser: profile("browser", { injectDtmf: false }),
};
