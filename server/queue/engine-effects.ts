/**
 * What the engine asks the outside world to do. Effects are plain data; adapters (SIP, media, Socket.IO, database)
 * interpret them. The engine never waits for an effect to complete: the outcome comes back as a new event.
 */
import type { OperatorStatus, PauseReason, Presence } from "./operator-state.js";

/** Recorded announcements; the media adapter maps each to a prompt. */
export type AnnouncementKind =
  | "position"
  | "periodic"
  | "apology"
  | "closed"
  | "max-wait"
  | "queue-full"
  | "no-operators"
  | "callback-registered"
  /** A transfer to an operator went unanswered: the caller is back at the head of the queue. */
  | "transfer-returned"
  /** A caller sent to "callback" whose number we do not have (anonymous): told so, no request is made. */
  | "callback-unavailable";

/** Why a caller left the queue without being answered by an operator. */
export type LeaveReason = "max-wait" | "queue-full" | "no-operators" | "closed";
/**
 * A caller who chose a callback in a caller menu kept their place in the queue without staying on the line; their
 * turn came (they would have been offered to an operator now), so the callback request is made.
 */
export type CallbackTurn = "callback-turn";

/** How a call's life in the engine ended; every call gets exactly one. */
export type CallOutcome =
  /** Talked to an operator; the call ended afterwards. */
  | "answered"
  /** The caller hung up before being answered. */
  | "abandoned"
  /** Sent to a queue the engine does not manage. */
  | "overflowed"
  /** Left a number for a callback. */
  | "callback"
  /** Hung up by the engine after an announcement. */
  | "hung-up";

/** Why an offer was withdrawn from an operator. */
export type CancelReason = "answered-elsewhere" | "caller-hung-up" | "ring-timeout" | "operator-unavailable";

/** Why an offer was missed; all of these count towards the missed-offers pause. */
export type MissReason = "declined" | "timeout" | "operator-unavailable";

/** One entry of the append-only event log; `at` is engine time. */
export type RecordEntry =
  | { kind: "caller-entered"; at: number; callId: string; queueId: string; callerNumber: string; priority: number }
  | { kind: "call-offered"; at: number; callId: string; queueId: string; operatorIds: readonly string[] }
  | {
      kind: "call-answered";
      at: number;
      callId: string;
      queueId: string;
      operatorId: string;
      waitedMs: number;
      serviceLevelMs: number;
      withinServiceLevel: boolean;
      /** Answered after a transfer: not the call's first answer (its waiting time and ASA are the first one's). */
      transferred?: boolean;
    }
  | { kind: "offer-missed"; at: number; callId: string; queueId: string; operatorId: string; why: MissReason }
  | { kind: "call-requeued"; at: number; callId: string; queueId: string; why: "missed" | "operator-leg-failed" | "transfer-unanswered" }
  /** The operator passed the caller on: the segment they talked ends here (`talkMs` of this segment). */
  | {
      kind: "call-transferred";
      at: number;
      callId: string;
      queueId: string;
      operatorId: string;
      toQueueId?: string;
      toOperatorId?: string;
      /** A blind transfer to an external number (through the trunk). */
      toNumber?: string;
      talkMs: number;
    }
  | { kind: "call-overflowed"; at: number; callId: string; fromQueueId: string; toQueueId: string; reason: LeaveReason }
  | {
      kind: "call-finished";
      at: number;
      callId: string;
      queueId: string;
      outcome: CallOutcome;
      reason: LeaveReason | CallbackTurn | "caller-hung-up" | "call-ended";
      /** From arrival to answer, or to the end when never answered. */
      waitedMs: number;
      talkMs: number;
      serviceLevelMs: number;
      shortAbandonMs: number;
      /** Abandoned before the short-abandon threshold; reports usually exclude these. */
      shortAbandon: boolean;
    };

/** Everything the engine can ask for. */
export type Effect =
  /** Ring operator O with call C; the engine times the offer out itself at `ringDeadline`. */
  | { type: "offer"; callId: string; operatorId: string; queueId: string; callerNumber: string; ringDeadline: number }
  /** Stop ringing O for C. */
  | { type: "cancel-offer"; callId: string; operatorId: string; reason: CancelReason }
  | {
      type: "play-announcement";
      callId: string;
      announcement: AnnouncementKind;
      /** 1-based, for "position". */
      position?: number;
      /** For "position". */
      estimatedWaitMs?: number;
    }
  /** Transfer C to another queue; when the engine manages that queue it has already moved the caller. */
  | { type: "overflow"; callId: string; fromQueueId: string; toQueueId: string; reason: LeaveReason }
  | { type: "create-callback-request"; callId: string; queueId: string; callerNumber: string; reason: LeaveReason | CallbackTurn }
  | { type: "hang-up"; callId: string; announcement: AnnouncementKind; reason: LeaveReason }
  | {
      type: "operator-state-changed";
      operatorId: string;
      status: OperatorStatus;
      previous: OperatorStatus;
      /** Pause reason when paused; otherwise what caused the change (e.g. "missed-offer", "shift-ended"). */
      reason: string | undefined;
      since: number;
      presence: Presence;
    }
  /**
   * An operator's pause request that has not started changed: asked for (it starts after the call, or waits for a
   * break slot at 1-based `position` in the break line), moved up the line, started or withdrawn (`request` absent).
   */
  | { type: "pause-request-changed"; operatorId: string; request?: { reason: PauseReason; position?: number } }
  | { type: "warn-supervisors"; warning: "break-overrun"; operatorId: string; reason: PauseReason; since: number; overrunMs: number }
  | { type: "record"; entry: RecordEntry }
  /** The event did not apply (unknown id, stale offer, ...); nothing changed. */
  | { type: "ignored"; event: string; reason: string }
  /** A blind transfer that could not be carried out: the caller stays with the transferring operator. */
  | { type: "transfer-refused"; callId: string; operatorId: string; reason: "queue-unavailable" | "operator-unavailable" };
