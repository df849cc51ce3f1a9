/**
 * A number's language on the queue path (real SIPp, real rtpengine): a caller waiting on a French number hears the
 * French position and wait prompts, and the announcement log names the French files.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { findQueueByName, updateQueueSettings } from "../../../db/queries/queues";
import { callRecords } from "../../../db/schema";
import { makePrompts } from "../../../server/hours/make-prompts";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

const SOUNDS = path.resolve("public/sounds");
let harness: Harness;

beforeAll(async () => {
  await makePrompts(SOUNDS);
  harness = await startHarness();
  await harness.cli("queue", "add", "Info");
  await harness.cli("number", "add", "3400", "--queue", "Info");
  await harness.cli("number", "set", "3400", "--language", "fr");
  const db = harness.hotline.services.database.db;
  const queue = await findQueueByName(db, "Info");
  await updateQueueSettings(db, queue!.id, { positionAnnounceEveryS: 15 });
  await harness.hotline.telephony!.syncQueues();
}, 120_000);
afterAll(() => harness?.stop());

it("a caller of a French number hears the French position and wait prompts", async () => {
  const result = await runSipp("caller-hangs-up-while-queued.xml", harness.sipTarget, { service: "3400", holdMs: 17_000, timeoutS: 40 });
  expect(result.code, result.stdout.slice(-1500)).toBe(0);
  const db = harness.hotline.services.database.db;
  const call = await waitUntil(
    "the record to close",
    async () => (await db.select().from(callRecords).where(eq(callRecords.dialedNumber, "3400")).orderBy(desc(callRecords.arrivedAt)).limit(1))[0],
    (c) => c !== undefined && c.outcome !== "in_progress",
  );
  const announcements = (await listCallEvents(db, call!.id)).filter((e) => e.type === "call.announcement").map((e) => e.data);
  expect(announcements).toEqual([{ announcement: "position", prompts: ["fr/position-1", "fr/wait-3"], position: 1, estimatedWaitMs: 180_000 }]);
  for (const prompt of ["fr/position-1", "fr/wait-3"]) expect(existsSync(path.join(SOUNDS, `${prompt}.wav`))).toBe(true);
}, 60_000);
