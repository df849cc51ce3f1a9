import { NextResponse } from "next/server";
import { getLocale, getTranslations } from "next-intl/server";
import { appendEvents } from "../../../../db/queries/calls";
import { buildCallReport } from "../../../../server/reports/call-report";
import { REPORT_TABLES, reportSheets, type ReportTable } from "../../../../server/reports/report-export";
import type { ReviewTranslator } from "../../../../server/reports/review-text";
import { parseReportQuery } from "../../../../server/reports/report-request";
import { CONTENT_TYPES, streamSpreadsheet, writeCsv, writeXlsx } from "../../../../server/reports/spreadsheet";
import { reviewOf } from "../../../../server/reports/week-review";
import { getServices } from "../../../../server/runtime-registry";
import { withRole } from "../../../lib/api-auth";

export const dynamic = "force-dynamic";

/**
 * `GET /api/reports/export?from=…&to=…&queue=…&format=xlsx|csv[&table=…]` (supervisors): the reports and the
 * review of the period as one workbook (a sheet per table), or one table (`table`, default summary) as CSV.
 * Logged as `audit.export` in call_events.
 */
export const GET = withRole("supervisor", async (request, user) => {
  const services = getServices();
  const params = Object.fromEntries(request.nextUrl.searchParams);
  const format = params.format ?? "xlsx";
  const table = (params.table ?? "summary") as ReportTable;
  if (format !== "xlsx" && format !== "csv") return NextResponse.json({ errors: { format: "validation.invalid" } }, { status: 400 });
  if (!REPORT_TABLES.includes(table)) return NextResponse.json({ errors: { table: "validation.invalid" } }, { status: 400 });
  const parsed = parseReportQuery(params, Date.now(), services.config.TIMEZONE);
  if (!parsed.ok) return NextResponse.json({ errors: parsed.errors }, { status: 400 });
  const db = services.database.db;
  const report = await buildCallReport(db, parsed.period, parsed.queue);
  const t = await getTranslations();
  const locale = await getLocale();
  const sheets = reportSheets(report, reviewOf(report), t as unknown as ReviewTranslator, locale);
  await appendEvents(db, [{ at: new Date(), type: "audit.export", operatorId: user.id, data: { what: "reports", format, table, from: parsed.period.fromDay, to: parsed.period.toDay, queue: parsed.queue ?? null } }]);
  const zone = parsed.period.zone;
  const body = streamSpreadsheet((stream) => (format === "xlsx" ? writeXlsx(stream, Object.values(sheets), zone) : writeCsv(stream, sheets[table], zone)));
  const name = `report-${parsed.period.fromDay}-${parsed.period.toDay}${format === "csv" ? `-${table}` : ""}.${format}`;
  return new Response(body, {
    headers: { "Content-Type": CONTENT_TYPES[format], "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
  });
});
