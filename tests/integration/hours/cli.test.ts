import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { listNumberHours, listScheduleExceptions, listSchedules } from "../../../db/queries/schedules";
import { UserService } from "../../../server/accounts/user-service";
import { runCommand } from "../../../server/cli/commands";
import { commandContext } from "../../../server/cli/context";
import { saveNumberSettings } from "../../../server/hours/hours-service";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

describe.each(DATABASE_KINDS)("command line for operating hours on %s", (kind) => {
  let database: Database;
  let cli: (...argv: string[]) => ReturnType<typeof runCommand>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const users = new UserService(database.db, { logoutEverywhere: async () => {} });
    cli = (...argv) => runCommand(argv, commandContext(database.db, users));
    expect((await cli("queue", "add", "Support")).code).toBe(0);
    expect((await cli("number", "add", "+33100000001", "--queue", "Support")).code).toBe(0);
  });
  afterAll(() => database.close());

  it("schedule add <name> --weekly … [--tz]: stored, printed canonically; a bad pattern or zone is refused", async () => {
    const ok = await cli("schedule", "add", "Office", "--weekly", "mon-fri 09:00-18:00; sat 10:00-13:00", "--tz", "Europe/Paris");
    expect(ok.code).toBe(0);
    expect(ok.out).toEqual(['schedule "Office": mon-fri 09:00-18:00; sat 10:00-13:00 (Europe/Paris)']);
    const [office] = await listSchedules(database.db);
    expect(office).toMatchObject({ name: "Office", zone: "Europe/Paris", alwaysOpen: false });
    expect(office?.weekly).toHaveLength(6);
    const bad = await cli("schedule", "add", "Bad", "--weekly", "mon-fry 09:00-18:00");
    expect(bad.code).toBe(1);
    expect(bad.err.join("\n")).toMatch(/^error: weekly: /);
    expect((await cli("schedule", "add", "Bad", "--weekly", "24/7", "--tz", "Mars/Olympus")).err.join("\n")).toMatch(/zone: /);
  });

  it("schedule closure and period: dated exceptions of a schedule", async () => {
    expect((await cli("schedule", "closure", "Office", "--from", "2026-12-24", "--to", "2026-12-26", "--reason", "Holidays")).out).toEqual([
      'closure 2026-12-24 to 2026-12-26 all day (Holidays) added to "Office"',
    ]);
    expect((await cli("schedule", "period", "Office", "--from", "2027-07-01", "--to", "2027-07-20", "--hours", "08:00-18:00")).code).toBe(0);
    const exceptions = await listScheduleExceptions(database.db);
    expect(exceptions.map((e) => [e.kind, e.fromDate, e.toDate, e.hours, e.reason])).toEqual([
      ["closure", "2026-12-24", "2026-12-26", [], "Holidays"],
      ["period", "2027-07-01", "2027-07-20", [{ startMinute: 480, endMinute: 1080 }], ""],
    ]);
    expect((await cli("schedule", "closure", "Office", "--from", "2026-12-24")).err.join("\n")).toMatch(/reason: /);
    expect((await cli("schedule", "period", "Office", "--from", "2027-07-20", "--to", "2027-07-01", "--hours", "08:00-18:00")).err.join("\n")).toMatch(/to: /);
    expect((await cli("schedule", "closure", "Nowhere", "--from", "2026-12-24", "--reason", "x")).err.join("\n")).toMatch(/schedule: /);
  });

  it("number set <number> --schedule --closed-action --language, and number menu", async () => {
    const set = await cli("number", "set", "+33100000001", "--schedule", "Office", "--closed-action", "queue:Support", "--language", "fr");
    expect(set.out).toEqual(["number +33100000001: schedule Office, when closed queue:Support, language fr"]);
    expect((await listNumberHours(database.db))[0]).toMatchObject({ closedAction: "queue", closedTarget: "Support", language: "fr" });
    expect((await cli("number", "set", "+33100000001", "--closed-action", "queue:Nowhere")).err.join("\n")).toMatch(/closedAction: /);
    expect((await cli("number", "set", "+33100000001", "--language", "de")).err.join("\n")).toMatch(/language: /);
    expect((await cli("number", "set", "+999", "--language", "en")).err.join("\n")).toMatch(/number: /);
    const menu = await cli("number", "menu", "+33100000001", "--option", "1=queue:Support", "--option", "2=language:ar", "--option", "9=callback");
    expect(menu.code).toBe(0);
    expect((await listNumberHours(database.db))[0]?.menu).toEqual([
      { digit: "1", action: "queue:Support" },
      { digit: "2", action: "language:ar" },
      { digit: "9", action: "callback" },
    ]);
    expect((await cli("number", "menu", "+33100000001", "--option", "1=queue:Support", "--option", "1=callback")).code).toBe(1);
  });

  it("a closed action is checked alike for the command line and the admin form: syntax, queue, forward number, allow-list", async () => {
    const before = (await listNumberHours(database.db))[0]!;
    for (const [action, message] of [
      ["bogus", /closedAction: hang-up, voicemail, forward:/],
      ["forward:<script>", /closedAction: forward: takes a phone number of 2 to 20 digits/],
      ["forward:1", /closedAction: forward: takes a phone number/],
      ["queue:Nope", /closedAction: No queue with that name/],
      // The forward goes out through the trunk: the outbound allow-list (empty here) must allow it.
      ["forward:+33999", /closedAction: The outbound allow-list does not allow this number.*outbound allow PATTERN/],
    ] as const) {
      const result = await cli("number", "set", "+33100000001", "--closed-action", action);
      expect(result.code, action).toBe(1);
      expect(result.err.join("\n"), action).toMatch(message);
      const form = await saveNumberSettings(database.db, "+33100000001", { closedAction: action, menu: "1=callback" });
      expect(form, action).toEqual({ ok: false, errors: { closedAction: expect.stringMatching(/^(hours\.validation|formChecks)\./) } });
    }
    // Nothing was written, the form's menu included.
    expect((await listNumberHours(database.db))[0]).toEqual(before);

    expect((await cli("outbound", "allow", "+33*")).code).toBe(0);
    const allowed = await cli("number", "set", "+33 1 00 00 00 01", "--closed-action", "forward:+33 9 99");
    expect(allowed.out).toEqual(["number +33100000001: schedule Office, when closed forward:+33999, language fr"]);
    expect((await listNumberHours(database.db))[0]).toMatchObject({ closedAction: "forward", closedTarget: "+33999" });
    // The form reports every faulty field at once, and writes nothing while one is wrong.
    expect(await saveNumberSettings(database.db, "+33100000001", { closedAction: "hang-up", language: "de", menu: "1=nowhere" })).toEqual({
      ok: false,
      errors: { language: "hours.validation.language", menu: "hours.validation.menu" },
    });
    expect((await listNumberHours(database.db))[0]).toMatchObject({ closedAction: "forward", language: "fr" });
    expect(await saveNumberSettings(database.db, "+33100000001", { closedAction: "hang-up", menu: "" })).toMatchObject({ ok: true });
    expect((await listNumberHours(database.db))[0]).toMatchObject({ closedAction: "hang-up", closedTarget: null, menu: [] });
  });
});
