import { NextResponse } from "next/server";
import { getTranslations } from "next-intl/server";
import { appendEvents } from "../../../../db/queries/calls";
import { parseCallLogQuery } from "../../../../server/reports/call-log-request";
import { callLogBatches, callLogColumns } from "../../../../server/reports/call-log-export";
import { CONTENT_TYPES, sheetOf, streamSpreadsheet, writeCsv, writeXlsx } from "../../../../server/reports/spreadsheet";
import { getServices } from "../../../../server/runtime-registry";
import { withRole } from "../../../lib/api-auth";

export const dynamic = "force-dynamic";

/**
 * `GET /api/calls/export?from=YYYY-MM-DD&to=YYYY-MM-DD&format=xlsx|csv` (supervisors): the call log with the
 * filters of /calls (`queue`, `number`, `operator`, `outcome`, `topic`, …) as a streamed spreadsheet, oldest call
 * first, headers in the reader's language, times in the hotline's zone. Each export is logged (`audit.export`
 * in call_events: who, when, what). 400 with field errors on bad parameters.
 */
export const GET = withRole("supervisor", async (request, user) => {
  const services = getServices();
  const params = Object.fromEntries(request.nextUrl.searchParams);
  const format = params.format ?? "xlsx";
  if (format !== "xlsx" && format !== "csv") return NextResponse.json({ errors: { format: "validation.invalid" } }, { status: 400 });
  const parsed = parseCallLogQuery({ ...params, format: undefined, cursor: undefined }, user, services.config.TIMEZONE);
  if (!parsed.ok) return NextResponse.json({ errors: parsed.errors }, { status: 400 });
  const t = await getTranslations("callLog");
  const db = services.database.db;
  const zone = services.config.TIMEZONE;
  await appendEvents(db, [{ at: new Date(), type: "audit.export", operatorId: user.id, data: { what: "calls", format, query: parsed.query } }]);
  const sheet = sheetOf({ name: t("title"), columns: callLogColumns((key) => t(key)), rows: callLogBatches(db, parsed.filter) });
  const body = streamSpreadsheet((stream) => (format === "xlsx" ? writeXlsx(stream, [sheet], zone) : writeCsv(stream, sheet, zone)));
  const name = `calls-${parsed.query.from ?? "start"}-${parsed.query.to ?? "now"}.${format}`;
  return new Response(body, {
    headers: { "Content-Type": CONTENT_TYPES[format], "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
  });
});
