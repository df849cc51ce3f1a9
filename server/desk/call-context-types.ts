/** The shape of the desk's screen pop (server/desk/call-context.ts), without server code: the desk imports it. */

/** History rows shown at first; "more" shows up to HISTORY_MAX. */
export const HISTORY_FIRST = 10;
export const HISTORY_MAX = 50;

/** Wrap-up outcomes that promise the caller something (db/enums.ts WRAP_UP_OUTCOMES): shown apart in the screen pop. */
export const PROMISE_OUTCOMES: readonly string[] = ["callback-promised", "information-emailed"];
/** Promises shown at most. */
export const PROMISES_MAX = 5;

export interface HistoryRow {
  id: string;
  arrivedAt: string;
  queue: string | null;
  outcome: string;
  topic: string | null;
  outcomeDetail: string | null;
  notes: string | null;
  operator: string | null;
}

export interface CallContext {
  callId: string;
  queueId: number | null;
  queue: string;
  caller: string;
  script: { steps: string[]; values: { organisation: string; operator: string; queue: string; caller: string } };
  /**
   * Undefined when this user may not see the caller's history. `promises`: the previous calls (newest first, at most
   * {@link PROMISES_MAX}) whose wrap-up recorded a promise to the caller (see {@link PROMISE_OUTCOMES}).
   */
  history?: {
    calls: HistoryRow[];
    callbacks: Array<{ id: number; requestedAt: string; queue: string | null }>;
    promises: HistoryRow[];
    vipLabel: string | null;
  };
  topics: string[];
  topicRequired: boolean;
  /** Seconds the wrap-up may be extended by, once; null: no extension. */
  wrapUpExtendS: number | null;
}

