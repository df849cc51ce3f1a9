import "server-only";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { User } from "../../db/schema";
import { hasRole, type Role } from "../../server/auth/roles";
import { SESSION_COOKIE } from "../../server/auth/session-cookie";
import { getServices } from "../../server/runtime-registry";

/** The signed-in user of this request (one database look-up per request, however many callers). */
export const currentUser = cache(async (): Promise<User | undefined> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return getServices().auth.authenticate(token);
});

/**
 * Every page and server action calls this first: no session -> the login page (coming back to
 * `returnTo`), wrong role -> 403.
 */
export async function requireRole(role: Role, returnTo = "/"): Promise<User> {
  const user = await currentUser();
  if (!user) redirect(`/login?next=${encodeURIComponent(returnTo)}`);
  if (!hasRole(user.role, role)) forbidden();
  return user;
}
