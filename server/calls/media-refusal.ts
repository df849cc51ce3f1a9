/**
 * The SIP answer to an INVITE whose media could not be set up (the trunk's offer, or an operator's), by why it failed.
 *
 * RFC 3261 §21.4.26 (488 Not Acceptable Here) is about the offer itself: nothing in the session description can be
 * accepted. Everything else that fails on our side (rtpengine out of ports, at a load or session limit, unreachable,
 * an internal error) is a temporary failure of this server: §21.5.4 503 Service Unavailable, so a carrier routes the
 * call elsewhere or retries instead of treating the caller's offer as wrong. Toward a trunk the controller adds
 * Retry-After (its `rejectForNoMedia`); an operator's softphone gets the bare status. Found by a trial: a
 * 1,000-port range full after ~250 calls answered further callers 488.
 */
import { NgError } from "../media/ng-client";
import { UnsupportedTrunkSdpError } from "./trunk-sdp";

/** rtpengine `error-reason`s that blame the offered SDP (call_interfaces.c: "Failed to parse SDP", "Incomplete SDP specification"). */
const SDP_FAULT = /parse SDP|incomplete SDP|SDP specification|no (usable|supported|compatible) codec/i;

/** How to refuse: 488 when the offer is at fault, else 503; `endReason` for the record. */
export interface MediaRefusal {
  status: 488 | 503;
  endReason: "media" | "no-media";
}

/** Classifies a media set-up failure (any thrown value). Pure. */
export function mediaRefusal(error: unknown): MediaRefusal {
  const offerAtFault = error instanceof UnsupportedTrunkSdpError || (error instanceof NgError && SDP_FAULT.test(error.reason));
  return offerAtFault ? { status: 488, endReason: "media" } : { status: 503, endReason: "no-media" };
}
