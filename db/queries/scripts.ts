import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { conversationScripts, queues, type ConversationScript } from "../schema";

/** A queue's script in one language (queueId null: the admin's default for every queue). */
export async function findScript(db: Db, queueId: number | null, locale: string): Promise<ConversationScript | undefined> {
  const [row] = await db
    .select()
    .from(conversationScripts)
    .where(and(queueId === null ? isNull(conversationScripts.queueId) : eq(conversationScripts.queueId, queueId), eq(conversationScripts.locale, locale)));
  return row;
}

/** Every stored script with its queue's name (null: the default), default first. */
export function listScripts(db: Db) {
  return db
    .select({ id: conversationScripts.id, queueId: conversationScripts.queueId, queue: queues.name, locale: conversationScripts.locale, steps: conversationScripts.steps })
    .from(conversationScripts)
    .leftJoin(queues, eq(queues.id, conversationScripts.queueId))
    .orderBy(sql`${conversationScripts.queueId} nulls first`, asc(conversationScripts.locale));
}

/**
 * Replaces the steps of a queue's script in a language, creating it if needed. (Drizzle cannot name the
 * expression index `coalesce(queue_id, 0), locale` as an ON CONFLICT target, so: update, else insert; a
 * concurrent insert of the same script fails on that unique index rather than duplicating it.)
 */
export async function upsertScript(db: Db, queueId: number | null, locale: string, steps: string[]): Promise<ConversationScript> {
  const existing = await findScript(db, queueId, locale);
  if (existing) {
    const [row] = await db.update(conversationScripts).set({ steps, updatedAt: new Date() }).where(eq(conversationScripts.id, existing.id)).returning();
    if (row) return row;
  }
  const [row] = await db.insert(conversationScripts).values({ queueId, locale, steps }).returning();
  return row!;
}

export async function deleteScript(db: Db, id: number): Promise<boolean> {
  return (await db.delete(conversationScripts).where(eq(conversationScripts.id, id)).returning({ id: conversationScripts.id })).length > 0;
}
