import { NextResponse } from "next/server";
import { listCallLog } from "../../../db/queries/call-log";
import { parseCallLogQuery } from "../../../server/reports/call-log-request";
import { getServices } from "../../../server/runtime-registry";
import { withRole } from "../../lib/api-auth";

export const dynamic = "force-dynamic";

/**
 * The call log as JSON: an array of calls (filters and sort of /calls as query parameters, `limit` 1..500, default
 * 50, newest first), each with its wait, talk, wrap-up and handle times in ms and `recordingUrl` (null without a
 * recording). Operators get their own calls only. The next page's cursor is in the `X-Next-Cursor` header and a
 * `Link: <…>; rel="next"` header (RFC 8288); absent on the last page. 400 with field errors on bad parameters.
 */
export const GET = withRole("operator", async (request, user) => {
  const services = getServices();
  const parsed = parseCallLogQuery(Object.fromEntries(request.nextUrl.searchParams), user, services.config.TIMEZONE);
  if (!parsed.ok) return NextResponse.json({ errors: parsed.errors }, { status: 400 });
  let page;
  try {
    page = await listCallLog(services.database.db, parsed.filter, parsed.page);
  } catch (error) {
    if (error instanceof RangeError) return NextResponse.json({ errors: { cursor: "validation.invalid" } }, { status: 400 });
    throw error;
  }
  const headers = new Headers();
  if (page.nextCursor) {
    const next = new URL(request.nextUrl.pathname + request.nextUrl.search, "http://local");
    next.searchParams.set("cursor", page.nextCursor);
    headers.set("X-Next-Cursor", page.nextCursor);
    headers.set("Link", `<${next.pathname}${next.search}>; rel="next"`);
  }
  return NextResponse.json(
    page.rows.map(({ sortKey: _sortKey, ...row }) => row),
    { headers },
  );
});
