import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { listPauseReasons } from "../../../db/queries/pause-reasons";
import { listShifts } from "../../../db/queries/shifts";
import { createUser, updateUser } from "../../../db/queries/users";
import { createPauseReason, createShift, removePauseReason, removeShift, savePauseReason } from "../../../server/staffing/staffing-admin";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

describe.each(DATABASE_KINDS)("pause reasons and shifts on %s", (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  it("starts with break and lunch limited to 15 and 60 minutes, and training unlimited", async () => {
    const reasons = await listPauseReasons(database.db);
    expect(reasons.map((r) => [r.code, r.maxMinutes, r.limited, r.builtIn])).toEqual([
      ["break", 15, true, true],
      ["lunch", 60, true, true],
      ["training", null, false, true],
    ]);
  });

  it("adds, edits and removes an admin's own reason; a built-in one keeps its name and cannot go", async () => {
    const created = await createPauseReason(database.db, { label: "Coaching", maxMinutes: "20", limited: "on" });
    expect(created).toMatchObject({ ok: true, value: { label: "Coaching", maxMinutes: 20, limited: true, builtIn: false } });
    if (!created.ok) return;
    expect(created.value.code).toMatch(/^custom:[0-9a-f]{8}$/);

    expect(await savePauseReason(database.db, created.value.code, { label: "Coaching 1:1", maxMinutes: "", limited: "" })).toMatchObject({
      ok: true,
      value: { label: "Coaching 1:1", maxMinutes: null, limited: false },
    });
    expect(await savePauseReason(database.db, "break", { label: "Nap", maxMinutes: "10", limited: "on" })).toMatchObject({
      ok: true,
      value: { code: "break", label: null, maxMinutes: 10 },
    });
    expect(await savePauseReason(database.db, "break", { maxMinutes: "-1" })).toEqual({ ok: false, errors: { maxMinutes: "validation.pauseMinutes" } });
    expect(await removePauseReason(database.db, "lunch")).toEqual({ ok: false, errors: { form: "validation.pauseReasonBuiltIn" } });
    expect(await removePauseReason(database.db, created.value.code)).toEqual({ ok: true, value: true });
    expect(await removePauseReason(database.db, created.value.code)).toEqual({ ok: false, errors: { form: "validation.pauseReasonNotFound" } });
    expect((await listPauseReasons(database.db)).map((r) => r.code)).toEqual(["break", "lunch", "training"]);
  });

  it("stores shifts per operator and refuses disabled accounts", async () => {
    const olga = await createUser(database.db, { username: "olga", displayName: "Olga", role: "operator", passwordHash: "x" });
    const gone = await createUser(database.db, { username: "gone", displayName: "Gone", role: "operator", passwordHash: "x" });
    await updateUser(database.db, gone.id, { disabled: true });

    const created = await createShift(database.db, { userId: String(olga.id), days: ["1", "2", "3", "4", "5"], start: "09:00", end: "17:30" });
    expect(created).toMatchObject({ ok: true, value: { userId: olga.id, days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1050 } });
    expect(await createShift(database.db, { userId: String(gone.id), days: ["6"], start: "22:00", end: "06:00" })).toEqual({
      ok: false,
      errors: { userId: "validation.operator" },
    });
    expect(await listShifts(database.db)).toEqual([
      { id: expect.any(Number), userId: olga.id, username: "olga", displayName: "Olga", disabled: false, days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1050 },
    ]);
    if (!created.ok) return;
    expect(await removeShift(database.db, created.value.id)).toEqual({ ok: true, value: true });
    expect(await removeShift(database.db, created.value.id)).toEqual({ ok: false, errors: { form: "validation.shiftNotFound" } });
  });
});
