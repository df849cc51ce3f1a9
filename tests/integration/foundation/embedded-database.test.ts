/**
 * The embedded database (PGlite) runs with the settings Hotline gives it (db/client.ts, PGLITE_SETTINGS): a small
 * `shared_buffers`, since PostgreSQL's cache inside the WebAssembly heap would mostly be a second copy of the kernel's
 * page cache (issue 14, point 5: memory waste). Fails if a PGlite upgrade stops honouring the option.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { openTestDatabase } from "../../support/databases";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase("pglite");
});
afterAll(() => database.close());

it("runs PGlite with shared_buffers = 32MB (its build's default is 128MB)", async () => {
  const result = (await database.db.execute(sql`show shared_buffers`)) as unknown as { rows: Array<{ shared_buffers: string }> };
  expect(result.rows[0]?.shared_buffers).toBe("32MB");
});
