/**
 * The softphone's call state as a pure transition table (no SIP.js, no DOM), so every illegal move
 * is rejected in one place and the table can be unit-tested in Node.
 *
 * An operator desk handles one call at a time: a second offer while not idle is not a transition
 * but a "busy" answer (486), decided by {@link canTakeOffer}.
 */

/** The states the desk shows; `data-testid="call-state"` renders exactly these strings (`dialling`: an outbound call). */
export const CALL_STATES = ["idle", "ringing", "dialling", "talking"] as const;
export type CallState = (typeof CALL_STATES)[number];

/**
 * What can happen to a call:
 * - `offer`: an INVITE arrived.
 * - `answered`: our 200 OK was sent and the session is established.
 * - `declined`: the operator rejected the ringing call.
 * - `cancelled`: the server CANCELed the INVITE (ring timeout, another operator took it).
 * - `hungup`: the operator ended the established call (BYE sent).
 * - `ended`: the server ended the established call (caller hung up, BYE received).
 * - `transferred`: the server ended the established call after this desk's blind transfer (or completed
 *   consultation) was accepted: the BYE that follows the transfer request, not the caller leaving.
 * - `failed`: the call could not go on (answer failed, e.g. no microphone; transport lost; an outbound call refused,
 *   busy or not answered).
 * - `dial`: the operator placed an outbound call (INVITE sent); `answered` when the called party picks up, `hungup`
 *   when the operator gives up while it rings (CANCEL).
 */
export type CallEvent = "offer" | "dial" | "answered" | "declined" | "cancelled" | "hungup" | "ended" | "transferred" | "failed";

/** The whole machine: anything not listed here is illegal. */
export const CALL_TRANSITIONS: Readonly<Record<CallState, Partial<Record<CallEvent, CallState>>>> = {
  idle: { offer: "ringing", dial: "dialling" },
  dialling: { answered: "talking", hungup: "idle", failed: "idle", ended: "idle" },
  ringing: { answered: "talking", declined: "idle", cancelled: "idle", failed: "idle" },
  talking: { hungup: "idle", ended: "idle", transferred: "idle", failed: "idle" },
};

export class IllegalCallTransitionError extends Error {
  constructor(
    readonly from: CallState,
    readonly event: CallEvent,
  ) {
    super(`Illegal call transition: ${event} in state ${from}`);
    this.name = "IllegalCallTransitionError";
  }
}

/** The state after `event`, or undefined when the event is illegal in `from`. */
export function tryCallTransition(from: CallState, event: CallEvent): CallState | undefined {
  return CALL_TRANSITIONS[from][event];
}

/** The state after `event`; throws on an illegal move so a wiring bug cannot leave the UI lying. */
export function callTransition(from: CallState, event: CallEvent): CallState {
  const to = tryCallTransition(from, event);
  if (to === undefined) throw new IllegalCallTransitionError(from, event);
  return to;
}

/** Only an idle phone takes a new call; anything else answers the INVITE with 486 Busy Here. */
export function canTakeOffer(state: CallState): boolean {
  return tryCallTransition(state, "offer") !== undefined;
}
