import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { hotlineNumbers, queueMembers, queues, users, type HotlineNumber, type Queue } from "../schema";
import { uniquely } from "./errors";

export function createQueue(db: Db, name: string): Promise<Queue> {
  return uniquely("name", async () => {
    const [row] = await db.insert(queues).values({ name }).returning();
    return row!;
  });
}

export async function findQueueByName(db: Db, name: string): Promise<Queue | undefined> {
  const [row] = await db
    .select()
    .from(queues)
    .where(sql`lower(${queues.name}) = lower(${name})`);
  return row;
}

export function listQueues(db: Db): Promise<Queue[]> {
  return db.select().from(queues).orderBy(asc(queues.name));
}

/** Adds the user to the queue, or updates their level if they are already a member. */
export async function setQueueMember(db: Db, queueId: number, userId: number, level = 1): Promise<void> {
  await db
    .insert(queueMembers)
    .values({ queueId, userId, level })
    .onConflictDoUpdate({ target: [queueMembers.queueId, queueMembers.userId], set: { level } });
}

export function listQueueMembers(db: Db, queueId: number) {
  return db
    .select({ userId: users.id, username: users.username, displayName: users.displayName, level: queueMembers.level })
    .from(queueMembers)
    .innerJoin(users, eq(users.id, queueMembers.userId))
    .where(eq(queueMembers.queueId, queueId))
    .orderBy(asc(users.username));
}

export function addHotlineNumber(db: Db, number: string, queueId: number, label?: string): Promise<HotlineNumber> {
  return uniquely("number", async () => {
    const [row] = await db.insert(hotlineNumbers).values({ number, queueId, label }).returning();
    return row!;
  });
}

export async function findHotlineNumber(db: Db, number: string) {
  const [row] = await db
    .select({ number: hotlineNumbers, queue: queues })
    .from(hotlineNumbers)
    .innerJoin(queues, eq(queues.id, hotlineNumbers.queueId))
    .where(eq(hotlineNumbers.number, number));
  return row;
}

export function listHotlineNumbers(db: Db) {
  return db
    .select({ id: hotlineNumbers.id, number: hotlineNumbers.number, label: hotlineNumbers.label, queue: queues.name })
    .from(hotlineNumbers)
    .innerJoin(queues, eq(queues.id, hotlineNumbers.queueId))
    .orderBy(asc(hotlineNumbers.number));
}

export function listAllMemberships(db: Db) {
  return db.select().from(queueMembers);
}

export async function updateQueue(
  db: Db,
  id: number,
  patch: Partial<Pick<Queue, "ringTimeoutS" | "wrapUpS" | "slThresholdS" | "shortAbandonS">>,
): Promise<void> {
  await db.update(queues).set(patch).where(eq(queues.id, id));
}
