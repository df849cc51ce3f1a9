import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { callEvents, callRecords, wrapUpDrafts, type WrapUpDraft } from "../schema";

export async function findWrapUpDraft(db: Db, userId: number): Promise<WrapUpDraft | undefined> {
  const [row] = await db.select().from(wrapUpDrafts).where(eq(wrapUpDrafts.userId, userId));
  return row;
}

/**
 * True when `userId` answered call `callId` at some point (a `call.answered` event: the first operator, or one the
 * caller was transferred to), so the call is theirs to wrap up.
 */
export async function answeredBy(db: Db, callId: string, userId: number): Promise<boolean> {
  const rows = await db
    .select({ id: callEvents.id })
    .from(callEvents)
    .where(and(eq(callEvents.callId, callId), eq(callEvents.type, "call.answered"), eq(callEvents.operatorId, userId)))
    .limit(1);
  return rows.length > 0;
}

export type DraftValues = Pick<WrapUpDraft, "callId" | "topic" | "outcomeDetail" | "notes" | "answerIds"> & { extended?: boolean };

/** One draft per operator: a new call's draft replaces the last one. */
export async function saveWrapUpDraft(db: Db, userId: number, values: DraftValues): Promise<WrapUpDraft> {
  const [row] = await db
    .insert(wrapUpDrafts)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: wrapUpDrafts.userId, set: { ...values, updatedAt: new Date() } })
    .returning();
  return row!;
}

export async function deleteWrapUpDraft(db: Db, userId: number): Promise<void> {
  await db.delete(wrapUpDrafts).where(eq(wrapUpDrafts.userId, userId));
}

/**
 * Writes a finished wrap-up in one transaction: the record's topic, outcome detail and notes, the event
 * `call.wrap-up` (with the answers used), and the draft's removal.
 */
export async function saveWrapUp(
  db: Db,
  wrapUp: { userId: number; callId: string; queueId: number | null; topic: string | null; outcomeDetail: string; notes: string | null; answerIds: number[]; at: Date; timedOut: boolean },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(callRecords).set({ topic: wrapUp.topic, outcomeDetail: wrapUp.outcomeDetail, notes: wrapUp.notes }).where(eq(callRecords.id, wrapUp.callId));
    await tx.insert(callEvents).values({
      at: wrapUp.at,
      type: "call.wrap-up",
      callId: wrapUp.callId,
      operatorId: wrapUp.userId,
      queueId: wrapUp.queueId,
      // The notes too: after a transfer each operator files a wrap-up, and the record keeps the last one's.
      data: { topic: wrapUp.topic, outcomeDetail: wrapUp.outcomeDetail, notes: wrapUp.notes, answerIds: wrapUp.answerIds, timedOut: wrapUp.timedOut },
    });
    await tx.delete(wrapUpDrafts).where(eq(wrapUpDrafts.userId, wrapUp.userId));
  });
}
