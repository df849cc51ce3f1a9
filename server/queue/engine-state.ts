/**
 * The engine's in-memory state: plain records plus the indexes that keep dispatch cheap. Exposed read-only so
 * tests ({@link checkInvariants}) and supervisor views can inspect it; only the engine mutates it.
 */
import type { DeadlineHeap } from "./deadline-heap.js";
import type { OperatorStatus, PauseReason, Presence } from "./operator-state.js";
import type { QueueSettings } from "./queue-settings.js";
import type { SortedList } from "./sorted-list.js";

/** A deadline the engine owns. */
export type Timer =
  | { kind: "ring"; callId: string; operatorId: string }
  | { kind: "retry"; callId: string; operatorId: string }
  | { kind: "max-wait"; callId: string }
  | { kind: "position"; callId: string }
  | { kind: "periodic"; callId: string }
  | { kind: "tier"; callId: string }
  | { kind: "wrap-up"; operatorId: string }
  | { kind: "break-max"; operatorId: string };

/** An operator's entry in one queue's idle index; the sort key is frozen when the operator becomes idle. */
export interface IdleEntry {
  operatorId: string;
  /** Membership tier for the skills strategy, 0 otherwise (so the tier never reorders other strategies). */
  tier: number;
  primary: number;
  secondary: number;
  seq: number;
}

export interface OperatorRecord {
  id: string;
  /** queueId -> tier. */
  memberships: Map<string, number>;
  status: OperatorStatus;
  since: number;
  reason: string | undefined;
  presence: Presence;
  /** The active pause. Kept while offline so the operator comes back paused after a reconnect. */
  pause: { reason: PauseReason; since: number; warned: boolean } | undefined;
  /** A pause that waits for the current call to end or for a break slot. */
  pauseRequest: { reason: PauseReason; requestedAt: number } | undefined;
  offer: { callId: string; deadline: number } | undefined;
  /** The call being talked or wrapped up. */
  callId: string | undefined;
  idleSince: number;
  consecutiveMisses: number;
  callsToday: number;
  talkTodayMs: number;
  /** queueId -> sequence of the last offer from that queue: the round-robin memory. */
  lastOfferSeq: Map<string, number>;
  idleEntries: Map<string, IdleEntry>;
}

/** `external`: passed to an external number by a blind transfer (ringing or talking there; no operator involved). */
export type CallStatus = "waiting" | "offered" | "connected" | "external";

export interface CallRecord {
  id: string;
  queueId: string;
  callerNumber: string;
  priority: number;
  /** Queue weight + caller priority, frozen while the call is in a waiting list. */
  rank: number;
  /** Back in the queue after the operator leg failed: ahead of everyone. */
  boosted: boolean;
  arrivedAt: number;
  /** Entered the current queue; orders the queue and times max wait and tiers. Kept across a requeue. */
  queuedAt: number;
  seq: number;
  status: CallStatus;
  /** Operators ringing (several for ring-all). */
  offers: Set<string>;
  operatorId: string | undefined;
  answeredAt: number | undefined;
  talkMs: number;
  /** operatorId -> time until which that operator is not offered this caller again. */
  cooldowns: Map<string, number>;
  /** A place kept for a caller who chose a callback in a menu (no one on the line): see `keepsPlace` of caller-entered. */
  keepsPlace?: boolean;
  /** Max wait passed while ringing: act when the caller comes back to the queue. */
  maxWaitDue: boolean;
  overflowHops: number;
  /** Answered once already (a transfer followed): the first answer's time, for the call's waiting time. */
  firstAnsweredAt: number | undefined;
  /**
   * Ringing one operator by a blind transfer: unanswered, the caller goes back to the head of its queue (boosted)
   * with an apology.
   */
  directTransfer: boolean;
  /** Who passed the caller on by the current blind transfer to an operator: unanswered, it goes back to them first. */
  transferredBy: string | undefined;
}

export interface QueueRecord {
  settings: QueueSettings;
  /** Waiting callers: boosted first, then higher rank, then earlier queuedAt. */
  waiting: SortedList<CallRecord>;
  /** Available members, best first for the queue's strategy. */
  idle: SortedList<IdleEntry>;
  members: Set<string>;
  loggedInCount: number;
  staffedCount: number;
  /** Members on a limited pause (break, lunch). */
  onBreakCount: number;
  /** Moving average of talk + wrap-up, for the estimated-wait announcement. */
  avgHandleMs: number;
}

/** Engine-wide options. */
export interface EngineOptions {
  /** Caller number -> priority (VIPs); an event's own priority wins. */
  vipPriorities?: Readonly<Record<string, number>>;
  /** Pause reasons that take a break slot (`maxOnBreak`). Default break and lunch. */
  limitedPauseReasons?: readonly PauseReason[];
  /** Longest allowed pause per reason before supervisors are warned. Default break 15 min, lunch 60 min. */
  maxPauseMs?: Readonly<Record<string, number>>;
  /** Overflow chain length after which the caller is hung up, so misconfigured overflow loops end. Default 3. */
  maxOverflowHops?: number;
}

export interface EngineState {
  /** Latest engine time seen; never goes backwards. */
  now: number;
  operators: Map<string, OperatorRecord>;
  calls: Map<string, CallRecord>;
  queues: Map<string, QueueRecord>;
  timers: DeadlineHeap<Timer>;
  /** Operators waiting for a break slot, in request order. */
  breakLine: string[];
  seq: number;
  options: Required<EngineOptions>;
}
