/**
 * Operator state machine: an explicit status enum and the transition table that guards it.
 *
 * Every status change in the engine goes through {@link assertTransition}, so a bug that would leave an operator
 * in an impossible place (say, on-call without ever having been offered) fails loudly in tests instead of producing
 * a "ghost agent" in production. Modelled on SIP.js `session-state.ts`.
 */

/** Where an operator stands with respect to taking calls. */
export enum OperatorStatus {
  /** Not ready: logged out, or the browser socket or the SIP registration is missing. */
  Offline = "offline",
  /** Ready and idle: may be offered a call. */
  Available = "available",
  /** A call is ringing on the operator's phone. */
  Offered = "offered",
  /** Talking to a caller. */
  OnCall = "on-call",
  /** After-call work; no offers until it ends. */
  WrapUp = "wrap-up",
  /** Ready but deliberately not taking calls (break, lunch, missed calls, ...). */
  Paused = "paused",
}

/**
 * Why an operator is paused. The named reasons have engine semantics (break limits, automatic pause after missed
 * offers, pause after a failed operator leg); any other string is a site-defined reason.
 */
export type PauseReason = "break" | "lunch" | "training" | "missed-calls" | "leg-failed" | (string & {});

/**
 * Every reason the server itself gives an operator's state change (`operator-state-changed.reason`, shown on the
 * desk and in the board's Reason column through `operatorStatus.reasons.*`): the built-in pause reasons, the pauses
 * the server starts, and what ended a call or a pause. Site-defined pause reasons carry their own label. A unit test
 * checks that the engine gives no other and that each has a message in every language.
 */
export const OPERATOR_STATE_REASONS = [
  // Built-in pause reasons (db/migrations/0002_staffing.sql) and pauses the server starts.
  "break",
  "lunch",
  "training",
  "missed-calls",
  "leg-failed",
  "not-ready",
  "shift-ended",
  "outbound",
  // What moved the operator.
  "presence",
  "restored",
  "resumed",
  "missed-offer",
  "caller-hung-up",
  "answered-elsewhere",
  "call-ended",
  "call-transferred",
  "outbound-call-ended",
  "wrap-up-finished",
] as const;

/**
 * The three independent conditions for availability. They are kept separately (not folded into the status) so a
 * supervisor screen can show the mismatch, e.g. logged in and connected but the SIP registration is gone.
 */
export interface Presence {
  loggedIn: boolean;
  socketConnected: boolean;
  sipRegistered: boolean;
}

/** Legal next statuses for each status. Anything else is a programming error. */
export const OPERATOR_TRANSITIONS: Readonly<Record<OperatorStatus, readonly OperatorStatus[]>> = {
  [OperatorStatus.Offline]: [OperatorStatus.Available, OperatorStatus.Paused],
  [OperatorStatus.Available]: [OperatorStatus.Offered, OperatorStatus.Paused, OperatorStatus.Offline],
  // Back to available (or paused/offline) when the offer is missed or cancelled; on-call when answered.
  [OperatorStatus.Offered]: [OperatorStatus.OnCall, OperatorStatus.Available, OperatorStatus.Paused, OperatorStatus.Offline],
  // Straight to available/paused/offline when the queue has no wrap-up time or the operator leg failed.
  [OperatorStatus.OnCall]: [OperatorStatus.WrapUp, OperatorStatus.Available, OperatorStatus.Paused, OperatorStatus.Offline],
  [OperatorStatus.WrapUp]: [OperatorStatus.Available, OperatorStatus.Paused, OperatorStatus.Offline],
  // Paused to paused is a change of reason (e.g. break becomes missed-calls). Paused to wrap-up: an answered outbound
  // call ended (the operator is paused for its length, see the `outbound-call-ended` event).
  [OperatorStatus.Paused]: [OperatorStatus.Available, OperatorStatus.Offline, OperatorStatus.Paused, OperatorStatus.WrapUp],
};

/** Thrown on an illegal status change; carries both ends for the log. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly operatorId: string,
    readonly from: OperatorStatus,
    readonly to: OperatorStatus,
  ) {
    super(`operator ${operatorId}: illegal transition ${from} -> ${to}`);
    this.name = "IllegalTransitionError";
  }
}

/** Whether `from -> to` is in the transition table. */
export function canTransition(from: OperatorStatus, to: OperatorStatus): boolean {
  return OPERATOR_TRANSITIONS[from].includes(to);
}

/** Throws {@link IllegalTransitionError} unless `from -> to` is legal. */
export function assertTransition(operatorId: string, from: OperatorStatus, to: OperatorStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(operatorId, from, to);
}

/** All three presence conditions hold, so the operator may leave offline. */
export function isReady(presence: Presence): boolean {
  return presence.loggedIn && presence.socketConnected && presence.sipRegistered;
}

/** Statuses that count as "staffing" a queue: the operator works, even if busy right now. */
export function isStaffed(status: OperatorStatus): boolean {
  return (
    status === OperatorStatus.Available ||
    status === OperatorStatus.Offered ||
    status === OperatorStatus.OnCall ||
    status === OperatorStatus.WrapUp
  );
}
