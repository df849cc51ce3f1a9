import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { User } from "../../db/schema";
import { hasRole, type Role } from "../../server/auth/roles";
import { SESSION_COOKIE } from "../../server/auth/session-cookie";
import { getServices } from "../../server/runtime-registry";

type Handler = (request: NextRequest, user: User) => Promise<Response> | Response;

/** Wraps an API route: 401 without a session, 403 with a role below `role`. */
export function withRole(role: Role, handler: Handler) {
  return async (request: NextRequest): Promise<Response> => {
    const user = await getServices().auth.authenticate(request.cookies.get(SESSION_COOKIE)?.value);
    if (!user) return NextResponse.json({ error: "unauthorized" }, { status: 401 });
    if (!hasRole(user.role, role)) return NextResponse.json({ error: "forbidden" }, { status: 403 });
    return handler(request, user);
  };
}
