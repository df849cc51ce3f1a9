/**
 * Report aggregates over call records, computed in SQL (one pass, PGlite and PostgreSQL alike) with the
 * definitions of db/schema.ts: wait = answered_at (or ended_at) - queued_at; offered = calls that were queued and
 * have ended; abandoned excludes short abandons (wait < the record's short_abandon_s), counted apart; answered
 * within the service level = wait <= the record's sl_threshold_s; handle = talk + hold + wrap-up =
 * (wrap_up_ended_at or ended_at) - answered_at. Sums are in seconds.
 * The callers' figures (answered, service level, ASA, wait bands, missed offers) count inbound calls only: an
 * outbound call (dial pad, callback) has no wait, and counting it answered would raise the service level and lower
 * the ASA. Handled calls (handle, talk, hold, wrap-up: the operators' work) count both directions.
 */
import { and, asc, count, eq, exists, gte, inArray, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { answerUses, callbackRequests, callEvents, callRecords, preparedAnswers, queues } from "../schema";
import { partEventColumns } from "./board";
import { callLogWhere, type CallLogFilter } from "./call-log";

/** Upper bounds (seconds, exclusive) of the wait bands; the last band is open: 0-10, 10-20, 20-30, 30-60, 60-120, 120-300, > 300. */
export const WAIT_BANDS_S = [10, 20, 30, 60, 120, 300] as const;

/** How calls are grouped: by queue id, operator id, topic, dialled number, or by time in the zone. */
export const GROUPINGS = ["queue", "operator", "topic", "number", "day", "hour-of-day", "weekday-hour", "hour-slot"] as const;
export type Grouping = (typeof GROUPINGS)[number];

/**
 * The matching calls with their derived values computed once a row (wait, handle, talk, wrap-up in seconds) and
 * one text key per grouping: queue and operator ids ("" for none), topic ("" for none), dialled number, and in
 * `zone` the day "YYYY-MM-DD", hour of day "HH", ISO weekday and hour "D-HH", hour slot "YYYY-MM-DDTHH".
 */
function derivedCalls(db: Db, filter: CallLogFilter, zone: string) {
  const local = sql`(${callRecords.arrivedAt} at time zone ${zone})`;
  return db
    .select({
      outcome: sql<string>`${callRecords.outcome}::text`.as("outcome"),
      inbound: sql<boolean>`(${callRecords.direction} = 'inbound')`.as("inbound"),
      detail: sql<string | null>`${callRecords.outcomeDetail}`.as("detail"),
      queued: sql<boolean>`(${callRecords.queuedAt} is not null and ${callRecords.outcome} <> 'in_progress')`.as("queued"),
      handled: sql<boolean>`(${callRecords.outcome} = 'answered' and ${callRecords.endedAt} is not null)`.as("handled"),
      waitS: sql<number>`coalesce(extract(epoch from (coalesce(${callRecords.answeredAt}, ${callRecords.endedAt}) - ${callRecords.queuedAt})), 0)::float8`.as("wait_s"),
      handleS: sql<number>`extract(epoch from (coalesce(${callRecords.wrapUpEndedAt}, ${callRecords.endedAt}) - ${callRecords.answeredAt}))::float8`.as("handle_s"),
      talkS: sql<number>`(extract(epoch from (${callRecords.endedAt} - ${callRecords.answeredAt})) - ${callRecords.holdMs} / 1000.0)::float8`.as("talk_s"),
      wrapS: sql<number>`coalesce(extract(epoch from (${callRecords.wrapUpEndedAt} - ${callRecords.endedAt})), 0)::float8`.as("wrap_s"),
      holdS: sql<number>`(${callRecords.holdMs} / 1000.0)::float8`.as("hold_s"),
      offers: sql<number>`${callRecords.offers}`.as("offers"),
      slS: sql<number>`${callRecords.slThresholdS}`.as("sl_s"),
      shortS: sql<number>`${callRecords.shortAbandonS}`.as("short_s"),
      kQueue: sql<string>`coalesce(${callRecords.queueId}::text, '')`.as("k_queue"),
      kOperator: sql<string>`coalesce(${callRecords.operatorId}::text, '')`.as("k_operator"),
      kTopic: sql<string>`coalesce(${callRecords.topic}, '')`.as("k_topic"),
      // The hotline number a call is about: the one dialled, or for an outbound call the one it showed as caller ID
      // (its dialled number is the callee's, not a number of this hotline).
      kNumber: sql<string>`case when ${callRecords.direction} = 'outbound' then ${callRecords.callerNumber} else ${callRecords.dialedNumber} end`.as("k_number"),
      kSlot: sql<string>`to_char(${local}, 'YYYY-MM-DD"T"HH24')`.as("k_slot"),
      kWeekdayHour: sql<string>`to_char(${local}, 'ID-HH24')`.as("k_weekday_hour"),
    })
    .from(callRecords)
    .where(callLogWhere(filter))
    .as("c");
}

type Derived = ReturnType<typeof derivedCalls>;

function metricsOf(c: Derived) {
  const n = (condition: SQL) => sql<number>`(count(*) filter (where ${condition}))::int`;
  const sum = (value: SQL, condition: SQL) => sql<number>`coalesce(sum(${value}) filter (where ${condition}), 0)::float8`;
  // Callers answered: inbound only (see the module doc).
  const answered = sql`${c.inbound} and ${c.outcome} = 'answered'`;
  const abandoned = sql`${c.outcome} = 'abandoned' and ${c.waitS} >= ${c.shortS}`;
  const bands = (condition: SQL) => {
    const bounds = [0, ...WAIT_BANDS_S];
    return sql.join(
      bounds.map((low, i) => n(i === bounds.length - 1 ? sql`${condition} and ${c.waitS} >= ${low}` : sql`${condition} and ${c.waitS} >= ${low} and ${c.waitS} < ${bounds[i + 1]}`)),
      sql`, `,
    );
  };
  return {
    calls: sql<number>`count(*)::int`,
    offered: n(sql`${c.queued}`),
    answered: n(answered),
    answeredInSl: n(sql`${answered} and ${c.waitS} <= ${c.slS}`),
    abandoned: n(abandoned),
    shortAbandoned: n(sql`${c.outcome} = 'abandoned' and ${c.waitS} < ${c.shortS}`),
    // Callers who tried outside hours: those who left a voicemail too (issue 11, point 6).
    closed: n(sql`${c.outcome} in ('closed', 'voicemail')`),
    timedOut: n(sql`${c.outcome} = 'timed_out'`),
    overflowed: n(sql`${c.outcome} = 'overflowed'`),
    noOperators: n(sql`${c.outcome} = 'no_operators'`),
    couldNotHelp: n(sql`${c.detail} = 'could-not-help'`),
    answeredWaitS: sum(sql`${c.waitS}`, answered),
    abandonedWaitS: sum(sql`${c.waitS}`, abandoned),
    longestWaitS: sql<number>`coalesce(max(${c.waitS}) filter (where ${c.queued}), 0)::float8`,
    handled: n(sql`${c.handled}`),
    handleS: sum(sql`${c.handleS}`, sql`${c.handled}`),
    talkS: sum(sql`${c.talkS}`, sql`${c.handled}`),
    holdS: sum(sql`${c.holdS}`, sql`${c.handled}`),
    wrapUpS: sum(sql`${c.wrapS}`, sql`${c.handled}`),
    missedOffers: sql<number>`coalesce(sum(greatest(${c.offers} - case when ${answered} then 1 else 0 end, 0)), 0)::int`,
    slThresholdS: sql<number>`coalesce(max(${c.slS}), 20)::int`,
    answeredBands: sql<string>`array[${bands(answered)}]`,
    abandonedBands: sql<string>`array[${bands(abandoned)}]`,
  };
}

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

/** The aggregate of no calls. */
export const NO_CALLS: Readonly<CallAggregate> = Object.freeze({
  calls: 0,
  offered: 0,
  answered: 0,
  answeredInSl: 0,
  abandoned: 0,
  shortAbandoned: 0,
  closed: 0,
  timedOut: 0,
  overflowed: 0,
  noOperators: 0,
  couldNotHelp: 0,
  answeredWaitS: 0,
  abandonedWaitS: 0,
  longestWaitS: 0,
  handled: 0,
  handleS: 0,
  talkS: 0,
  holdS: 0,
  wrapUpS: 0,
  missedOffers: 0,
  slThresholdS: 20,
  answeredBands: [0, 0, 0, 0, 0, 0, 0],
  abandonedBands: [0, 0, 0, 0, 0, 0, 0],
});

function toAggregate(row: Record<string, unknown>): CallAggregate {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith("k")) continue;
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
  const c = derivedCalls(db, filter, "UTC");
  const [row] = await db.select(metricsOf(c)).from(c);
  return toAggregate(row as Record<string, unknown>);
}

export type GroupedAggregates = { total: CallAggregate } & Record<Grouping, Array<{ key: string } & CallAggregate>>;

/**
 * The total and the aggregates per group of every grouping, in one pass over the calls (GROUPING SETS); each
 * grouping's rows ordered by key. Day, hour of day and weekday x hour are rolled up from the hour slots' rows in
 * SQL too. Keys: see {@link derivedCalls}.
 */
export async function aggregateCallsGrouped(db: Db, filter: CallLogFilter, zone: string): Promise<GroupedAggregates> {
  const c = derivedCalls(db, filter, zone);
  const day = sql`left(${c.kSlot}, 10)`;
  const hour = sql`right(${c.kSlot}, 2)`;
  const keys = {
    kQueue: sql<string | null>`${c.kQueue}`,
    kOperator: sql<string | null>`${c.kOperator}`,
    kTopic: sql<string | null>`${c.kTopic}`,
    kNumber: sql<string | null>`${c.kNumber}`,
    kSlot: sql<string | null>`${c.kSlot}`,
    kWeekdayHour: sql<string | null>`${c.kWeekdayHour}`,
    kDay: sql<string | null>`${day}`,
    kHour: sql<string | null>`${hour}`,
  };
  const rows = await db
    .select({ ...keys, ...metricsOf(c) })
    .from(c)
    .groupBy(
      sql`grouping sets ((), (${c.kQueue}), (${c.kOperator}), (${c.kTopic}), (${c.kNumber}), (${c.kSlot}), (${c.kWeekdayHour}), (${day}), (${hour}))`,
    );
  const result: Omit<GroupedAggregates, "total"> = {
    queue: [],
    operator: [],
    topic: [],
    number: [],
    day: [],
    "hour-of-day": [],
    "weekday-hour": [],
    "hour-slot": [],
  };
  const column: Array<[keyof typeof keys, Grouping]> = [
    ["kQueue", "queue"],
    ["kOperator", "operator"],
    ["kTopic", "topic"],
    ["kNumber", "number"],
    ["kSlot", "hour-slot"],
    ["kWeekdayHour", "weekday-hour"],
    ["kDay", "day"],
    ["kHour", "hour-of-day"],
  ];
  let total: CallAggregate | undefined;
  for (const row of rows) {
    const found = column.find(([name]) => row[name] !== null);
    const aggregate = toAggregate(row as Record<string, unknown>);
    if (found) result[found[1]].push({ key: String(row[found[0]]), ...aggregate });
    else total = aggregate;
  }
  for (const grouping of GROUPINGS) result[grouping].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // The empty grouping set yields its row even without calls.
  if (!total) throw new Error("the grand total row is missing");
  return { total, ...result };
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
export async function listOperatorStates(db: Db, from: Date, to: Date): Promise<Array<{ operatorId: number; at: Date; status: string; reason: string | null }>> {
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
  return [...before, ...during].map((row) => ({
    operatorId: row.operatorId!,
    at: row.at,
    status: String(row.data.to ?? "offline"),
    reason: typeof row.data.reason === "string" ? row.data.reason : null,
  }));
}

/** Offers each operator let ring out or declined (`call.offer-missed` events) in [from, to), optionally one queue's. */
export async function countMissedOffersByOperator(db: Db, from: Date, to: Date, queue?: string): Promise<Map<number, number>> {
  const rows = await db
    .select({ operatorId: callEvents.operatorId, missed: sql<number>`count(*)::int` })
    .from(callEvents)
    .where(
      and(
        eq(callEvents.type, "call.offer-missed"),
        gte(callEvents.at, from),
        lt(callEvents.at, to),
        sql`${callEvents.operatorId} is not null`,
        queue ? sql`${callEvents.queueId} in (select ${queues.id} from ${queues} where lower(${queues.name}) = lower(${queue}))` : undefined,
      ),
    )
    .groupBy(callEvents.operatorId);
  return new Map(rows.map((row) => [row.operatorId!, Number(row.missed)]));
}

/**
 * The handled calls (answered and ended) among those of `filter` that passed through more than one operator's hands
 * (an event of `splitTypes`: a transfer, an operator's dropped line): the record's columns the per-operator sums read,
 * and their events of `types` in log order (both from server/calls/operator-parts.ts: SPLIT_EVENT_TYPES and
 * PART_EVENT_TYPES). A report credits each operator with their own segment of these calls rather than the record's
 * first operator with all of it.
 */
export async function listSplitCalls(db: Db, filter: CallLogFilter, types: readonly string[], splitTypes: readonly string[]) {
  const split = exists(
    db
      .select({ one: sql`1` })
      .from(callEvents)
      .where(and(eq(callEvents.callId, callRecords.id), inArray(callEvents.type, [...splitTypes]))),
  );
  const records = await db
    .select({
      id: callRecords.id,
      operatorId: callRecords.operatorId,
      answeredAt: callRecords.answeredAt,
      endedAt: callRecords.endedAt,
      wrapUpEndedAt: callRecords.wrapUpEndedAt,
      holdMs: callRecords.holdMs,
    })
    .from(callRecords)
    .where(and(callLogWhere(filter), eq(callRecords.outcome, "answered"), isNotNull(callRecords.endedAt), split));
  if (records.length === 0) return { records, events: [] };
  const events = await db
    .select(partEventColumns)
    .from(callEvents)
    .where(and(inArray(callEvents.callId, records.map((r) => r.id)), inArray(callEvents.type, [...types])))
    .orderBy(asc(callEvents.at), asc(callEvents.id));
  return { records, events };
}
