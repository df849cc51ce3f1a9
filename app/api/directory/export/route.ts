import { exportDirectoryCsv } from "../../../../server/directory/directory-service";
import { getServices } from "../../../../server/runtime-registry";
import { withRole } from "../../../lib/api-auth";

export const dynamic = "force-dynamic";

/** The staff directory as CSV (admins), in the columns the import reads. */
export const GET = withRole("admin", async () => {
  const csv = await exportDirectoryCsv(getServices().database.db);
  return new Response(csv, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="directory.csv"', "cache-control": "no-store" },
  });
});
