/**
 * What the desk shows of the call in progress during a consultation (attended transfer, issue 9), decided without
 * React or SIP.js so it is tested as plain logic:
 * - {@link activeCallView}: the call controls (hold, keypad, transfer, consult) only for the call the server says the
 *   operator is on (`operator:state` `call`), since every request about another one answers `not-on-this-call`: not on
 *   an outbound call, nor on a consultation a colleague placed to this desk (that one shows "Consultation from …" with
 *   hang-up only).
 * - {@link consultFailureOf}: why the consultation's INVITE was refused, for a specific message instead of silently
 *   going back to the held caller.
 */
import { dialFailureOf, type DialFailure } from "./outbound-dial-rules";

export interface ActiveCallView {
  /** A colleague's consultation rings this desk: "Consultation from …", hang-up only. */
  consulted: boolean;
  /** Hold, keypad, transfer and consult. */
  callControls: boolean;
  /** The mute button (not while being consulted: hang-up only). */
  mute: boolean;
}

/**
 * `offer`: the softphone's call (its `X-Hotline-Call-Id`, and `X-Hotline-Consult-From` for a colleague's
 * consultation); `serverCall`: the call the server says the operator is on, or undefined (an outbound call, a
 * consultation received, or no call).
 */
export function activeCallView(offer: { callId?: string; consultFrom?: string } | undefined, serverCall: { id: string } | undefined): ActiveCallView {
  const consulted = offer?.consultFrom !== undefined;
  const sameCall = serverCall !== undefined && (offer?.callId === undefined || offer.callId === serverCall.id);
  return { consulted, callControls: !consulted && sameCall, mute: !consulted };
}

/** Why a consultation did not connect: the {@link DialFailure} reasons, and `unavailable` for a colleague not connected. */
export type ConsultFailure = DialFailure | "unavailable";

/**
 * The consultation INVITE's final status (server/outbound/outbound-calls.ts) as the operator's reason, for a `number`
 * (an outside number or a directory contact) or a `colleague`: 403 the allow-list's refusal, 486/600 busy (a
 * colleague on another call), 408/487 nobody answered, 480 nobody answered (a number) or not connected (a colleague),
 * 503 no trunk (a number) or colleagues unavailable; anything else failed.
 */
export function consultFailureOf(status: number, target: "number" | "colleague"): ConsultFailure {
  if (target === "number") return dialFailureOf(status);
  // A colleague is never on the allow-list, has no trunk and is "not connected" rather than "not answering".
  if (status === 403) return "failed";
  if (status === 480 || status === 503) return "unavailable";
  return dialFailureOf(status);
}
