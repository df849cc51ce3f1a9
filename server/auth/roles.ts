/**
 * Who may do what: operators take calls, supervisors watch queues, admins manage the hotline; a `wallboard` account
 * (a shared TV screen) may open the wallboard and nothing else.
 */
export const ROLES = ["operator", "supervisor", "admin", "wallboard"] as const;
export type Role = (typeof ROLES)[number];

/** Roles nest: a supervisor can do what an operator can, an admin what a supervisor can; a wallboard is below all. */
const RANK: Record<Role, number> = { wallboard: 0, operator: 1, supervisor: 2, admin: 3 };

/** Whether `role` may do what `required` may. The wallboard is open to wallboard accounts and supervisors up. */
export function hasRole(role: Role, required: Role): boolean {
  if (required === "wallboard") return role === "wallboard" || RANK[role] >= RANK.supervisor;
  return RANK[role] >= RANK[required];
}

/** Where a user lands after logging in. */
export function homePath(role: Role): string {
  return role === "admin" ? "/admin/users" : role === "supervisor" ? "/board" : role === "wallboard" ? "/wallboard" : "/desk";
}

/** C0 controls, DEL and C1 controls: the URL parser silently drops tabs and newlines, so they are refused outright. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A post-login destination from a `next` parameter (an open redirect would let a phishing link bounce
 * through our login). `next` is resolved against `publicUrl` (the WHATWG URL parser, as the browser
 * will) and accepted only when it stays on that origin, contains no control character and leads to a
 * page the role may open; otherwise the role's home. Returns a path (with query and fragment).
 */
export function safeNextPath(next: string | null | undefined, role: Role, publicUrl: string): string {
  if (!next || !next.startsWith("/") || CONTROL_CHARACTERS.test(next)) return homePath(role);
  let resolved: URL;
  try {
    resolved = new URL(next, publicUrl);
  } catch {
    return homePath(role);
  }
  if (resolved.origin !== new URL(publicUrl).origin) return homePath(role);
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // "//host" and "/\\host" are scheme-relative to a browser even after resolution; never hand one back.
  if (path.startsWith("//") || path.startsWith("/\\")) return homePath(role);
  const required = requiredRoleForPath(resolved.pathname);
  return required && !hasRole(role, required) ? homePath(role) : path;
}

/** The minimum role a page path needs; undefined for public pages. */
export function requiredRoleForPath(path: string): Role | undefined {
  if (path.startsWith("/admin")) return "admin";
  if (path.startsWith("/board") || path.startsWith("/reports")) return "supervisor";
  if (path.startsWith("/wallboard")) return "wallboard";
  if (path.startsWith("/desk") || path.startsWith("/callbacks") || path.startsWith("/calls")) return "operator";
  return undefined;
}
