/** The shape of the desk's screen pop (server/desk/call-context.ts), without server code: the desk imports it. */

/** History rows shown at first; "more" shows up to HISTORY_MAX. */
export const HISTORY_FIRST = 10;
export const HISTORY_MAX = 50;

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
  /** Undefined when this user may not see the caller's history. */
  history?: { calls: HistoryRow[]; callbacks: Array<{ id: number; requestedAt: string; queue: string | null }>; vipLabel: string | null };
  topics: string[];
  topicRequired: boolean;
  /** Seconds the wrap-up may be extended by, once; null: no extension. */
  wrapUpExtendS: number | null;
}

