/** Who may do what: operators take calls, supervisors watch queues, admins manage the hotline. */
export const ROLES = ["operator", "supervisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Roles nest: a supervisor can do what an operator can, an admin what a supervisor can. */
const RANK: Record<Role, number> = { operator: 1, supervisor: 2, admin: 3 };

export function hasRole(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** Where a user lands after logging in. */
export function homePath(role: Role): string {
  return role === "admin" ? "/admin/users" : role === "supervisor" ? "/board" : "/desk";
}

/**
 * A post-login destination from a `next` parameter, accepted only as a same-origin path the user may
 * open (an open redirect would let a phishing link bounce through our login).
 */
export function safeNextPath(next: string | null | undefined, role: Role): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return homePath(role);
  const required = requiredRoleForPath(next);
  return required && !hasRole(role, required) ? homePath(role) : next;
}

/** The minimum role a page path needs; undefined for public pages. */
export function requiredRoleForPath(path: string): Role | undefined {
  if (path.startsWith("/admin")) return "admin";
  if (path.startsWith("/board")) return "supervisor";
  if (path.startsWith("/desk") || path.startsWith("/callbacks")) return "operator";
  return undefined;
}
