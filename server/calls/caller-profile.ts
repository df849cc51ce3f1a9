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
  // No `inject-DTMF` until an operator uses the keypad ({@link TRUNK_PROFILE_WITH_DTMF_INJECTION}): with it rtpengine
  // decodes and re-encodes every packet of the call (bench calls/concurrent, 50 bridged calls: 30 % of a core per 100
  // calls with it, 10 % without); without it rtpengine forwards G.711 as it comes. The caller's own digits (RFC 4733, the menu) need no injection.
  trunk: profile("trunk", { injectDtmf: false }),
  // ICE, DTLS-SRTP, rtcp-mux toward the caller, BUNDLE group restored. No `DTLS` option on purpose: rtpengine then
  // answers `a=setup:active`, the role it already took at the caller's offer (see MediaBridge's header).
  // No `inject-DTMF`: measured on 10.5, with it the caller's voice reaches the operator as digital silence (packets
  // flow, every sample zero) while the operator -> caller direction is fine. The demo path never injects DTMF.
  browser: profile("browser", { injectDtmf: false }),
};

/**
 * A trunk caller's profile once an operator used the keypad on the call: `inject-DTMF` everywhere, so rtpengine can
 * insert the digits (`play DTMF`) into the operator's media toward the trunk. Measured on 10.5
 * (tests/integration/media/rtpengine.test.ts): a re-`offer` and re-`answer` of the same tags with the flag turn it on
 * for a call set up without it, the ports stay, media keeps flowing; without it `play DTMF` answers ok and sends nothing.
 */
export const TRUNK_PROFILE_WITH_DTMF_INJECTION: CallerProfile = profile("trunk");
