import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { User } from "../../db/schema";
import { hasRole, type Role } from "../../server/auth/roles";
import { SESSION_COOKIE } from "../../server/auth/session-cookie";
import { checkStateChangingRequest } from "../../server/http/csrf";
import { getServices } from "../../server/runtime-registry";

type Handler = (request: NextRequest, user: User) => Promise<Response> | Response;

/**
 * Wraps an API route: a state-changing request that is not same-origin JSON is refused (415/403,
 * the same guard the custom server applies to every /api path), 401 without a session, 403 with a
 * role below `role`.
 */
export function withRole(role: Role, handler: Handler) {
  return async (request: NextRequest): Promise<Response> => {
    const csrf = checkStateChangingRequest(request.method, (name) => request.headers.get(name), getServices().config.PUBLIC_URL);
    if (!csrf.ok) return NextResponse.json({ error: csrf.error }, { status: csrf.status });
    const user = await getServices().auth.authenticate(request.cookies.get(SESSION_COOKIE)?.value);
    if (!user) return NextResponse.json({ error: "unauthorized" }, { status: 401 });
    if (!hasRole(user.role, role)) return NextResponse.json({ error: "forbidden" }, { status: 403 });
    return handler(request, user);
  };
}
