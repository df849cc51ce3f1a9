import { and, asc, desc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { pauseReasons, type PauseReasonRow } from "../schema";

/** Built-in reasons first (break, lunch, training as seeded), then the admin's own by creation. */
export function listPauseReasons(db: Db): Promise<PauseReasonRow[]> {
  return db.select().from(pauseReasons).orderBy(desc(pauseReasons.builtIn), asc(pauseReasons.createdAt), asc(pauseReasons.code));
}

export async function findPauseReason(db: Db, code: string): Promise<PauseReasonRow | undefined> {
  const [row] = await db.select().from(pauseReasons).where(eq(pauseReasons.code, code));
  return row;
}

export async function insertPauseReason(
  db: Db,
  reason: { code: string; label: string; maxMinutes: number | null; limited: boolean },
): Promise<PauseReasonRow> {
  const [row] = await db.insert(pauseReasons).values(reason).returning();
  return row!;
}

/** Writes what is given; a built-in reason's label stays null because its input never carries one (staffing-input). */
export async function updatePauseReason(
  db: Db,
  code: string,
  patch: { label?: string; maxMinutes: number | null; limited: boolean },
): Promise<PauseReasonRow | undefined> {
  const [row] = await db.update(pauseReasons).set(patch).where(eq(pauseReasons.code, code)).returning();
  return row;
}

/** Only an admin's own reasons can go; an operator paused with one keeps it until they resume. */
export async function deletePauseReason(db: Db, code: string): Promise<boolean> {
  const rows = await db
    .delete(pauseReasons)
    .where(and(eq(pauseReasons.code, code), eq(pauseReasons.builtIn, false)))
    .returning({ code: pauseReasons.code });
  return rows.length > 0;
}
