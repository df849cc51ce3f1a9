import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { findHotlineNumber, findQueueById, listQueueMembers } from "../../../db/queries/queues";
import { UserService } from "../../../server/accounts/user-service";
import { runCommand } from "../../../server/cli/commands";
import { commandContext } from "../../../server/cli/context";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

const run = promisify(execFile);

describe.each(DATABASE_KINDS)("command line on %s", (kind) => {
  let database: Database;
  let cli: (...argv: string[]) => ReturnType<typeof runCommand>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const users = new UserService(database.db, { logoutEverywhere: async () => {} });
    cli = (...argv) => runCommand(argv, commandContext(database.db, users));
  });
  afterAll(() => database.close());

  it("sets up users, a queue, its members and a number", async () => {
    expect((await cli("user", "add", "sara", "--role", "operator", "--password", "sara-pass-1")).code).toBe(0);
    expect((await cli("queue", "add", "Support")).code).toBe(0);
    expect((await cli("queue", "member", "support", "sara", "--level", "2")).code).toBe(0);
    expect((await cli("number", "add", "+33123456789", "--queue", "Support", "--label", "leaflet")).code).toBe(0);

    const routed = await findHotlineNumber(database.db, "+33123456789");
    expect(routed?.queue.name).toBe("Support");
    expect(routed?.number.label).toBe("leaflet");
    expect(await listQueueMembers(database.db, routed!.queue.id)).toEqual([
      expect.objectContaining({ username: "sara", level: 2 }),
    ]);
    expect((await cli("user", "list")).out.join("\n")).toMatch(/^sara\toperator\tactive/m);

    expect((await cli("queue", "set", "Support", "--max-on-break", "1", "--wrap-up", "30")).code).toBe(0);
    expect(await findQueueById(database.db, routed!.queue.id)).toMatchObject({ maxOnBreak: 1, wrapUpS: 30 });
    expect((await cli("queue", "set", "Support", "--max-on-break", "none", "--max-wait", "120", "--max-wait-action", "callback")).code).toBe(0);
    expect(await findQueueById(database.db, routed!.queue.id)).toMatchObject({ maxWaitS: 120, maxWaitAction: "callback" });
    expect((await findQueueById(database.db, routed!.queue.id))?.maxOnBreak).toBeNull();
    // Separators typed as on the admin page are removed, as there.
    expect((await cli("number", "add", "+33 1 98 76-54.32", "--queue", "Support")).out).toEqual(['number +33198765432 routes to queue "Support"']);
  });

  it("exits non-zero with a clear message on bad input", async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["user", "add", "sara", "--role", "operator", "--password", "sara-pass-1"], 1, /username: This username is already taken/],
      [["user", "add", "x", "--role", "chief", "--password", "1"], 1, /role: Choose one of: operator, supervisor, admin, wallboard\./],
      [["user", "add", "nopass", "--role", "operator"], 2, /--password is required/],
      [["user", "disable", "ghost"], 1, /no user "ghost"/],
      [["queue", "add", "Support"], 1, /already exists/],
      [["queue", "add", "Sup/port"], 1, /^error: name: Use 1 to 64 letters, digits, spaces, dots, dashes or underscores\.$/],
      [["queue", "member", "Nowhere", "sara"], 1, /no queue "Nowhere"/],
      [["number", "add", "12ab", "--queue", "Support"], 1, /digits/],
      [["queue", "set", "Support", "--max-wait-action", "overflow"], 1, /--max-wait-action: hang-up or callback/],
      [["queue", "set", "Support", "--max-on-break", "lots"], 1, /--max-on-break: A whole number from 0 to 1000, or none/],
      [["number", "add", "+33123456789", "--queue", "Support"], 1, /number: This number is already in use/],
      // The admin page's rules (2-20 digits), not the command line's own.
      [["number", "add", "+3312345678901234567890123", "--queue", "Support"], 1, /number: Use 2 to 20 digits, with an optional leading \+/],
      [["number", "add", "1", "--queue", "Support"], 1, /number: Use 2 to 20 digits/],
      [["number", "add", "+33 1 23 45 67 89", "--queue", "Support"], 1, /number: This number is already in use/],
      // A negative value is the setting's range error, not parseArgs' "argument is ambiguous".
      [["queue", "set", "Support", "--ring-timeout", "-5"], 1, /^error: --ring-timeout: Enter a whole number of seconds from 5 to 300\.$/],
      [["queue", "set", "Support", "--ring-timeout=-5"], 1, /--ring-timeout: Enter a whole number of seconds from 5 to 300/],
      [["queue", "set", "Support", "--wrap-up", "-1", "--sl-threshold", "0"], 1, /--wrap-up: .* 0 to 3600.*; --sl-threshold: .* 1 to 3600/],
      [["queue", "set", "Support", "--ring-timeout"], 2, /--ring-timeout needs a value/],
      [["user", "add", "z", "--bogus"], 2, /Unknown option/],
      [["launch", "rockets"], 2, /unknown command "launch rockets"/],
    ];
    for (const [argv, code, message] of cases) {
      const result = await cli(...argv);
      expect(result.code, argv.join(" ")).toBe(code);
      expect(result.err.join("\n"), argv.join(" ")).toMatch(message);
    }
  });

  it("disables and re-enables a user", async () => {
    expect((await cli("user", "disable", "sara")).code).toBe(0);
    expect((await cli("user", "list")).out.join("\n")).toMatch(/^sara\toperator\tdisabled/m);
    expect((await cli("user", "enable", "sara")).code).toBe(0);
  });
});

describe("npm run cli as a process", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "hotline-cli-"));
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "error" };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("opens the embedded database itself when no server runs, and exits with the command's code", async () => {
    const ok = await run("npx", ["tsx", "server/cli/main.ts", "user", "add", "lea", "--role", "supervisor", "--password", "lea-pass-12"], { env });
    expect(ok.stdout).toMatch(/created supervisor "lea"/);
    const failed = await run("npx", ["tsx", "server/cli/main.ts", "user", "add", "lea", "--role", "supervisor", "--password", "lea-pass-12"], { env }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/already taken/);
  }, 60_000);
});
