/**
 * What the supervisors' board shows of each queue, as plain data pushed over Socket.IO (`/board` namespace). Times
 * are epoch ms of the server's clock (the board computes waits and talk times from them against its own clock,
 * corrected by the `serverNow` sent with each update); durations are ms.
 */
import type { QueueHoursState } from "../hours/number-hours";

/** Today's figures of one queue, since local midnight in `TIMEZONE` (definitions: db/schema.ts, queue-figures.ts). */
export interface QueueFiguresView {
  /** Calls that entered the queue today. */
  offered: number;
  /** Calls that reached an operator. */
  answered: number;
  /** Of which answered within the queue's service-level threshold. */
  answeredWithinSl: number;
  /** Callers who hung up while waiting, at or after the short-abandon threshold. */
  abandoned: number;
  /** Callers who hung up before the short-abandon threshold: counted apart, not in the service level. */
  shortAbandons: number;
  /** answeredWithinSl / (answered + abandoned), 0..1; null before any such call today. */
  serviceLevel: number | null;
  /** Average speed of answer: mean wait of answered calls, ms; null before the first answer. */
  asaMs: number | null;
  /** Average handle time (talk + hold + wrap-up) of calls whose wrap-up ended, ms; null before the first. */
  ahtMs: number | null;
  /** Longest wait of a caller who stopped waiting today (answered or gone), ms. */
  longestWaitMs: number;
}

/** Today's figures per 15-minute slot from local midnight (a 23- or 25-hour day has 92 or 100 slots). */
export interface QueueSlotsView {
  /** Local midnight the first slot starts at, epoch ms. */
  dayStart: number;
  offered: number[];
  answered: number[];
  /** Non-short abandons. */
  abandoned: number[];
  /** Answered within the threshold: with answered + abandoned, the service level through the day. */
  withinSl: number[];
}

export interface WaitingCallerView {
  callId: string;
  callerNumber: string;
  callerName?: string;
  /** When the caller entered the queue, epoch ms. */
  since: number;
  /** 1-based place in the queue (the engine's order: priority first, then arrival). */
  position: number;
  vip: boolean;
  /** The caller left a number to be called back. */
  callbackRequested: boolean;
}

export interface LiveCallView {
  callId: string;
  callerNumber: string;
  callerName?: string;
  operatorId: number;
  /** Epoch ms of the answer: talk time runs from here, less hold. */
  answeredAt: number;
  /** Hold time so far (closed holds), ms. */
  holdMs: number;
  /** Epoch ms when the current hold began; absent when not on hold. */
  heldSince?: number;
}

/** Members of the queue by routing state (an operator in several queues counts in each). */
export interface QueueStaffView {
  loggedIn: number;
  available: number;
  /** Ringing or talking. */
  onCall: number;
  wrapUp: number;
  paused: number;
}

/** A threshold crossed now (see board-alerts.ts). */
export interface QueueAlertView {
  kind: "service-level" | "long-wait" | "nobody-available";
  queueId: number;
  /** Epoch ms since when it holds. */
  since: number;
  /** Service level (0..1) for `service-level`, longest current wait in ms for `long-wait`, callers waiting otherwise. */
  value: number;
  /** The queue's threshold: target 0..1, or seconds for `long-wait`. */
  threshold: number;
}

export interface QueuePanelView {
  queueId: number;
  name: string;
  /** The queue's service-level threshold, seconds. */
  slThresholdS: number;
  /** Callers waiting, in queue order (at most {@link MAX_WAITING_ROWS}; `waitingCount` has them all). */
  waiting: WaitingCallerView[];
  waitingCount: number;
  calls: LiveCallView[];
  staff: QueueStaffView;
  today: QueueFiguresView;
  slots: QueueSlotsView;
  /** Waiting callers over the last hour: the most waiting in each minute, `[minuteStartMs, count]`, oldest first. */
  waitingHistory: Array<[number, number]>;
  alerts: QueueAlertView[];
  /** Operating hours (issue 11): open, or closed until …, with a closure's reason; absent for a queue without hours. */
  hours?: QueueHoursState;
}

/** One operator's figures today. */
export interface OperatorFiguresView {
  operatorId: number;
  /** Calls answered today: each segment of a call this operator talked in (a transferred call counts for each). */
  handled: number;
  /** Talk time of today's ended segments, hold excluded, ms. */
  talkMs: number;
  /** Hold time within those segments, ms. */
  holdMs: number;
  /** Time on calls (ringing, talking) and in wrap-up today, closed spans, ms. */
  busyMs: number;
  /** Time available and idle today, closed spans, ms. */
  idleMs: number;
  /** The current state and when it began (epoch ms, today at the earliest): the open span to add to busy or idle. */
  current: "busy" | "idle" | "away";
  since: number;
}

/** A board's full picture, on connect. */
export interface BoardSnapshot {
  serverNow: number;
  queues: QueuePanelView[];
  operators: OperatorFiguresView[];
}

/** Rows of waiting callers sent per queue; the count is exact. */
export const MAX_WAITING_ROWS = 50;

/**
 * One queue as the wallboard (a TV in the room, `/wallboard`) shows it: large figures only, no caller numbers or
 * names (a shared screen). Colours come from the queue's thresholds.
 */
export interface WallboardQueueView {
  queueId: number;
  name: string;
  waitingCount: number;
  /** Since when the longest-waiting caller waits, epoch ms; absent when nobody waits. */
  oldestWaitingSince?: number;
  serviceLevel: number | null;
  /** The queue's service-level alert target (0..1), or null when none is set. */
  serviceLevelTarget: number | null;
  /** The queue's service-level threshold and long-wait limit, seconds (colours of the longest wait). */
  slThresholdS: number;
  longWaitS: number | null;
  available: number;
  answered: number;
  abandoned: number;
  alerting: boolean;
}

export interface WallboardSnapshot {
  serverNow: number;
  queues: WallboardQueueView[];
}
