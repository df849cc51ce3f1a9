import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { hotlineNumbers, queueMembers, queues, users, vipNumbers, type HotlineNumber, type Queue, type VipNumber } from "../schema";
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
    .select({ id: hotlineNumbers.id, number: hotlineNumbers.number, label: hotlineNumbers.label, queueId: hotlineNumbers.queueId, queue: queues.name })
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
  patch: Partial<Pick<Queue, "ringTimeoutS" | "wrapUpS" | "slThresholdS" | "shortAbandonS" | "maxOnBreak" | "maxWaitS" | "maxWaitAction" | "wrapUpExtendS" | "topicRequired">>,
): Promise<void> {
  await db.update(queues).set(patch).where(eq(queues.id, id));
}

export async function findQueueById(db: Db, id: number): Promise<Queue | undefined> {
  const [row] = await db.select().from(queues).where(eq(queues.id, id));
  return row;
}

/** Everything an admin may change on a queue: all columns but the identity and creation time. */
export type QueueSettingsPatch = Partial<Omit<Queue, "id" | "createdAt">>;

/** Writes validated settings (see server/queues/queue-input.ts); undefined when the queue is gone. */
export function updateQueueSettings(db: Db, id: number, patch: QueueSettingsPatch): Promise<Queue | undefined> {
  return uniquely("name", async () => {
    const [row] = await db.update(queues).set(patch).where(eq(queues.id, id)).returning();
    return row;
  });
}

/** Queues with what the admin list shows: member count and the numbers that route to each. */
export async function listQueueSummaries(db: Db) {
  const [rows, members, numbers] = await Promise.all([
    listQueues(db),
    db.select({ queueId: queueMembers.queueId, members: count() }).from(queueMembers).groupBy(queueMembers.queueId),
    db.select({ queueId: hotlineNumbers.queueId, number: hotlineNumbers.number }).from(hotlineNumbers).orderBy(asc(hotlineNumbers.number)),
  ]);
  const memberCount = new Map(members.map((m) => [m.queueId, Number(m.members)]));
  return rows.map((queue) => ({
    ...queue,
    members: memberCount.get(queue.id) ?? 0,
    numbers: numbers.filter((n) => n.queueId === queue.id).map((n) => n.number),
  }));
}

/** True when the user was a member. */
export async function removeQueueMember(db: Db, queueId: number, userId: number): Promise<boolean> {
  const removed = await db
    .delete(queueMembers)
    .where(and(eq(queueMembers.queueId, queueId), eq(queueMembers.userId, userId)))
    .returning({ userId: queueMembers.userId });
  return removed.length > 0;
}

export function listQueueNumbers(db: Db, queueId: number): Promise<HotlineNumber[]> {
  return db.select().from(hotlineNumbers).where(eq(hotlineNumbers.queueId, queueId)).orderBy(asc(hotlineNumbers.number));
}

/** Scoped to the queue so a stale page cannot remove another queue's number. True when removed. */
export async function removeHotlineNumber(db: Db, queueId: number, numberId: number): Promise<boolean> {
  const removed = await db
    .delete(hotlineNumbers)
    .where(and(eq(hotlineNumbers.id, numberId), eq(hotlineNumbers.queueId, queueId)))
    .returning({ id: hotlineNumbers.id });
  return removed.length > 0;
}

export function listVipNumbers(db: Db): Promise<VipNumber[]> {
  return db.select().from(vipNumbers).orderBy(asc(vipNumbers.number));
}

/** Adds the caller number, or changes its priority and label if it is listed already. */
export async function upsertVipNumber(db: Db, vip: { number: string; priority: number; label?: string | null }): Promise<VipNumber> {
  const values = { number: vip.number, priority: vip.priority, label: vip.label ?? null };
  const [row] = await db
    .insert(vipNumbers)
    .values(values)
    .onConflictDoUpdate({ target: vipNumbers.number, set: { priority: values.priority, label: values.label } })
    .returning();
  return row!;
}

/** True when the number was listed. */
export async function deleteVipNumber(db: Db, number: string): Promise<boolean> {
  const removed = await db.delete(vipNumbers).where(eq(vipNumbers.number, number)).returning({ id: vipNumbers.id });
  return removed.length > 0;
}

/** Ids of the queues a user serves. */
export async function listQueueIdsOfUser(db: Db, userId: number): Promise<number[]> {
  return (await db.select({ queueId: queueMembers.queueId }).from(queueMembers).where(eq(queueMembers.userId, userId))).map((m) => m.queueId);
}
