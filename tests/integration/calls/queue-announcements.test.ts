/**
 * A waiting caller (real SIPp, real rtpengine) hears their position and estimated wait at the queue's interval,
 * recorded in the call's event log with the prompts played.
 */
import { desc } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { findQueueByName, updateQueueSettings } from "../../../db/queries/queues";
import { callRecords } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Info");
  await harness.cli("number", "add", "3000", "--queue", "Info");
  const queue = await findQueueByName(harness.hotline.services.database.db, "Info");
  await updateQueueSettings(harness.hotline.services.database.db, queue!.id, { positionAnnounceEveryS: 15 });
  await harness.hotline.telephony!.syncQueues();
}, 60_000);
afterAll(() => harness?.stop());

it("a waiting caller hears their position and estimated wait every interval, without losing their place", async () => {
  const result = await runSipp("caller-hangs-up-while-queued.xml", harness.sipTarget, { service: "3000", holdMs: 17_000, timeoutS: 40 });
  expect(result.code, result.stdout.slice(-1500)).toBe(0);
  const db = harness.hotline.services.database.db;
  const call = await waitUntil(
    "the record to close",
    async () => (await db.select().from(callRecords).orderBy(desc(callRecords.arrivedAt)).limit(1))[0]!,
    (c) => c.outcome !== "in_progress",
  );
  expect(call.outcome).toBe("abandoned");
  const announcements = (await listCallEvents(db, call.id)).filter((e) => e.type === "call.announcement");
  // Alone in the queue with nobody staffed: position 1, one average handle time (3 minutes before any call).
  expect(announcements.map((e) => e.data)).toEqual([
    { announcement: "position", prompts: ["position-1", "wait-3"], position: 1, estimatedWaitMs: 180_000 },
  ]);
  const queuedAt = call.queuedAt!.getTime();
  expect(announcements[0]!.at.getTime() - queuedAt).toBeGreaterThanOrEqual(15_000);
}, 60_000);
