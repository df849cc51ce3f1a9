/**
 * Shifts in the running call side: an operator's view says whether they are inside one of their shifts, from the
 * moment shifts are loaded (the boundaries themselves are tested with fake timers in tests/unit/staffing).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { findUserByUsername } from "../../../db/queries/users";
import { createShift } from "../../../server/staffing/staffing-admin";
import { formatMinute } from "../../../server/staffing/shift-schedule";
import { startHarness, type Harness } from "../../support/hotline-harness";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ TIMEZONE: "UTC" });
}, 60_000);
afterAll(() => harness?.stop());

/** "HH:MM" in UTC, `minutes` from now. */
const inMinutes = (minutes: number) => {
  const now = new Date();
  return formatMinute((((now.getUTCHours() * 60 + now.getUTCMinutes() + minutes) % 1440) + 1440) % 1440);
};

it("the desk and the board see who is on shift, off shift, or has no shift", async () => {
  const [amina, bilal, chloe] = [await harness.operator("amina"), await harness.operator("bilal"), await harness.operator("chloe")];
  const db = harness.hotline.services.database.db;
  const everyDay = ["1", "2", "3", "4", "5", "6", "7"];
  const idOf = async (name: string) => String((await findUserByUsername(db, name))!.id);
  expect(await createShift(db, { userId: await idOf("amina"), days: everyDay, start: inMinutes(-60), end: inMinutes(60) })).toMatchObject({ ok: true });
  expect(await createShift(db, { userId: await idOf("bilal"), days: everyDay, start: inMinutes(120), end: inMinutes(180) })).toMatchObject({ ok: true });
  await harness.hotline.telephony!.syncQueues();

  await amina.waitFor(() => amina.state?.onShift === true, "amina on shift");
  await bilal.waitFor(() => bilal.state?.onShift === false, "bilal off shift");
  expect(chloe.state).toBeDefined();
  expect(chloe.state?.onShift).toBeUndefined();
});
