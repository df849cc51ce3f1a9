import { asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { callRecords, weeklyReviews, type WeeklyReview } from "../schema";

/** When the first call of the hotline arrived (inbound or outbound), or null before any call. */
export async function firstCallArrival(db: Db): Promise<Date | null> {
  const [row] = await db.select({ at: callRecords.arrivedAt }).from(callRecords).orderBy(asc(callRecords.arrivedAt)).limit(1);
  return row?.at ?? null;
}

/** The first day (YYYY-MM-DD) of the latest generated review, or null. */
export async function latestReviewDay(db: Db): Promise<string | null> {
  const [row] = await db.select({ fromDay: weeklyReviews.fromDay }).from(weeklyReviews).orderBy(desc(weeklyReviews.fromDay)).limit(1);
  return row?.fromDay ?? null;
}

export type NewWeeklyReview = Pick<WeeklyReview, "fromDay" | "toDay" | "calls" | "strengths" | "weaknesses">;

/** Stores a review; a review of the same period already stored (another node, a restart) wins. Returns it if new. */
export async function insertWeeklyReview(db: Db, review: NewWeeklyReview): Promise<WeeklyReview | undefined> {
  const [row] = await db.insert(weeklyReviews).values(review).onConflictDoNothing({ target: weeklyReviews.fromDay }).returning();
  return row;
}

/** The latest `limit` reviews, newest first (without their statements). */
export async function listWeeklyReviews(db: Db, limit = 52): Promise<Array<Pick<WeeklyReview, "id" | "fromDay" | "toDay" | "calls" | "generatedAt">>> {
  return db
    .select({ id: weeklyReviews.id, fromDay: weeklyReviews.fromDay, toDay: weeklyReviews.toDay, calls: weeklyReviews.calls, generatedAt: weeklyReviews.generatedAt })
    .from(weeklyReviews)
    .orderBy(desc(weeklyReviews.fromDay))
    .limit(limit);
}

/** One stored review, or undefined. */
export async function getWeeklyReview(db: Db, id: number): Promise<WeeklyReview | undefined> {
  const [row] = await db.select().from(weeklyReviews).where(eq(weeklyReviews.id, id));
  return row;
}

/** How many reviews are stored (tests, health). */
export async function countWeeklyReviews(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(weeklyReviews);
  return row?.n ?? 0;
}
