/**
 * The names a call's timeline sentences need (server/calls/call-event-text.ts): only the queues and people its
 * events mention by id, read in one small query per table, so the call detail page does not load every queue and
 * user to name two or three of them.
 * @module
 */
import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { queues, users } from "../../db/schema";
import { idsNamedBy, type EventNames, type TimelineEvent } from "./call-event-text";

/** The {@link EventNames} of `events`: a queue's name, a user's display name; undefined for a deleted row. */
export async function loadEventNames(db: Db, events: readonly TimelineEvent[]): Promise<EventNames> {
  const { queueIds, operatorIds } = idsNamedBy(events);
  const [queueRows, userRows] = await Promise.all([
    queueIds.length === 0 ? [] : db.select({ id: queues.id, name: queues.name }).from(queues).where(inArray(queues.id, queueIds)),
    operatorIds.length === 0 ? [] : db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, operatorIds)),
  ]);
  const queueNames = new Map(queueRows.map((row) => [row.id, row.name]));
  const personNames = new Map(userRows.map((row) => [row.id, row.name]));
  return { queue: (id) => queueNames.get(id), operator: (id) => personNames.get(id) };
}
