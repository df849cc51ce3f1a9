/**
 * The call log: call records filtered, sorted and read a page at a time with keyset pagination (the page after a
 * cursor is found through an index on (sort key, id), so page 10,000 costs what page 1 costs on a million rows;
 * indexes in migration 0006). Times derived per the definitions in db/schema.ts, in milliseconds.
 */
import { and, asc, desc, eq, gte, isNotNull, isNull, lt, or, sql, type Column, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { callEvents, callRecords, hotlineNumbers, queues, users, answerUses, preparedAnswers, type CallDirection, type CallOutcome } from "../schema";

/** Keys the log can be sorted by: arrival time, or wait (answered/ended minus queued; 0 when never queued). */
export const CALL_LOG_SORTS = ["arrived", "wait"] as const;
export type CallLogSort = (typeof CALL_LOG_SORTS)[number];

/** Filters of the call log and its export; every field optional, all given ones must hold. */
export interface CallLogFilter {
  /** Arrived at or after (inclusive). */
  from?: Date;
  /** Arrived before (exclusive). */
  to?: Date;
  /** Queue name (case-insensitive). */
  queue?: string;
  /** The dialled hotline number, or the label (campaign) of a hotline number. */
  number?: string;
  /** Operator's username (case-insensitive). */
  operator?: string;
  /** Only this operator's calls, whatever `operator` says (an operator reading the log sees their own calls). */
  ownerId?: number;
  direction?: CallDirection;
  outcome?: CallOutcome;
  topic?: string;
  /** Minimum wait in seconds. */
  minWaitS?: number;
  /** Digits (or any part) of the caller's number. */
  caller?: string;
  /** true: only recorded calls; false: only calls without a recording. */
  hasRecording?: boolean;
}

export interface CallLogPageRequest {
  sort: CallLogSort;
  order: "asc" | "desc";
  /** Rows a page, 1..500. */
  limit: number;
  /** The `nextCursor` of the previous page, opaque to clients. */
  cursor?: string | null;
}

/** The wait as an interval; the expression of index call_records_wait_id (keep them identical). */
const WAIT = sql`coalesce(coalesce(${callRecords.answeredAt}, ${callRecords.endedAt}) - ${callRecords.queuedAt}, interval '0')`;

/**
 * The record is not a consultation's leg (`call_records.consult_of` null): a consultation placed during a call is
 * part of that call (shown there, {@link listConsultations}), not a call of its own, for the call log and reports,
 * the board's rebuild and the callback work list alike. `records`: `call_records` (default) or an alias of it.
 */
export function notConsultationLeg(records: { consultOf: Column } = callRecords): SQL {
  return isNull(records.consultOf);
}

/** The WHERE clause of a filter (shared by the log, its export and the reports). */
export function callLogWhere(filter: CallLogFilter): SQL | undefined {
  const conditions: Array<SQL | undefined> = [notConsultationLeg()];
  if (filter.from) conditions.push(gte(callRecords.arrivedAt, filter.from));
  if (filter.to) conditions.push(lt(callRecords.arrivedAt, filter.to));
  if (filter.queue) conditions.push(sql`${callRecords.queueId} in (select ${queues.id} from ${queues} where lower(${queues.name}) = lower(${filter.queue}))`);
  if (filter.number) {
    conditions.push(
      or(
        eq(callRecords.dialedNumber, filter.number),
        sql`${callRecords.dialedNumber} in (select ${hotlineNumbers.number} from ${hotlineNumbers} where lower(${hotlineNumbers.label}) = lower(${filter.number}))`,
      ),
    );
  }
  if (filter.operator) conditions.push(sql`${callRecords.operatorId} in (select ${users.id} from ${users} where lower(${users.username}) = lower(${filter.operator}))`);
  if (filter.ownerId !== undefined) conditions.push(eq(callRecords.operatorId, filter.ownerId));
  if (filter.direction) conditions.push(eq(callRecords.direction, filter.direction));
  if (filter.outcome) conditions.push(eq(callRecords.outcome, filter.outcome));
  if (filter.topic) conditions.push(sql`lower(${callRecords.topic}) = lower(${filter.topic})`);
  if (filter.minWaitS !== undefined && filter.minWaitS > 0) conditions.push(sql`${WAIT} >= ${filter.minWaitS} * interval '1 second'`);
  if (filter.caller) conditions.push(sql`${callRecords.callerNumber} like ${`%${escapeLike(filter.caller)}%`}`);
  if (filter.hasRecording === true) conditions.push(isNotNull(callRecords.recordingFile));
  if (filter.hasRecording === false) conditions.push(isNull(callRecords.recordingFile));
  return and(...conditions);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

interface Cursor {
  /** ISO time (arrived) or milliseconds (wait). */
  k: string | number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** Reads a cursor; throws `RangeError` on one this module did not write. */
export function decodeCursor(text: string, sort: CallLogSort): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new RangeError("bad cursor");
  }
  const cursor = value as Partial<Cursor>;
  const keyOk = sort === "arrived" ? typeof cursor.k === "string" && !Number.isNaN(Date.parse(cursor.k)) : typeof cursor.k === "number" && Number.isFinite(cursor.k);
  if (!keyOk || typeof cursor.id !== "string" || !/^[0-9a-f-]{36}$/i.test(cursor.id)) throw new RangeError("bad cursor");
  return cursor as Cursor;
}

const rowColumns = {
  id: callRecords.id,
  sipCallId: callRecords.sipCallId,
  consultOf: callRecords.consultOf,
  callerNumber: callRecords.callerNumber,
  callerName: callRecords.callerName,
  dialedNumber: callRecords.dialedNumber,
  numberId: callRecords.numberId,
  numberLabel: hotlineNumbers.label,
  queueId: callRecords.queueId,
  queueName: queues.name,
  operatorId: callRecords.operatorId,
  operatorName: users.displayName,
  operatorUsername: users.username,
  arrivedAt: callRecords.arrivedAt,
  queuedAt: callRecords.queuedAt,
  answeredAt: callRecords.answeredAt,
  endedAt: callRecords.endedAt,
  wrapUpEndedAt: callRecords.wrapUpEndedAt,
  holdMs: callRecords.holdMs,
  offers: callRecords.offers,
  outcome: callRecords.outcome,
  endedBy: callRecords.endedBy,
  endReason: callRecords.endReason,
  slThresholdS: callRecords.slThresholdS,
  shortAbandonS: callRecords.shortAbandonS,
  topic: callRecords.topic,
  outcomeDetail: callRecords.outcomeDetail,
  notes: callRecords.notes,
  direction: callRecords.direction,
  recordingFile: callRecords.recordingFile,
  waitKeyMs: sql<string>`(extract(epoch from ${WAIT}) * 1000)::bigint`,
};

function baseSelect(db: Db) {
  return db
    .select(rowColumns)
    .from(callRecords)
    .leftJoin(queues, eq(queues.id, callRecords.queueId))
    .leftJoin(users, eq(users.id, callRecords.operatorId))
    .leftJoin(hotlineNumbers, eq(hotlineNumbers.number, callRecords.dialedNumber));
}

type RawRow = Awaited<ReturnType<typeof baseSelect>>[number];

/** A call log row: the record, the names it points to, and its derived times (ms; null where not applicable). */
export type CallLogRow = ReturnType<typeof withDerivedTimes>;

function withDerivedTimes(row: RawRow) {
  const { waitKeyMs, recordingFile, ...call } = row;
  const waitEnd = call.answeredAt ?? call.endedAt;
  return {
    ...call,
    /** Queued until answered (or ended when never answered). */
    waitMs: call.queuedAt && waitEnd ? waitEnd.getTime() - call.queuedAt.getTime() : null,
    /** Answered until ended, less hold. */
    talkMs: call.answeredAt && call.endedAt ? call.endedAt.getTime() - call.answeredAt.getTime() - call.holdMs : null,
    /** Ended until the wrap-up ended. */
    wrapUpMs: call.endedAt && call.wrapUpEndedAt ? call.wrapUpEndedAt.getTime() - call.endedAt.getTime() : null,
    /** Talk + hold + wrap-up (the AHT's term). */
    handleMs: call.answeredAt && call.endedAt ? (call.wrapUpEndedAt ?? call.endedAt).getTime() - call.answeredAt.getTime() : null,
    /** Where the recording is played from; null without one. */
    recordingUrl: recordingFile ? `/api/calls/${call.id}/recording` : null,
    sortKey: Number(waitKeyMs),
  };
}

/**
 * One page of the log: `rows` in the requested order and `nextCursor` for the next page (null on the last).
 * Throws `RangeError` for a cursor this module did not write.
 */
export async function listCallLog(db: Db, filter: CallLogFilter, page: CallLogPageRequest): Promise<{ rows: CallLogRow[]; nextCursor: string | null }> {
  const key = page.sort === "arrived" ? sql`${callRecords.arrivedAt}` : WAIT;
  const after = page.cursor ? decodeCursor(page.cursor, page.sort) : undefined;
  const cursorKey = after === undefined ? undefined : page.sort === "arrived" ? sql`${new Date(after.k).toISOString()}::timestamptz` : sql`${after.k} * interval '1 millisecond'`;
  const keyset = after && cursorKey ? (page.order === "desc" ? sql`(${key}, ${callRecords.id}) < (${cursorKey}, ${after.id}::uuid)` : sql`(${key}, ${callRecords.id}) > (${cursorKey}, ${after.id}::uuid)`) : undefined;
  const direction = page.order === "desc" ? desc : asc;
  const raw = await baseSelect(db)
    .where(and(callLogWhere(filter), keyset))
    .orderBy(direction(key), direction(callRecords.id))
    .limit(page.limit + 1);
  const rows = raw.slice(0, page.limit).map((row) => withDerivedTimes(row));
  const last = rows.at(-1);
  const nextCursor = raw.length > page.limit && last ? encodeCursor({ k: page.sort === "arrived" ? last.arrivedAt.toISOString() : last.sortKey, id: last.id }) : null;
  return { rows, nextCursor };
}

/** One call with its names and derived times, or undefined. */
export async function findCallLogRow(db: Db, id: string): Promise<CallLogRow | undefined> {
  const [row] = await baseSelect(db).where(eq(callRecords.id, id));
  return row ? withDerivedTimes(row) : undefined;
}

/** A call's event timeline, oldest first, with the operator's name where the event has one. */
export function listCallTimeline(db: Db, callId: string) {
  return db
    .select({ id: callEvents.id, at: callEvents.at, type: callEvents.type, data: callEvents.data, operatorName: users.displayName })
    .from(callEvents)
    .leftJoin(users, eq(users.id, callEvents.operatorId))
    .where(eq(callEvents.callId, callId))
    .orderBy(callEvents.at, callEvents.id);
}

/**
 * The consultations placed during a call (attended transfer, issue 9): their own records (`consult_of` = the call),
 * oldest first, with the number called, the operator and how each went.
 */
export function listConsultations(db: Db, callId: string) {
  return db
    .select({
      id: callRecords.id,
      number: callRecords.dialedNumber,
      operatorName: users.displayName,
      arrivedAt: callRecords.arrivedAt,
      outcome: callRecords.outcome,
    })
    .from(callRecords)
    .leftJoin(users, eq(users.id, callRecords.operatorId))
    .where(eq(callRecords.consultOf, callId))
    .orderBy(callRecords.arrivedAt, callRecords.id);
}

/** The prepared answers an operator marked as used on a call, in the order used. */
export function listAnswersUsedOnCall(db: Db, callId: string) {
  return db
    .select({ id: answerUses.id, answerId: answerUses.answerId, question: preparedAnswers.question, topic: preparedAnswers.topic, at: answerUses.at })
    .from(answerUses)
    .innerJoin(preparedAnswers, eq(preparedAnswers.id, answerUses.answerId))
    .where(eq(answerUses.callId, callId))
    .orderBy(answerUses.at);
}

/** The distinct topics calls were filed under (for the log's topic filter). */
export async function listCallTopics(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ topic: callRecords.topic }).from(callRecords).where(isNotNull(callRecords.topic)).orderBy(callRecords.topic).limit(500);
  return rows.map((row) => row.topic!).filter((topic) => topic !== "");
}
