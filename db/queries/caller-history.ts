import { and, desc, eq, gte, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { callbackRequests, callRecords, queues, users } from "../schema";

/** The last 8 digits: the index `call_records_caller_tail` narrows candidates; callers compare normalised numbers. */
export const callerTail = (digits: string) => digits.replace(/\D/g, "").slice(-8);
const tailOf = (column: typeof callRecords.callerNumber | typeof callbackRequests.callerNumber): SQL =>
  sql`right(regexp_replace(${column}, '[^0-9]', '', 'g'), 8)`;

/**
 * Calls whose caller number ends like `tail`, since `since`, newest first, at most `limit` (the caller compares
 * the numbers in normalised form and drops the others); `queueIds` limits them to those queues (null: all).
 */
export function callsByCallerTail(db: Db, args: { tail: string; since: Date; queueIds: number[] | null; excludeCallId?: string; limit: number }) {
  const conditions = [eq(tailOf(callRecords.callerNumber), args.tail), gte(callRecords.arrivedAt, args.since)];
  if (args.queueIds) conditions.push(args.queueIds.length > 0 ? inArray(callRecords.queueId, args.queueIds) : sql`false`);
  if (args.excludeCallId) conditions.push(sql`${callRecords.id} <> ${args.excludeCallId}`);
  return db
    .select({
      id: callRecords.id,
      callerNumber: callRecords.callerNumber,
      arrivedAt: callRecords.arrivedAt,
      queue: queues.name,
      outcome: callRecords.outcome,
      topic: callRecords.topic,
      outcomeDetail: callRecords.outcomeDetail,
      notes: callRecords.notes,
      operator: users.displayName,
    })
    .from(callRecords)
    .leftJoin(queues, eq(queues.id, callRecords.queueId))
    .leftJoin(users, eq(users.id, callRecords.operatorId))
    .where(and(...conditions))
    .orderBy(desc(callRecords.arrivedAt))
    .limit(args.limit);
}

/** Open callback requests whose number ends like `tail`. */
export function openCallbacksByCallerTail(db: Db, tail: string) {
  return db
    .select({ id: callbackRequests.id, callerNumber: callbackRequests.callerNumber, requestedAt: callbackRequests.requestedAt, queue: queues.name })
    .from(callbackRequests)
    .leftJoin(queues, eq(queues.id, callbackRequests.queueId))
    .where(and(isNull(callbackRequests.doneAt), eq(tailOf(callbackRequests.callerNumber), tail)))
    .orderBy(desc(callbackRequests.requestedAt))
    .limit(20);
}
