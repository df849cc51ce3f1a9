import { NextResponse } from "next/server";
import { reportSummary } from "../../../../server/reports/call-report";
import { parseReportQuery } from "../../../../server/reports/report-request";
import { getServices } from "../../../../server/runtime-registry";
import { withRole } from "../../../lib/api-auth";

export const dynamic = "force-dynamic";

/**
 * `GET /api/reports/summary?from=YYYY-MM-DD&to=YYYY-MM-DD&queue=<name>` (supervisors): the period's figures as
 * JSON, with at least offered, answered, abandoned, shortAbandoned, serviceLevel (0..1), asaSeconds, ahtSeconds
 * and abandonRate (0..1); ratios and averages are null without calls. Definitions: db/schema.ts and
 * server/reports/call-report.ts. 400 with field errors on bad parameters.
 */
export const GET = withRole("supervisor", async (request) => {
  const services = getServices();
  const parsed = parseReportQuery(Object.fromEntries(request.nextUrl.searchParams), Date.now(), services.config.TIMEZONE);
  if (!parsed.ok) return NextResponse.json({ errors: parsed.errors }, { status: 400 });
  const figures = await reportSummary(services.database.db, parsed.period, parsed.queue);
  return NextResponse.json({ from: parsed.period.fromDay, to: parsed.period.toDay, zone: parsed.period.zone, queue: parsed.queue ?? null, ...figures });
});
