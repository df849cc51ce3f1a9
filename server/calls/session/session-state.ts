/**
 * The life of a call session as a state machine (as SIP.js's `src/api/session-state.ts`): its states and the table of
 * legal moves, driven by {@link CallSession} through {@link StateMachine} (server/telephony/leg-state.ts), which
 * throws on an illegal move.
 * @module
 */
import type { TransitionTable } from "../../telephony/leg-state";

/**
 * queued (waiting, operators may ring) -> talking (bridged to an operator) <-> held (the operator put the caller on
 * hold: music) ; talking/held -> queued (the operator's leg dropped, or a transfer sent the caller on) ;
 * queued -> external (a blind transfer to a number: the external party rings, then talks to the caller) -> queued
 * (it did not answer: the caller comes back) ; talking/held -> consulting (the caller holds with music, the operator
 * talks to a number, a directory contact, a colleague or a queue's next free operator: attended transfer) -> talking
 * (cancelled), held (the target hung up or never answered, or completing to a colleague: the caller holds until the
 * colleague's transfer offer is answered), external (completed to a number: caller and target bridged, the operator
 * leaves) or queued (the operator's leg dropped) ; any -> ended.
 */
export type CallSessionState = "queued" | "talking" | "held" | "consulting" | "external" | "ended";
export const CALL_SESSION_TRANSITIONS: TransitionTable<CallSessionState> = {
  queued: ["talking", "external", "ended"],
  talking: ["held", "consulting", "queued", "ended"],
  held: ["talking", "consulting", "queued", "ended"],
  consulting: ["talking", "held", "external", "queued", "ended"],
  external: ["queued", "ended"],
  ended: [],
};
