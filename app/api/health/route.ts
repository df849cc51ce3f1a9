import { NextResponse } from "next/server";
import { getServices } from "../../../server/runtime-registry";

export const dynamic = "force-dynamic";

/** For load balancers and supervisors: 200 when every part is up, 503 (with the parts) otherwise. No session needed. */
export async function GET() {
  const report = await getServices().health.report();
  return NextResponse.json(report, { status: report.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
