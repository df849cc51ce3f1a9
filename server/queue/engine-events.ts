/**
 * What the outside world tells the engine. Each event is a fact that already happened (the caller hung up, the
 * operator answered); the engine never asks, it only reacts. Times come separately, from the injected clock.
 */
import type { PauseReason } from "./operator-state.js";
import type { QueueSettingsInput } from "./queue-settings.js";

/** An operator's membership in one queue; `tier` matters for the skills strategy (1 is tried first). */
export interface MembershipInput {
  queueId: string;
  tier?: number;
}

/** Events that concern only one operator and carry nothing else. */
export type OperatorSignal =
  | "operator-logged-in"
  | "operator-logged-out"
  | "socket-connected"
  | "socket-disconnected"
  | "sip-registered"
  | "sip-unregistered"
  | "resume-requested"
  | "wrap-up-finished"
  /** Resets the per-shift counters used by the fewest-calls and least-talk-time strategies. */
  | "shift-started"
  /** The operator is paused "shift-ended" as soon as the current call and wrap-up are over (they may resume: overtime). */
  | "shift-ended";

/** Where a blind transfer sends the caller. */
export type TransferTarget = { queueId: string } | { operatorId: string } | { external: string };

export type EngineEvent =
  | {
      type: "caller-entered";
      callId: string;
      queueId: string;
      callerNumber: string;
      /** Overrides the VIP table; higher goes first. */
      priority?: number;
      /** Defaults to the event time. */
      arrivedAt?: number;
      /**
       * The caller chose a callback in a caller menu and hung up: this entry only keeps their place. When they would
       * be offered to an operator (their turn), or would leave the queue (max wait, closed, full), a callback request
       * is made instead; nothing is ever played or offered for it.
       */
      keepsPlace?: boolean;
    }
  | { type: "caller-hung-up"; callId: string }
  | { type: "offer-answered"; callId: string; operatorId: string }
  | { type: "offer-declined"; callId: string; operatorId: string }
  /** The adapter saw the offer fail to ring or time out before the engine deadline. */
  | { type: "offer-timed-out"; callId: string; operatorId: string }
  /** The operator's leg dropped mid-call: the caller goes back to the head of the queue and hears an apology. */
  | { type: "operator-leg-failed"; callId: string; operatorId: string }
  | { type: "call-ended"; callId: string }
  /**
   * Blind transfer by the operator talking to the caller (issue 9). To a queue: the operator leaves (wrap-up) and the
   * caller waits there with its original arrival time and priority, so it goes ahead of callers who arrived later. To
   * an operator: only that operator rings; unanswered, the caller goes back to the head of its queue (apology). A
   * transfer the engine cannot carry out (target queue closed or unknown, target operator not available) leaves the
   * caller with the transferring operator and reports `transfer-refused`.
   */
  | { type: "call-transferred"; callId: string; operatorId: string; to: TransferTarget }
  /**
   * A blind transfer to an external number (`to: { external }`) is over: `answered`, the caller talks to the external
   * party and the call leaves the engine (answered); not answered (busy, no answer, failed), the caller comes back like
   * an unanswered transfer to an operator: to the transferring operator when available, else the head of its queue,
   * with an apology.
   */
  | { type: "external-transfer-ended"; callId: string; answered: boolean }
  | { type: OperatorSignal; operatorId: string }
  | { type: "pause-requested"; operatorId: string; reason: PauseReason }
  /**
   * An answered outbound call of the operator ended (from the desk: a number dialled, a callback). An outbound call
   * keeps its operator paused (reason `outbound`, or the pause they were on); now they get after-call work as after
   * an inbound call: wrap-up for the wrap-up time of `queueId` (the queue whose caller ID was used; unknown or
   * absent: the default queue setting), ended early by `wrap-up-finished`. The `outbound` pause ends with it; any
   * other pause starts again after it. A wrap-up time of 0: straight to their next state. Ignored unless the
   * operator is paused.
   */
  | { type: "outbound-call-ended"; operatorId: string; queueId?: string }
  /** The operator asked for more wrap-up time: the wrap-up's end moves `byMs` later (ignored outside wrap-up). */
  | { type: "wrap-up-extended"; operatorId: string; byMs: number }
  /** Adds an operator or replaces its memberships. */
  | { type: "operator-configured"; operatorId: string; memberships: readonly MembershipInput[] }
  /** Replaces which pause reasons take a break slot and how long each may last before supervisors are warned. */
  | { type: "pause-policy-configured"; limitedPauseReasons: readonly PauseReason[]; maxPauseMs: Readonly<Record<string, number>> }
  /** Adds a queue or replaces its settings. */
  | { type: "queue-configured"; settings: QueueSettingsInput }
  /** Fires deadlines that are due; the adapter sends it at {@link DispatchEngine.nextDeadline}. */
  | { type: "timer" };
