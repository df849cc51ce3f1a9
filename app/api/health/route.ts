import { NextResponse, type NextRequest } from "next/server";
import { hasRole } from "../../../server/auth/roles";
import { SESSION_COOKIE } from "../../../server/auth/session-cookie";
import { publicHealth } from "../../../server/health";
import { getServices } from "../../../server/runtime-registry";

export const dynamic = "force-dynamic";

/**
 * For load balancers and supervisors: 200 when every part is up, 503 otherwise. Without an
 * administrator's session only the status and whether each part is up; the details (versions,
 * addresses, counts, errors) are for administrators.
 */
export async function GET(request: NextRequest) {
  const services = getServices();
  const report = await services.health.report();
  const user = await services.auth.authenticate(request.cookies.get(SESSION_COOKIE)?.value);
  const body = user && hasRole(user.role, "admin") ? report : publicHealth(report);
  return NextResponse.json(body, { status: report.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
