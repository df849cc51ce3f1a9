/**
 * The hotline's reports for a period: the summary figures (service level, ASA, AHT, abandon rate …), the same
 * by queue, operator, topic, number, day, hour of day and weekday x hour, and the staffing per hour (Erlang C's
 * operators needed for the service-level target against the operators logged in). Aggregates come from SQL
 * (db/queries/call-reports.ts); this module only turns counts and sums into ratios and averages.
 */
import type { Db } from "../../db/client";
import type { CallLogFilter } from "../../db/queries/call-log";
import {
  aggregateCalls,
  aggregateCallsGrouped,
  countCallbackRequests,
  countMissedOffersByOperator,
  NO_CALLS,
  listOperatorStates,
  listSplitCalls,
  topAnswersUsed,
  WAIT_BANDS_S,
  type CallAggregate,
  type Grouping,
} from "../../db/queries/call-reports";
import { getOrganisation } from "../../db/queries/organisation";
import { listHotlineNumbers, listQueues } from "../../db/queries/queues";
import { listUsers } from "../../db/queries/users";
import { inboundParts, PART_EVENT_TYPES, SPLIT_EVENT_TYPES } from "../calls/operator-parts";
import { agentsNeeded } from "./erlang-c";
import { hourIsOver, loggedInByHour } from "./logged-in-hours";
import { operatorTime, type OperatorTime } from "./operator-time";
import type { Period } from "./period";

/**
 * The service level the hotline aims for by default: 80 % of calls answered within each queue's threshold (80/20);
 * an admin sets the organisation's own on /admin/organisation (`organisation.service_level_target_pct`).
 */
export const SERVICE_LEVEL_TARGET = 0.8;

export { WAIT_BANDS_S };

/**
 * The figures of one group of calls. Ratios are 0..1 and null without calls to divide by; times in seconds.
 * serviceLevel = answered within threshold / (answered + abandoned); abandonRate = abandoned / (answered +
 * abandoned); short abandons are in neither. ASA = mean wait of answered calls; AHT = mean talk + hold + wrap-up.
 */
export interface CallFigures {
  calls: number;
  offered: number;
  answered: number;
  answeredWithinThreshold: number;
  abandoned: number;
  shortAbandoned: number;
  closed: number;
  timedOut: number;
  overflowed: number;
  noOperators: number;
  couldNotHelp: number;
  serviceLevel: number | null;
  abandonRate: number | null;
  asaSeconds: number | null;
  ahtSeconds: number | null;
  talkSeconds: number;
  holdSeconds: number;
  wrapUpSeconds: number;
  longestWaitSeconds: number;
  averageAbandonWaitSeconds: number | null;
  missedOffers: number;
  /** Service-level threshold of these calls, seconds. */
  slThresholdSeconds: number;
  /** Counts per wait band (bounds {@link WAIT_BANDS_S}, last band open). */
  answeredWaitBands: number[];
  abandonedWaitBands: number[];
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Counts and sums -> figures. */
export function figuresOf(agg: CallAggregate): CallFigures {
  const reached = agg.answered + agg.abandoned;
  return {
    calls: agg.calls,
    offered: agg.offered,
    answered: agg.answered,
    answeredWithinThreshold: agg.answeredInSl,
    abandoned: agg.abandoned,
    shortAbandoned: agg.shortAbandoned,
    closed: agg.closed,
    timedOut: agg.timedOut,
    overflowed: agg.overflowed,
    noOperators: agg.noOperators,
    couldNotHelp: agg.couldNotHelp,
    serviceLevel: ratio(agg.answeredInSl, reached),
    abandonRate: ratio(agg.abandoned, reached),
    asaSeconds: ratio(agg.answeredWaitS, agg.answered),
    ahtSeconds: ratio(agg.handleS, agg.handled),
    talkSeconds: agg.talkS,
    holdSeconds: agg.holdS,
    wrapUpSeconds: agg.wrapUpS,
    longestWaitSeconds: agg.longestWaitS,
    averageAbandonWaitSeconds: ratio(agg.abandonedWaitS, agg.abandoned),
    missedOffers: agg.missedOffers,
    slThresholdSeconds: agg.slThresholdS,
    answeredWaitBands: agg.answeredBands,
    abandonedWaitBands: agg.abandonedBands,
  };
}

/** The summary figures of calls arriving in `period` (optionally one queue, by name). */
export async function reportSummary(db: Db, period: Period, queue?: string): Promise<CallFigures> {
  return figuresOf(await aggregateCalls(db, { from: period.from, to: period.to, queue }));
}

/** One hour's staffing: calls offered, Erlang C's operators needed for the target, operators logged in (average). */
export interface StaffedHour {
  /** "YYYY-MM-DDTHH" in the hotline's zone. */
  slot: string;
  offered: number;
  /** Null while no call of the period was handled (no AHT to size with). */
  needed: number | null;
  loggedIn: number;
  /**
   * True while the hour is not over (the current hour of a period ending today): its figures are so far only,
   * `loggedIn` is averaged over the elapsed part, and the review does not judge it.
   */
  ongoing?: boolean;
}

export interface CallReport {
  period: Period;
  queue?: string;
  summary: CallFigures;
  callbacks: { requested: number; done: number };
  byQueue: Array<{ key: string; name: string } & CallFigures>;
  /** Per operator who answered calls or was logged in; `missedOffers` here are offers this operator missed. */
  byOperator: Array<{ key: string; name: string; time: OperatorTime | null } & CallFigures>;
  byTopic: Array<{ key: string } & CallFigures>;
  byNumber: Array<{ key: string; label: string | null } & CallFigures>;
  byDay: Array<{ key: string } & CallFigures>;
  byHourOfDay: Array<{ key: string } & CallFigures>;
  /** Keys "D-HH": ISO weekday (1 = Monday) and hour. */
  byWeekdayHour: Array<{ key: string } & CallFigures>;
  staffing: StaffedHour[];
  answersUsed: Array<{ answerId: number; question: string; topic: string; uses: number }>;
  /** The organisation's service level target, 0..1 (Erlang C staffing and the review measure against it). */
  targetLevel: number;
}

type SplitCalls = Awaited<ReturnType<typeof listSplitCalls>>;

/**
 * Credits each operator of a call that passed through several operators' hands (a transfer, a dropped line answered
 * again) with their own segment (server/calls/operator-parts.ts), as the board does: the record's operator gives
 * back the call's handled count and its talk, hold, wrap-up and handle sums; each operator segment adds one handled
 * call, its talk and hold (handle = talk + hold), and the last operator's segment the record's wrap-up. Answered
 * counts and waits stay with the record's first operator (who answered it from the queue). Returns new rows (keys
 * sorted); seconds as the aggregates keep them.
 */
export function creditSegments(rows: ReadonlyArray<{ key: string } & CallAggregate>, split: SplitCalls): Array<{ key: string } & CallAggregate> {
  const byKey = new Map(rows.map((row) => [row.key, { ...row }]));
  const row = (operatorId: number | null) => {
    const key = operatorId === null ? "" : String(operatorId);
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = { ...NO_CALLS, key }));
    return found;
  };
  const eventsOf = new Map<string, SplitCalls["events"]>();
  for (const event of split.events) {
    if (event.callId === null) continue;
    const list = eventsOf.get(event.callId) ?? [];
    list.push(event);
    eventsOf.set(event.callId, list);
  }
  for (const call of split.records) {
    const parts = inboundParts(eventsOf.get(call.id) ?? []);
    if (parts.length === 0 || call.answeredAt === null || call.endedAt === null) continue;
    const answered = call.answeredAt.getTime();
    const ended = call.endedAt.getTime();
    const wrapS = call.wrapUpEndedAt === null ? 0 : (call.wrapUpEndedAt.getTime() - ended) / 1000;
    const first = row(call.operatorId);
    first.handled -= 1;
    first.talkS -= (ended - answered - call.holdMs) / 1000;
    first.holdS -= call.holdMs / 1000;
    first.wrapUpS -= wrapS;
    first.handleS -= ((call.wrapUpEndedAt?.getTime() ?? ended) - answered) / 1000;
    parts.forEach((part, i) => {
      const r = row(part.operatorId);
      const last = i === parts.length - 1;
      r.handled += 1;
      r.talkS += part.talkMs / 1000;
      r.holdS += part.holdMs / 1000;
      r.wrapUpS += last ? wrapS : 0;
      r.handleS += (part.talkMs + part.holdMs) / 1000 + (last ? wrapS : 0);
    });
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Operators who answered calls, or were logged in, or missed offers: their call figures, time and missed offers. */
function operatorRows(
  answered: Array<{ key: string } & CallFigures>,
  times: Map<number, OperatorTime>,
  missed: Map<number, number>,
  names: Map<string, string>,
): CallReport["byOperator"] {
  const empty = figuresOf(NO_CALLS);
  const byId = new Map(answered.filter((row) => row.key !== "").map((row) => [row.key, row]));
  const ids = new Set([...byId.keys(), ...[...times.keys(), ...missed.keys()].map(String)]);
  return [...ids]
    .map((key) => ({ ...(byId.get(key) ?? { ...empty, key }), key, name: names.get(key) ?? `#${key}`, time: times.get(Number(key)) ?? null, missedOffers: missed.get(Number(key)) ?? 0 }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Every report of the period, in SQL aggregates plus Erlang C per hour. `nowMs` (epoch ms) cuts a period that
 * ends in the future: operators still logged in count until now, not until the period's end.
 */
export async function buildCallReport(db: Db, period: Period, queue?: string, nowMs: number = Date.now()): Promise<CallReport> {
  const filter: CallLogFilter = { from: period.from, to: period.to, queue };
  const zone = period.zone;
  const [grouped, split, callbacks, missed, states, answersUsed, queueRows, userRows, numberRows, org] = await Promise.all([
    aggregateCallsGrouped(db, filter, zone),
    listSplitCalls(db, filter, [...PART_EVENT_TYPES], [...SPLIT_EVENT_TYPES]),
    countCallbackRequests(db, period.from, period.to),
    countMissedOffersByOperator(db, period.from, period.to, queue),
    listOperatorStates(db, period.from, period.to),
    topAnswersUsed(db, period.from, period.to),
    listQueues(db),
    listUsers(db),
    listHotlineNumbers(db),
    getOrganisation(db),
  ]);
  const targetLevel = org.serviceLevelTargetPct / 100;
  const by = (grouping: Grouping) => grouped[grouping].map((row) => ({ key: row.key, ...figuresOf(row) }));
  const summary = figuresOf(grouped.total);
  const [byQueue, byOperator, byTopic, byNumber, byDay, byHourOfDay, byWeekdayHour, bySlot] = [
    by("queue"),
    // Each operator's own segment of a transferred call, as the board credits it.
    creditSegments(grouped.operator, split).map((row) => ({ key: row.key, ...figuresOf(row) })),
    by("topic"),
    by("number"),
    by("day"),
    by("hour-of-day"),
    by("weekday-hour"),
    by("hour-slot"),
  ];
  const queueNames = new Map(queueRows.map((row) => [String(row.id), row.name]));
  const userNames = new Map(userRows.map((row) => [String(row.id), row.displayName]));
  const labels = new Map(numberRows.map((row) => [row.number, row.label]));
  const until = new Date(Math.max(period.from.getTime(), Math.min(period.to.getTime(), nowMs)));
  const loggedIn = loggedInByHour(states, period.from, until, zone);
  const aht = summary.ahtSeconds;
  const staffing = bySlot
    .filter((slot) => slot.offered > 0)
    .map((slot) => ({
      slot: slot.key,
      offered: slot.offered,
      needed: aht === null ? null : agentsNeeded(slot.offered, aht, targetLevel, slot.slThresholdSeconds),
      loggedIn: Math.round((loggedIn.get(slot.key) ?? 0) * 10) / 10,
      ...(hourIsOver(slot.key, zone, nowMs) ? {} : { ongoing: true }),
    }));
  return {
    period,
    queue,
    summary,
    callbacks,
    byQueue: byQueue.map((row) => ({ ...row, name: queueNames.get(row.key) ?? "" })),
    byOperator: operatorRows(byOperator, operatorTime(states, period.from, until), missed, userNames),
    byTopic,
    byNumber: byNumber.map((row) => ({ ...row, label: labels.get(row.key) ?? null })),
    byDay,
    byHourOfDay,
    byWeekdayHour,
    staffing,
    answersUsed,
    targetLevel,
  };
}
