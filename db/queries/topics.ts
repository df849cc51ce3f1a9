import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { queues, topics, type Topic } from "../schema";
import { uniquely } from "./errors";

/** A queue's wrap-up topics, alphabetical. */
export function listTopics(db: Db, queueId: number) {
  return db.select().from(topics).where(eq(topics.queueId, queueId)).orderBy(asc(topics.name));
}

/** Every topic with its queue's name, for the admin page. */
export function listAllTopics(db: Db) {
  return db
    .select({ id: topics.id, name: topics.name, queueId: topics.queueId, queue: queues.name })
    .from(topics)
    .innerJoin(queues, eq(queues.id, topics.queueId))
    .orderBy(asc(queues.name), asc(topics.name));
}

/** Throws ConflictError("name") when the queue has the topic already (case-insensitive). */
export async function insertTopic(db: Db, queueId: number, name: string): Promise<Topic> {
  return uniquely("name", async () => (await db.insert(topics).values({ queueId, name }).returning())[0]!);
}

export async function deleteTopic(db: Db, id: number): Promise<boolean> {
  return (await db.delete(topics).where(eq(topics.id, id)).returning({ id: topics.id })).length > 0;
}
