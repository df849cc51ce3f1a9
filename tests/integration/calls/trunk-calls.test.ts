/**
 * Calls from a SIP trunk (real SIPp) through the B2BUA and a real rtpengine to test operators on
 * the SIP WebSocket, with the call records checked in the database. One scenario per outcome.
 */
import dgram from "node:dgram";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords, type CallRecord } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";

let harness: Harness;

async function latestCall(): Promise<CallRecord> {
  const [row] = await harness.hotline.services.database.db.select().from(callRecords).orderBy(desc(callRecords.arrivedAt)).limit(1);
  return row!;
}

async function waitUntil<T>(what: string, read: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const rtpengineCalls = () => harness.hotline.telephony!.pool.instances[0]!.client.list();

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Support");
  await harness.cli("number", "add", "1000", "--queue", "Support");
}, 60_000);
afterAll(() => harness?.stop());

describe("calls from a SIP trunk", () => {
  it("an answered call carries audio both ways and is recorded with its wait and talk times", async () => {
    const operator = await harness.operator("amina");
    await harness.cli("queue", "member", "Support", "amina");
    await operator.goAvailable();

    const sipp = runSipp("answered-call-operator-hangs-up.xml", harness.sipTarget, { extra: ["-rtp_echo"], timeoutS: 40 });
    await operator.waitFor(() => operator.current !== undefined, "the call to ring and be answered");
    expect(operator.offers[0]?.caller).toBe("+15550001111");
    const answeredAt = Date.now();
    // The caller's audio (SIPp's G.711 recording, and the echo of the operator's own voice,
    // which proves the trunk received it) reaches the operator through rtpengine.
    await operator.waitFor(() => operator.rtpReceived - operator.echoedBack > 100, "caller audio at the operator", 20_000);
    await operator.waitFor(() => operator.echoedBack > 50, "the operator's voice echoed back by the trunk", 20_000);
    operator.hangup();
    const result = await sipp;
    expect(result.code, result.stdout.slice(-2000) + result.stderr).toBe(0);

    const call = await waitUntil("the call record to close", latestCall, (c) => c.outcome !== "in_progress" && c.endedAt !== null);
    expect(call).toMatchObject({ outcome: "answered", callerNumber: "+15550001111", dialedNumber: "1000", endedBy: "operator", offers: 1 });
    const waitMs = call.answeredAt!.getTime() - call.queuedAt!.getTime();
    const talkMs = call.endedAt!.getTime() - call.answeredAt!.getTime();
    expect(waitMs).toBeGreaterThanOrEqual(0);
    expect(waitMs).toBeLessThan(5_000);
    expect(talkMs).toBeGreaterThan(1_000);
    expect(Math.abs(call.answeredAt!.getTime() - answeredAt)).toBeLessThan(2_000);
    const events = (await listCallEvents(harness.hotline.services.database.db, call.id)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(["call.arrived", "call.caller-entered", "call.offered", "call.answered", "call.finished"]));
    await waitUntil("rtpengine to drop the call", rtpengineCalls, (calls) => calls.length === 0);
    await operator.waitFor(() => operator.state?.status === "wrap-up" || operator.state?.status === "available", "wrap-up");
  }, 60_000);
});
