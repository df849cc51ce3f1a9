import { and, desc, eq, gt, inArray, lte } from "drizzle-orm";
import type { Db } from "../client";
import { sessions, users, type User } from "../schema";

export interface NewSession {
  id: string;
  userId: number;
  expiresAt: Date;
  /** From the injected clock, not the database's, so expiry is testable. */
  lastSeenAt: Date;
  userAgent?: string | null;
  ip?: string | null;
}

export async function insertSession(db: Db, session: NewSession): Promise<void> {
  await db.insert(sessions).values(session);
}

/** The live session's user, or undefined when the session is unknown, expired, or its user disabled. */
export async function findSessionUser(
  db: Db,
  id: string,
  now: Date,
): Promise<{ user: User; expiresAt: Date; lastSeenAt: Date } | undefined> {
  const [row] = await db
    .select({ user: users, expiresAt: sessions.expiresAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now), eq(users.disabled, false)));
  return row;
}

export async function extendSession(db: Db, id: string, now: Date, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id));
}

/** Deletes one session; returns its user, or undefined when there was no such session. */
export async function deleteSession(db: Db, id: string): Promise<number | undefined> {
  const [row] = await db.delete(sessions).where(eq(sessions.id, id)).returning({ userId: sessions.userId });
  return row?.userId;
}

/** Keeps a user's `keep` most recently used sessions and deletes the others; returns the deleted ids. */
export async function deleteSessionsBeyond(db: Db, userId: number, keep: number): Promise<string[]> {
  const extra = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(eq(sessions.userId, userId))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt))
    .offset(keep);
  if (extra.length === 0) return [];
  const ids = extra.map((row) => row.id);
  await db.delete(sessions).where(inArray(sessions.id, ids));
  return ids;
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Deletes every session expired at `now`; returns how many. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db.delete(sessions).where(lte(sessions.expiresAt, now)).returning({ id: sessions.id });
  return rows.length;
}
