import { and, asc, desc, eq, gte, inArray, isNull, notExists, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { callbackAttempts, callbackRequests, callRecords, queues, users, type CallbackRequest } from "../schema";
import { notConsultationLeg } from "./call-log";

export async function insertCallbackRequest(
  db: Db,
  request: { callId: string; queueId: number | null; callerNumber: string; reason: string; requestedAt: Date; messageMs?: number },
): Promise<CallbackRequest> {
  const [row] = await db.insert(callbackRequests).values(request).returning();
  return row!;
}

/**
 * After a restart: places kept in a queue for callers who chose a callback in a caller menu (records still open,
 * end reason `menu-callback`) were lost with the process; each gets its callback request now (reason `menu`), so no
 * promised callback is forgotten. Returns how many. Run before the open records are closed.
 */
export async function requestCallbacksOfLostPlaces(db: Db, at: Date): Promise<number> {
  const lost = await db
    .select({ id: callRecords.id, queueId: callRecords.queueId, callerNumber: callRecords.callerNumber })
    .from(callRecords)
    .where(and(eq(callRecords.outcome, "in_progress"), eq(callRecords.endReason, "menu-callback")));
  for (const call of lost) await insertCallbackRequest(db, { callId: call.id, queueId: call.queueId, callerNumber: call.callerNumber, reason: "menu", requestedAt: at });
  return lost.length;
}

/** Requests nobody has handled yet, oldest first: the first to call back is the one who waited longest. */
export function listOpenCallbackRequests(db: Db) {
  return db
    .select({
      id: callbackRequests.id,
      callerNumber: callbackRequests.callerNumber,
      reason: callbackRequests.reason,
      requestedAt: callbackRequests.requestedAt,
      queue: queues.name,
      queueId: callbackRequests.queueId,
      assignedTo: callbackRequests.assignedTo,
      assignee: users.displayName,
      /** Reason `voicemail`: the call whose recording is the message, and its length (ms). */
      callId: callbackRequests.callId,
      messageMs: callbackRequests.messageMs,
    })
    .from(callbackRequests)
    .leftJoin(queues, eq(queues.id, callbackRequests.queueId))
    .leftJoin(users, eq(users.id, callbackRequests.assignedTo))
    .where(isNull(callbackRequests.doneAt))
    .orderBy(asc(callbackRequests.requestedAt), asc(callbackRequests.id));
}

/** Marks an open request done; false when it was done already (by someone else) or does not exist. */
export async function completeCallbackRequest(db: Db, id: number, userId: number, at: Date): Promise<boolean> {
  const rows = await db
    .update(callbackRequests)
    .set({ doneAt: at, doneBy: userId })
    .where(and(eq(callbackRequests.id, id), isNull(callbackRequests.doneAt)))
    .returning({ id: callbackRequests.id });
  return rows.length > 0;
}

/**
 * Claims an open request for `userId` (the operator calling): succeeds when it is unassigned or already theirs, so
 * two operators never call the same person. False when it is closed or someone else's.
 */
export async function claimCallbackRequest(db: Db, id: number, userId: number, at: Date): Promise<boolean> {
  const rows = await db
    .update(callbackRequests)
    .set({ assignedTo: userId, assignedAt: at })
    .where(and(eq(callbackRequests.id, id), isNull(callbackRequests.doneAt), or(isNull(callbackRequests.assignedTo), eq(callbackRequests.assignedTo, userId))))
    .returning({ id: callbackRequests.id });
  return rows.length > 0;
}

/**
 * Gives back `userId`'s claim on an open request (the call could not be placed): the item is free again for anyone.
 * False when they did not hold it.
 */
export async function releaseCallbackRequest(db: Db, id: number, userId: number): Promise<boolean> {
  const rows = await db
    .update(callbackRequests)
    .set({ assignedTo: null, assignedAt: null })
    .where(and(eq(callbackRequests.id, id), isNull(callbackRequests.doneAt), eq(callbackRequests.assignedTo, userId)))
    .returning({ id: callbackRequests.id });
  return rows.length > 0;
}

/** The number of an open request (whoever holds it), or undefined. */
export async function openCallbackRequestNumber(db: Db, id: number): Promise<string | undefined> {
  const [row] = await db
    .select({ callerNumber: callbackRequests.callerNumber })
    .from(callbackRequests)
    .where(and(eq(callbackRequests.id, id), isNull(callbackRequests.doneAt)));
  return row?.callerNumber;
}

/** The open request if `userId` holds it. */
export async function claimedCallbackRequest(db: Db, id: number, userId: number) {
  const [row] = await db
    .select({ callerNumber: callbackRequests.callerNumber, queueId: callbackRequests.queueId })
    .from(callbackRequests)
    .where(and(eq(callbackRequests.id, id), isNull(callbackRequests.doneAt), eq(callbackRequests.assignedTo, userId)));
  return row;
}

/** Logs one try; an answered one closes the request (done by the operator who reached the caller). */
export async function insertCallbackAttempt(
  db: Db,
  attempt: { requestId: number; callId: string; operatorId: number; at: Date; outcome: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(callbackAttempts).values(attempt);
    if (attempt.outcome === "answered") {
      await tx
        .update(callbackRequests)
        .set({ doneAt: attempt.at, doneBy: attempt.operatorId })
        .where(and(eq(callbackRequests.id, attempt.requestId), isNull(callbackRequests.doneAt)));
    }
  });
}

/** Adds the operator's note to their latest attempt on a request; false when they made none. */
export async function noteLatestCallbackAttempt(db: Db, requestId: number, operatorId: number, note: string): Promise<boolean> {
  const [latest] = await db
    .select({ id: callbackAttempts.id })
    .from(callbackAttempts)
    .where(and(eq(callbackAttempts.requestId, requestId), eq(callbackAttempts.operatorId, operatorId)))
    .orderBy(desc(callbackAttempts.at), desc(callbackAttempts.id))
    .limit(1);
  if (!latest) return false;
  await db.update(callbackAttempts).set({ note }).where(eq(callbackAttempts.id, latest.id));
  return true;
}

/** Every attempt on the given requests, oldest first. */
export function listCallbackAttempts(db: Db, requestIds: readonly number[]) {
  if (requestIds.length === 0) return Promise.resolve([]);
  return db
    .select({
      requestId: callbackAttempts.requestId,
      at: callbackAttempts.at,
      outcome: callbackAttempts.outcome,
      note: callbackAttempts.note,
      operator: users.displayName,
      username: users.username,
    })
    .from(callbackAttempts)
    .leftJoin(users, eq(users.id, callbackAttempts.operatorId))
    .where(inArray(callbackAttempts.requestId, [...requestIds]))
    .orderBy(asc(callbackAttempts.at), asc(callbackAttempts.id));
}

/**
 * Callers who hung up while waiting and nobody has reached since, newest first (at most `limit`): abandoned inbound
 * calls longer than their queue's short-abandon time, from a real number (not anonymous, not a test call), with no
 * later answered inbound call from that number, no later outbound call to it, and no callback request for it
 * created at or after the abandon.
 */
export async function listMissedCallers(db: Db, since: Date, limit = 200) {
  const later = alias(callRecords, "later");
  return db
    .select({
      callId: callRecords.id,
      callerNumber: callRecords.callerNumber,
      queueId: callRecords.queueId,
      queue: queues.name,
      arrivedAt: callRecords.arrivedAt,
    })
    .from(callRecords)
    .leftJoin(queues, eq(queues.id, callRecords.queueId))
    .where(
      and(
        eq(callRecords.direction, "inbound"),
        eq(callRecords.outcome, "abandoned"),
        gte(callRecords.arrivedAt, since),
        sql`${callRecords.endedAt} - ${callRecords.arrivedAt} >= make_interval(secs => ${callRecords.shortAbandonS})`,
        sql`${callRecords.callerNumber} ~ '^\\+?[0-9]{3,}$'`,
        notExists(
          db
            .select({ one: sql`1` })
            .from(later)
            .where(
              and(
                gte(later.arrivedAt, callRecords.arrivedAt),
                sql`${later.id} <> ${callRecords.id}`,
                or(
                  and(eq(later.direction, "inbound"), eq(later.callerNumber, callRecords.callerNumber), eq(later.outcome, "answered")),
                  // A consultation's leg to that number is no call back.
                  and(eq(later.direction, "outbound"), eq(later.dialedNumber, callRecords.callerNumber), notConsultationLeg(later)),
                ),
              ),
            ),
        ),
        notExists(
          db
            .select({ one: sql`1` })
            .from(callbackRequests)
            .where(and(eq(callbackRequests.callerNumber, callRecords.callerNumber), gte(callbackRequests.requestedAt, callRecords.arrivedAt))),
        ),
      ),
    )
    .orderBy(desc(callRecords.arrivedAt))
    .limit(limit);
}
