/**
 * Leg profiles: the rtpengine offer/answer options that convert between a plain-RTP SIP trunk and a WebRTC browser.
 *
 * rtpengine options describe the SDP rtpengine should PRODUCE, i.e. the leg that receives it. So:
 * - a call from the trunk to an operator: `offer` with {@link browserLegOptions} (the browser receives the offer),
 *   then `answer` with {@link trunkLegOptions} (the trunk receives the answer);
 * - a call from an operator to the trunk: `offer` with {@link trunkLegOptions}, `answer` with {@link browserLegOptions}.
 *
 * The flags were measured against rtpengine 10.5 and Chromium (see shared/notes/platform.md). Pure functions:
 * no I/O, so the call logic and the tests can inspect exactly what is sent.
 */
import type { BencodeDict } from "./bencode.js";
import { ensureBundleGroup, stripAttributes } from "./sdp.js";

/** Which SDP message the options are for: some options only make sense in an offer. */
export type SdpRole = "offer" | "answer";

/** Codecs a plain trunk is offered. G.711 is what every trunk accepts; order is preference. */
export type TrunkCodec = "PCMU" | "PCMA" | "G722";

/** Options common to both leg profiles. */
export interface LegProfileOptions {
  /**
   * Add `inject-DTMF` so `play DTMF` can insert digits (IVR, transfer codes). It makes rtpengine decode and
   * re-encode the audio of the call (about 2 % of a core instead of 0.15 %), so call logic can turn it off for
   * calls that never need injected DTMF. Default true.
   */
  injectDtmf?: boolean;
  /**
   * Use the c=/m= addresses in the SDP as they are (true, the default) instead of the SIP packet's source address.
   * Hotline's SIP layer is the signalling peer of both legs, so the packet source would be Hotline itself, never the
   * media endpoint.
   */
  trustAddress?: boolean;
}

/** Options for the trunk leg. */
export interface TrunkLegOptions extends LegProfileOptions {
  /** Codecs to offer the trunk, in preference order. Default ["PCMU", "PCMA"]. */
  codecs?: readonly TrunkCodec[];
  /**
   * Allow rtpengine to add the trunk codecs even when the browser did not offer them (transcoding, e.g. Opus to
   * PCMU). Without it only codecs both sides share pass through. Default true: a trunk must get G.711.
   */
  transcode?: boolean;
}

/** Options for the browser leg. */
export type BrowserLegOptions = LegProfileOptions;

function commonFlags(options: LegProfileOptions): string[] {
  const flags: string[] = [];
  if (options.trustAddress ?? true) flags.push("trust-address");
  if (options.injectDtmf ?? true) flags.push("inject-DTMF");
  return flags;
}

/**
 * Options that make rtpengine produce SDP for a plain-RTP SIP trunk (RTP/AVP, G.711 + telephone-event).
 */
export function trunkLegOptions(role: SdpRole, options: TrunkLegOptions = {}): BencodeDict {
  const codecs = options.codecs ?? ["PCMU", "PCMA"];
  const dict: BencodeDict = {
    // Trunks do not speak ICE; leftover a=candidate/ice-ufrag lines confuse some SBCs.
    ICE: "remove",
    // No DTLS-SRTP toward the trunk: it expects clear RTP.
    DTLS: "off",
    // Must be a LIST: the plain string "off" is silently ignored by 10.5 and a=crypto lines appear.
    SDES: ["off"],
    // Plain RTP profile; the browser side's UDP/TLS/RTP/SAVPF would be rejected by a trunk.
    "transport-protocol": "RTP/AVP",
    // Browsers multiplex RTCP on the RTP port; trunks expect RTCP on port+1, so rtpengine splits it.
    "rtcp-mux": ["demux"],
    // New o= and c= lines with rtpengine's own address: the trunk must send media to rtpengine, not the browser.
    replace: ["origin", "session-connection"],
    // Browser RTP header extensions (audio level, transport-cc...) mean nothing to a trunk.
    flags: [...commonFlags(options), "strip-extmap"],
  };
  if (role === "offer") {
    // Offer only G.711 (+ telephone-event for RFC 4733 DTMF): strip everything, then re-add what the trunk gets.
    // telephone-event is listed explicitly because "strip all" removes it too, and DTMF must reach the trunk.
    const wanted = [...codecs, "telephone-event"];
    dict["codec"] = (options.transcode ?? true)
      ? { strip: ["all"], transcode: wanted }
      : { strip: ["all"], offer: wanted };
  }
  return dict;
}

/**
 * Options that make rtpengine produce SDP for a WebRTC browser (ICE + DTLS-SRTP, rtcp-mux).
 */
export function browserLegOptions(role: SdpRole, options: BrowserLegOptions = {}): BencodeDict {
  void role; // Same options for offer and answer today; kept in the signature so callers state their intent.
  return {
    // Browsers require ICE; rtpengine becomes an ICE-lite endpoint with its own host candidates.
    ICE: "force",
    // WebRTC mandates DTLS-SRTP with this profile; rtpengine always answers actpass in an offer.
    "transport-protocol": "UDP/TLS/RTP/SAVPF",
    // SDES keys are useless to a browser (it only does DTLS-SRTP) and would leak keys into signalling.
    SDES: ["off"],
    // Offer RTCP multiplexing and require it: Chrome refuses non-muxed RTCP.
    "rtcp-mux": ["offer", "require"],
    replace: ["origin", "session-connection"],
    // Browsers need a=mid (BUNDLE and the RTP mid header extension refer to it); a trunk SDP has none.
    flags: [...commonFlags(options), "generate-mid"],
  };
}

/** Post-processing of SDP that rtpengine produced for the trunk: removes WebRTC-only attributes. */
export function finishTrunkSdp(sdp: string): string {
  return stripAttributes(sdp);
}

/** Post-processing of SDP that rtpengine produced for a browser: restores the BUNDLE group 10.5 drops. */
export function finishBrowserSdp(sdp: string): string {
  return ensureBundleGroup(sdp);
}
