/**
 * The caller menu on the call path (real SIPp as the trunk, real rtpengine): the menu is played in the number's
 * language, a caller who presses 2 as RFC 4733 telephone events (reported by rtpengine's DTMF log) or by SIP INFO
 * (application/dtmf-relay) is routed to the second option's queue; one who presses the callback option leaves a
 * callback request for the number's queue and is not queued. (Timeouts, repeats and the default are unit-tested:
 * tests/unit/calls/call-menu.test.ts.)
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { requestCallbacksOfLostPlaces } from "../../../db/queries/callback-requests";
import { listCallEvents } from "../../../db/queries/calls";
import { findQueueByName } from "../../../db/queries/queues";
import { callbackRequests, callRecords } from "../../../db/schema";
import { makePrompts } from "../../../server/hours/make-prompts";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

const SOUNDS = path.resolve("public/sounds");
let harness: Harness;
let support: number;
let billing: number;

beforeAll(async () => {
  await makePrompts(SOUNDS);
  harness = await startHarness();
  await harness.cli("queue", "add", "Support");
  await harness.cli("queue", "add", "Billing");
  for (const number of ["5300", "5301", "5302", "5303"]) {
    await harness.cli("number", "add", number, "--queue", "Support");
    await harness.cli("number", "menu", number, "--option", "1=queue:Support", "--option", "2=queue:Billing", "--option", "9=callback");
  }
  await harness.cli("number", "set", "5302", "--language", "fr");
  const db = harness.hotline.services.database.db;
  support = (await findQueueByName(db, "Support"))!.id;
  billing = (await findQueueByName(db, "Billing"))!.id;
  await harness.hotline.telephony!.syncQueues();
}, 120_000);
afterAll(() => harness?.stop());

async function menuCall(scenario: string, number: string, holdMs: number) {
  const result = await runSipp(scenario, harness.sipTarget, { service: number, holdMs, timeoutS: 40 });
  expect(result.code, result.stdout.slice(-1500)).toBe(0);
  const db = harness.hotline.services.database.db;
  const call = await waitUntil(
    "the record to close",
    async () => (await db.select().from(callRecords).where(eq(callRecords.dialedNumber, number)).orderBy(desc(callRecords.arrivedAt)).limit(1))[0],
    (c) => c !== undefined && c.outcome !== "in_progress" && c.endedAt !== null,
  );
  const events = await listCallEvents(db, call!.id);
  return { call: call!, events };
}

it("digit 2 as RFC 4733 events routes the caller to the second queue", async () => {
  // The caller stays 4 s after the digit: rtpengine reports an RFC 4733 digit when its event ends, and a caller who
  // hangs up before that report arrives is gone with it (one run under load lost the digit with 1.5 s).
  const { call, events } = await menuCall("caller-presses-2-by-rfc4733-then-hangs-up.xml", "5300", 4000);
  expect(events.find((e) => e.type === "call.dtmf")?.data).toEqual({ digit: "2", via: "rfc4733" });
  expect(events.find((e) => e.type === "call.menu-choice")?.data).toEqual({ digit: "2", action: { kind: "queue", queueName: "Billing" } });
  const menu = events.find((e) => e.type === "call.announcement")?.data as { prompts: string[] };
  expect(menu).toMatchObject({ announcement: "menu", round: 0 });
  expect(menu.prompts).toHaveLength(3);
  expect(menu.prompts[2]).toBe("en/menu-callback-9");
  // The engine queued the caller in Billing, not in the number's Support queue.
  expect(call.queueId).toBe(billing);
  expect(call).toMatchObject({ outcome: "abandoned", endedBy: "caller" });
}, 60_000);

it("digit 2 by SIP INFO works too", async () => {
  const { call, events } = await menuCall("caller-presses-2-by-info-then-hangs-up.xml", "5301", 1500);
  expect(events.find((e) => e.type === "call.dtmf")?.data).toEqual({ digit: "2", via: "info" });
  expect(call.queueId).toBe(billing);
}, 60_000);

it("a French number speaks its menu in French", async () => {
  const { call, events } = await menuCall("caller-presses-2-by-info-then-hangs-up.xml", "5302", 500);
  const menu = events.find((e) => e.type === "call.announcement")?.data as { prompts: string[] };
  expect(menu.prompts[2]).toBe("fr/menu-callback-9");
  expect(call.queueId).toBe(billing);
  expect(support).not.toBe(billing);
}, 60_000);

it("the callback option keeps the caller's place: the request comes when their turn does", async () => {
  // Nobody serves Support: the place waits (the engine's own tests cover the turn coming behind other callers).
  const db = harness.hotline.services.database.db;
  const result = await runSipp("caller-presses-9-by-info-then-hangs-up.xml", harness.sipTarget, { service: "5303", holdMs: 1000, timeoutS: 40 });
  expect(result.code, result.stdout.slice(-1500)).toBe(0);
  const call = await waitUntil(
    "the caller to have left",
    async () => (await db.select().from(callRecords).where(eq(callRecords.dialedNumber, "5303")))[0],
    (c) => c?.endReason === "menu-callback",
  );
  expect(call).toMatchObject({ outcome: "in_progress", queueId: support, queuedAt: expect.any(Date) });
  expect(await db.select().from(callbackRequests).where(eq(callbackRequests.callId, call!.id))).toEqual([]);
  // An operator of Support comes: the place is at the head, so its callback request is made (no offer, no ringing).
  const amina = await harness.operator("amina");
  await harness.cli("queue", "member", "Support", "amina");
  await amina.goAvailable();
  const requests = await waitUntil("the callback request", () => db.select().from(callbackRequests).where(eq(callbackRequests.callId, call!.id)), (r) => r.length === 1);
  expect(requests[0]).toMatchObject({ queueId: support, callerNumber: "+15550001111", reason: "callback-turn" });
  const events = await listCallEvents(db, call!.id);
  expect(events.find((e) => e.type === "call.menu-choice")?.data).toEqual({ digit: "9", action: { kind: "callback" } });
}, 60_000);

it("after a restart, a menu caller whose kept place was lost gets their callback request", async () => {
  const db = harness.hotline.services.database.db;
  const id = randomUUID();
  await db.insert(callRecords).values({ id, callerNumber: "+15550002222", dialedNumber: "5303", queueId: support, arrivedAt: new Date(), slThresholdS: 20, shortAbandonS: 5, endReason: "menu-callback" });
  expect(await requestCallbacksOfLostPlaces(db, new Date())).toBe(1);
  expect(await db.select().from(callbackRequests).where(eq(callbackRequests.callId, id))).toMatchObject([{ queueId: support, callerNumber: "+15550002222", reason: "menu" }]);
});
