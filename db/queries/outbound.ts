/** The outbound allow-list (toll-fraud guard) and the hotline numbers used as caller ID. */
import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { hotlineNumbers, outboundPatterns, queueMembers } from "../schema";

export async function listOutboundPatterns(db: Db): Promise<string[]> {
  const rows = await db.select({ pattern: outboundPatterns.pattern }).from(outboundPatterns).orderBy(asc(outboundPatterns.createdAt), asc(outboundPatterns.pattern));
  return rows.map((row) => row.pattern);
}

/** False when the pattern was listed already. */
export async function addOutboundPattern(db: Db, pattern: string): Promise<boolean> {
  const rows = await db.insert(outboundPatterns).values({ pattern }).onConflictDoNothing().returning({ pattern: outboundPatterns.pattern });
  return rows.length > 0;
}

/** False when the pattern was not listed. */
export async function removeOutboundPattern(db: Db, pattern: string): Promise<boolean> {
  const rows = await db.delete(outboundPatterns).where(eq(outboundPatterns.pattern, pattern)).returning({ pattern: outboundPatterns.pattern });
  return rows.length > 0;
}

/** The first hotline number (oldest) of a queue: the caller ID of calls made for it. */
export async function firstNumberOfQueue(db: Db, queueId: number): Promise<string | undefined> {
  const [row] = await db.select({ number: hotlineNumbers.number }).from(hotlineNumbers).where(eq(hotlineNumbers.queueId, queueId)).orderBy(asc(hotlineNumbers.id)).limit(1);
  return row?.number;
}

/** The operator's queues, first tier first (then oldest membership). */
export async function queuesOfOperator(db: Db, userId: number): Promise<number[]> {
  const rows = await db.select({ queueId: queueMembers.queueId }).from(queueMembers).where(eq(queueMembers.userId, userId)).orderBy(asc(queueMembers.level), asc(queueMembers.queueId));
  return rows.map((row) => row.queueId);
}
