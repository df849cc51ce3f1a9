import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { callEvents, callRecords, wrapUpDrafts, type WrapUpDraft } from "../schema";

export async function findWrapUpDraft(db: Db, userId: number): Promise<WrapUpDraft | undefined> {
  const [row] = await db.select().from(wrapUpDrafts).where(eq(wrapUpDrafts.userId, userId));
  return row;
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
      data: { topic: wrapUp.topic, outcomeDetail: wrapUp.outcomeDetail, answerIds: wrapUp.answerIds, timedOut: wrapUp.timedOut },
    });
    await tx.delete(wrapUpDrafts).where(eq(wrapUpDrafts.userId, wrapUp.userId));
  });
}
