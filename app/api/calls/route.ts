import { NextResponse } from "next/server";
import { z } from "zod";
import { listRecentCalls } from "../../../db/queries/calls";
import { getServices } from "../../../server/runtime-registry";
import { withRole } from "../../lib/api-auth";

export const dynamic = "force-dynamic";

const query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Recent call records for supervisors, newest first, with wait and talk times. */
export const GET = withRole("supervisor", async (request) => {
  const parsed = query.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) return NextResponse.json({ errors: { limit: "validation.invalid" } }, { status: 400 });
  return NextResponse.json(await listRecentCalls(getServices().database.db, parsed.data.limit));
});
