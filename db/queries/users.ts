import { and, asc, eq, ilike, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { users, type Role, type User } from "../schema";
import { uniquely } from "./errors";

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  locale?: string | null;
}

export function createUser(db: Db, user: NewUser): Promise<User> {
  return uniquely("username", async () => {
    const [row] = await db.insert(users).values(user).returning();
    return row!;
  });
}

export async function findUserByUsername(db: Db, username: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username})`);
  return row;
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export function listUsers(db: Db): Promise<User[]> {
  return db.select().from(users).orderBy(asc(sql`lower(${users.username})`));
}

export type UserPatch = Partial<Pick<User, "displayName" | "role" | "passwordHash" | "locale" | "disabled" | "autoAnswer">>;

export async function updateUser(db: Db, id: number, patch: UserPatch): Promise<User | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return row;
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.disabled, false)));
  return row?.n ?? 0;
}

/** Active users whose display name or username contains `text` (case-insensitive), by name; at most `limit`. */
export function searchActiveUsers(db: Db, text: string, limit: number) {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role })
    .from(users)
    .where(and(eq(users.disabled, false), or(ilike(users.displayName, pattern), ilike(users.username, pattern))))
    .orderBy(asc(users.displayName))
    .limit(limit);
}
