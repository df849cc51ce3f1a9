/**
 * Operating hours on the call path (real SIPp, real rtpengine): a call to a number outside its hours hears the
 * closed message with the next opening in the number's language (the announcement log names the files), is hung up
 * by Hotline and recorded `closed`; a campaign number before its campaign says it is not in service yet.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords } from "../../../db/schema";
import { makePrompts } from "../../../server/hours/make-prompts";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

const SOUNDS = path.resolve("public/sounds");
let harness: Harness;
const zone = "Europe/Paris";
const today = DateTime.now().setZone(zone).startOf("day");
const day = (offset: number) => today.plus({ days: offset }).toISODate()!;
/** The number opens again at midnight two days from now (a closure covers yesterday to tomorrow). */
const reopening = today.plus({ days: 2 }).toFormat("cccc").toLowerCase();

beforeAll(async () => {
  // The language sets are made at install time; cached, so this only checks them when they exist.
  await makePrompts(SOUNDS);
  harness = await startHarness();
  await harness.cli("queue", "add", "Info");
  await harness.cli("number", "add", "3100", "--queue", "Info");
  await harness.cli("number", "add", "3200", "--queue", "Info");
  await harness.cli("number", "add", "3300", "--queue", "Info");
  await harness.cli("schedule", "add", "Office", "--weekly", "mon-sun 00:00-24:00", "--tz", zone);
  await harness.cli("schedule", "closure", "Office", "--from", day(-1), "--to", day(1), "--reason", "Maintenance");
  await harness.cli("number", "set", "3100", "--schedule", "Office", "--closed-action", "hang-up", "--language", "en");
  await harness.cli("number", "set", "3200", "--schedule", "Office", "--language", "fr");
  await harness.cli("number", "set", "3300", "--campaign-from", day(30), "--campaign-to", day(40), "--language", "ar");
}, 120_000);
afterAll(() => harness?.stop());

async function closedCall(number: string) {
  const started = Date.now();
  const result = await runSipp("answered-call-operator-hangs-up.xml", harness.sipTarget, { service: number, timeoutS: 40 });
  // The scenario exits 0 only when the BYE comes from Hotline.
  expect(result.code, result.stdout.slice(-1500)).toBe(0);
  const db = harness.hotline.services.database.db;
  const call = await waitUntil(
    "the record to close",
    async () => (await db.select().from(callRecords).where(eq(callRecords.dialedNumber, number)).orderBy(desc(callRecords.arrivedAt)).limit(1))[0],
    (c) => c !== undefined && c.outcome !== "in_progress" && c.endedAt !== null,
  );
  const announcements = (await listCallEvents(db, call!.id)).filter((e) => e.type === "call.announcement");
  return { call: call!, announcements: announcements.map((e) => e.data), ms: Date.now() - started };
}

it("a closed English number: the closed message with the next opening, then Hotline hangs up; recorded closed", async () => {
  const { call, announcements, ms } = await closedCall("3100");
  expect(announcements).toEqual([{ announcement: "closed", prompts: ["en/closed-now", `en/opens-${reopening}`, "en/at-00-00", "en/goodbye"] }]);
  for (const prompt of announcements[0]!.prompts as string[]) expect(existsSync(path.join(SOUNDS, `${prompt}.wav`))).toBe(true);
  expect(call).toMatchObject({ outcome: "closed", endedBy: "system", endReason: "closed", queueId: expect.any(Number) });
  // Hung up after the whole message (several seconds of speech), not at once.
  expect(ms).toBeGreaterThan(4000);
}, 60_000);

it("a closed French number: the announcement log names the French files", async () => {
  const { call, announcements } = await closedCall("3200");
  expect(announcements).toEqual([{ announcement: "closed", prompts: ["fr/closed-now", `fr/opens-${reopening}`, "fr/at-00-00", "fr/goodbye"] }]);
  expect(call.outcome).toBe("closed");
}, 60_000);

it("a campaign number before its campaign: not in service yet, in Arabic", async () => {
  const { call, announcements } = await closedCall("3300");
  expect(announcements).toEqual([{ announcement: "closed", prompts: ["ar/not-in-service-yet"] }]);
  expect(call).toMatchObject({ outcome: "closed", endReason: "not-in-service-yet" });
}, 60_000);
