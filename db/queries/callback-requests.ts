import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { callbackRequests, queues, type CallbackRequest } from "../schema";

export async function insertCallbackRequest(
  db: Db,
  request: { callId: string; queueId: number | null; callerNumber: string; reason: string; requestedAt: Date },
): Promise<CallbackRequest> {
  const [row] = await db.insert(callbackRequests).values(request).returning();
  return row!;
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
    })
    .from(callbackRequests)
    .leftJoin(queues, eq(queues.id, callbackRequests.queueId))
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
