import { and, eq } from "drizzle-orm";
import type { Db } from "../client";
import { queueMemberDays } from "../schema";

/** One queue of an operator's day: its level, or null when the operator is kept out of it that day. */
export interface DayMembership {
  queueId: number;
  level: number | null;
}

/** Every operator's memberships set for `day` (YYYY-MM-DD), by user id. */
export async function listMemberDays(db: Db, day: string): Promise<Map<number, DayMembership[]>> {
  const rows = await db.select().from(queueMemberDays).where(eq(queueMemberDays.day, day));
  const byUser = new Map<number, DayMembership[]>();
  for (const row of rows) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), { queueId: row.queueId, level: row.level }]);
  return byUser;
}

/** Replaces the operator's queues for `day` by `memberships` (one transaction); an empty list reverts to the usual ones. */
export async function setMemberDay(db: Db, day: string, userId: number, memberships: readonly DayMembership[], by: number, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(queueMemberDays).where(and(eq(queueMemberDays.day, day), eq(queueMemberDays.userId, userId)));
    if (memberships.length > 0) await tx.insert(queueMemberDays).values(memberships.map((m) => ({ day, userId, queueId: m.queueId, level: m.level, setBy: by, reason })));
  });
}
