import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { operatorShifts, users, type OperatorShift } from "../schema";

export async function insertShift(
  db: Db,
  shift: { userId: number; days: number[]; startMinute: number; endMinute: number },
): Promise<OperatorShift> {
  const [row] = await db.insert(operatorShifts).values(shift).returning();
  return row!;
}

/** Every shift with its operator, for the admin page and the scheduler (disabled accounts included: the caller filters). */
export function listShifts(db: Db) {
  return db
    .select({
      id: operatorShifts.id,
      userId: operatorShifts.userId,
      username: users.username,
      displayName: users.displayName,
      disabled: users.disabled,
      days: operatorShifts.days,
      startMinute: operatorShifts.startMinute,
      endMinute: operatorShifts.endMinute,
    })
    .from(operatorShifts)
    .innerJoin(users, eq(users.id, operatorShifts.userId))
    .orderBy(asc(users.username), asc(operatorShifts.startMinute), asc(operatorShifts.id));
}

export async function deleteShift(db: Db, id: number): Promise<boolean> {
  const rows = await db.delete(operatorShifts).where(eq(operatorShifts.id, id)).returning({ id: operatorShifts.id });
  return rows.length > 0;
}
