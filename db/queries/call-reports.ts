/**
 * Report aggregates over call records, computed in SQL (one pass, PGlite and PostgreSQL alike) with the
 * definitions of db/schema.ts: wait = answered_at (or ended_at) - queued_at; offered = calls that were queued and
 * have ended; abandoned excludes short abandons (wait < the record's short_abandon_s), counted apart; answered
 * within the service level = wait <= the record's sl_threshold_s; handle = talk + hold + wrap-up =
 * (wrap_up_ended_at or ended_at) - answered_at. Sums are in seconds.
 */
import { and, count, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { answerUses, callbackRequests, callEvents, callRecords, preparedAnswers } from "../schema";
import { callLogWhere, type CallLogFilter } from "./call-log";

const WAIT_S = sql`extract(epoch from (coalesce(${callRecords.answeredAt}, ${callRecords.endedAt}) - ${callRecords.queuedAt}))`;
const HANDLE_S = sql`extract(epoch from (coalesce(${callRecords.wrapUpEndedAt}, ${callRecords.endedAt}) - ${callRecords.answeredAt}))`;
const TALK_S = sql`(extract(epoch from (${callRecords.endedAt} - ${callRecords.answeredAt})) - ${callRecords.holdMs} / 1000.0)`;
const WRAP_S = sql`coalesce(extract(epoch from (${callRecords.wrapUpEndedAt} - ${callRecords.endedAt})), 0)`;
const QUEUED = sql`${callRecords.queuedAt} is not null and ${callRecords.outcome} <> 'in_progress'`;
const ANSWERED = sql`${callRecords.outcome} = 'answered'`;
const HANDLED = sql`${callRecords.outcome} = 'answered' and ${callRecords.endedAt} is not null`;
const ABANDONED = sql`${callRecords.outcome} = 'abandoned' and coalesce(${WAIT_S}, 0) >= ${callRecords.shortAbandonS}`;
const SHORT_ABANDONED = sql`${callRecords.outcome} = 'abandoned' and coalesce(${WAIT_S}, 0) < ${callRecords.shortAbandonS}`;

const n = (condition: SQL) => sql<number>`(count(*) filter (where ${condition}))::int`;
const sum = (value: SQL, condition: SQL) => sql<number>`coalesce(sum(${value}) filter (where ${condition}), 0)::float8`;

/** Upper bounds (seconds, exclusive) of the wait bands; the last band is open: 0-10, 10-20, 20-30, 30-60, 60-120, 120-300, > 300. */
export const WAIT_BANDS_S = [10, 20, 30, 60, 120, 300] as const;

function bandCounts(condition: SQL) {
  const bounds = [0, ...WAIT_BANDS_S, null];
  return bounds.slice(0, -1).map((low, i) => {
    const high = bounds[i + 1];
    const inBand = high === null ? sql`coalesce(${WAIT_S}, 0) >= ${low}` : sql`coalesce(${WAIT_S}, 0) >= ${low} and coalesce(${WAIT_S}, 0) < ${high}`;
    return n(sql`${condition} and ${inBand}`);
  });
}

const metrics = {
  calls: sql<number>`count(*)::int`,
  offered: n(QUEUED),
  answered: n(ANSWERED),
  answeredInSl: n(sql`${ANSWERED} and ${WAIT_S} <= ${callRecords.slThresholdS}`),
  abandoned: n(ABANDONED),
  shortAbandoned: n(SHORT_ABANDONED),
  closed: n(sql`${callRecords.outcome} = 'closed'`),
  timedOut: n(sql`${callRecords.outcome} = 'timed_out'`),
  overflowed: n(sql`${callRecords.outcome} = 'overflowed'`),
  noOperators: n(sql`${callRecords.outcome} = 'no_operators'`),
  couldNotHelp: n(sql`${callRecords.outcomeDetail} = 'could-not-help'`),
  answeredWaitS: sum(WAIT_S, ANSWERED),
  abandonedWaitS: sum(WAIT_S, ABANDONED),
  longestWaitS: sql<number>`coalesce(max(${WAIT_S}) filter (where ${QUEUED}), 0)::float8`,
  handled: n(HANDLED),
  handleS: sum(HANDLE_S, HANDLED),
  talkS: sum(TALK_S, HANDLED),
  holdS: sum(sql`${callRecords.holdMs} / 1000.0`, HANDLED),
  wrapUpS: sum(WRAP_S, HANDLED),
  missedOffers: sql<number>`coalesce(sum(greatest(${callRecords.offers} - case when ${ANSWERED} then 1 else 0 end, 0)), 0)::int`,
  slThresholdS: sql<number>`coalesce(max(${callRecords.slThresholdS}), 20)::int`,
  answeredBands: sql<string>`array[${sql.join(bandCounts(ANSWERED), sql`, `)}]`,
  abandonedBands: sql<string>`array[${sql.join(bandCounts(ABANDONED), sql`, `)}]`,
};

/** Counts and sums (seconds) of one group of calls; see the module's definitions. */
export interface CallAggregate {
  calls: number;
  offered: number;
  answered: number;
  answeredInSl: number;
  abandoned: number;
  shortAbandoned: number;
  closed: number;
  timedOut: number;
  overflowed: number;
  noOperators: number;
  couldNotHelp: number;
  answeredWaitS: number;
  abandonedWaitS: number;
  longestWaitS: number;
  handled: number;
  handleS: number;
  talkS: number;
  holdS: number;
  wrapUpS: number;
  missedOffers: number;
  /** The largest service-level threshold among the calls (seconds). */
  slThresholdS: number;
  /** Answered calls per wait band ({@link WAIT_BANDS_S}). */
  answeredBands: number[];
  abandonedBands: number[];
}

/** How calls are grouped: by queue id, operator id, topic, dialled number, or by time in `zone`. */
export type Grouping = "queue" | "operator" | "topic" | "number" | "day" | "hour-of-day" | "weekday-hour" | "hour-slot";

function groupKey(grouping: Grouping, zone: string): SQL {
  const local = sql`(${callRecords.arrivedAt} at time zone ${zone})`;
  switch (grouping) {
    case "queue":
      return sql`coalesce(${callRecords.queueId}::text, '')`;
    case "operator":
      return sql`coalesce(${callRecords.operatorId}::text, '')`;
    case "topic":
      return sql`coalesce(${callRecords.topic}, '')`;
    case "number":
      return sql`${callRecords.dialedNumber}`;
    case "day":
      return sql`to_char(${local}, 'YYYY-MM-DD')`;
    case "hour-of-day":
      return sql`to_char(${local}, 'HH24')`;
    case "weekday-hour":
      return sql`to_char(${local}, 'ID-HH24')`;
    case "hour-slot":
      return sql`to_char(${local}, 'YYYY-MM-DD"T"HH24')`;
  }
}

function toAggregate(row: Record<string, unknown>): CallAggregate {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "key") continue;
    out[key] = Array.isArray(value) ? value.map(Number) : typeof value === "string" && key.endsWith("Bands") ? parseArray(value) : Number(value);
  }
  return out as unknown as CallAggregate;
}

/** PostgreSQL's text form of an integer array ("{1,2,3}"), as some drivers return it. */
function parseArray(text: string): number[] {
  return text.replace(/[{}]/g, "").split(",").filter(Boolean).map(Number);
}

/** The aggregate of every call matching `filter`. */
export async function aggregateCalls(db: Db, filter: CallLogFilter): Promise<CallAggregate> {
  const [row] = await db.select(metrics).from(callRecords).where(callLogWhere(filter));
  return toAggregate(row as Record<string, unknown>);
}

/**
 * Aggregates per group, ordered by key. Keys: queue and operator ids as text ("" for none), topic ("" for none),
 * dialled number, day "YYYY-MM-DD", hour of day "HH", ISO weekday and hour "D-HH", hour slot "YYYY-MM-DDTHH".
 */
export async function aggregateCallsBy(db: Db, filter: CallLogFilter, grouping: Grouping, zone: string): Promise<Array<{ key: string } & CallAggregate>> {
  const key = groupKey(grouping, zone);
  const rows = await db
    .select({ key: sql<string>`${key}`, ...metrics })
    .from(callRecords)
    .where(callLogWhere(filter))
    // By position: the same expression written twice would bind the zone twice, and PostgreSQL would not see one group key.
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  return rows.map((row) => ({ key: String(row.key), ...toAggregate(row as Record<string, unknown>) }));
}

/** Callback requests left in [from, to) (`done` of them marked done). */
export async function countCallbackRequests(db: Db, from: Date, to: Date): Promise<{ requested: number; done: number }> {
  const [row] = await db
    .select({ requested: count(), done: sql<number>`(count(*) filter (where ${callbackRequests.doneAt} is not null))::int` })
    .from(callbackRequests)
    .where(and(gte(callbackRequests.requestedAt, from), lt(callbackRequests.requestedAt, to)));
  return { requested: Number(row?.requested ?? 0), done: Number(row?.done ?? 0) };
}

/** The prepared answers used most on calls of [from, to), with how often. */
export function topAnswersUsed(db: Db, from: Date, to: Date, limit = 10) {
  return db
    .select({ answerId: answerUses.answerId, question: preparedAnswers.question, topic: preparedAnswers.topic, uses: sql<number>`count(*)::int` })
    .from(answerUses)
    .innerJoin(preparedAnswers, eq(preparedAnswers.id, answerUses.answerId))
    .where(and(gte(answerUses.at, from), lt(answerUses.at, to)))
    .groupBy(answerUses.answerId, preparedAnswers.question, preparedAnswers.topic)
    .orderBy(sql`count(*) desc`)
    .limit(limit);
}

/**
 * The `operator.state` events needed to know who was logged in during [from, to): each operator's last event
 * before `from`, then every event up to `to`, oldest first. `data.to` is the new status (`offline` = logged out).
 */
export async function listOperatorStates(db: Db, from: Date, to: Date): Promise<Array<{ operatorId: number; at: Date; status: string }>> {
  const before = await db
    .selectDistinctOn([callEvents.operatorId], { operatorId: callEvents.operatorId, at: callEvents.at, data: callEvents.data })
    .from(callEvents)
    .where(and(eq(callEvents.type, "operator.state"), lt(callEvents.at, from), sql`${callEvents.operatorId} is not null`))
    .orderBy(callEvents.operatorId, sql`${callEvents.at} desc`, sql`${callEvents.id} desc`);
  const during = await db
    .select({ operatorId: callEvents.operatorId, at: callEvents.at, data: callEvents.data })
    .from(callEvents)
    .where(and(eq(callEvents.type, "operator.state"), gte(callEvents.at, from), lt(callEvents.at, to), sql`${callEvents.operatorId} is not null`))
    .orderBy(callEvents.at, callEvents.id);
  return [...before, ...during].map((row) => ({ operatorId: row.operatorId!, at: row.at, status: String(row.data.to ?? "offline") }));
}
