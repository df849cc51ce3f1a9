/**
 * Outbound calls from the desk through a real B2BUA, a real rtpengine and SIPp as the provider (UAS), with a scripted
 * test operator as the softphone: digest challenge, audio both ways, the record (direction, number, operator,
 * outcome, talk time), busy and no answer, the toll-fraud guard, and a callback logged on its request.
 */
import dgram from "node:dgram";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCallbackRequest } from "../../../db/queries/callback-requests";
import { callbackAttempts, callbackRequests, callRecords, queues, users, type CallRecord } from "../../../db/schema";
import { CallbackService } from "../../../server/callbacks/callback-service";
import { finishWrapUp } from "../../../server/desk/wrap-up-service";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { freePort } from "../../support/net";
import type { TestOperator } from "../../support/test-operator";
import { waitFor, waitUntil } from "../../support/wait";
import { startSippProvider } from "../telephony/sipp-provider";

let harness: Harness;
let proxyPort: number;
let operator: TestOperator;

beforeAll(async () => {
  proxyPort = await freePort();
  harness = await startHarness({
    TRUNK_OUTBOUND_PROXY: `127.0.0.1:${proxyPort}`,
    TRUNK_DOMAIN: "provider.test",
    TRUNK_USERNAME: "hotline-acct",
    TRUNK_PASSWORD: "s3cret-pw",
  });
  await harness.cli("queue", "add", "Sales");
  await harness.cli("number", "add", "+15550009999", "--queue", "Sales");
  await harness.cli("outbound", "allow", "0[1-9]*");
  operator = await harness.operator("olga");
  await harness.cli("queue", "member", "Sales", "olga");
  await operator.goAvailable();
}, 60_000);

afterAll(async () => {
  await harness?.stop();
});

const db = () => harness.hotline.services.database.db;

async function recordOf(sipCallId: string, done: (call: CallRecord) => boolean): Promise<CallRecord> {
  const read = async () => (await db().select().from(callRecords).where(eq(callRecords.sipCallId, sipCallId)))[0];
  return (await waitUntil(`the record of ${sipCallId}`, read, (call) => call !== undefined && done(call)))!;
}

const rtpengineCalls = () => harness.hotline.telephony!.pool.instances[0]!.client.list();

describe("outbound calls from the desk", () => {
  it("answered after a 401 challenge: audio both ways, the provider hangs up, recorded as outbound answered with talk time", async () => {
    const sipp = await startSippProvider("provider-answers-outbound-after-401-then-hangs-up.xml", "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
    const before = { received: operator.rtpReceived, echoed: operator.echoedBack };
    const call = operator.dial("01 42 00 00 00");
    await operator.waitFor(() => call.final !== undefined, "the answer");
    expect(call.final).toBe(200);
    expect(call.statuses).toContain(180);
    // While the call lasts the queues offer nothing: paused "outbound".
    await operator.waitFor(() => operator.state?.status === "paused" && operator.state.reason === "outbound", "paused for the outbound call");
    // Going available mid-call is refused: the queues would offer a call to a busy operator.
    expect(await operator.setStatus({ status: "available" })).toEqual({ ok: false, error: "on an outbound call" });
    // The operator's voice reached SIPp and came back through rtpengine (-rtp_echo): both directions.
    await operator.waitFor(() => operator.echoedBack - before.echoed > 25, "audio echoed back");
    expect(operator.rtpReceived - before.received).toBeGreaterThan(25);
    // The provider's BYE is answered and reaches the operator.
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    await operator.waitFor(() => operator.current === undefined, "the provider's BYE", 5_000);
    const record = await recordOf(call.callId, (r) => r.outcome !== "in_progress");
    expect(record).toMatchObject({ direction: "outbound", outcome: "answered", dialedNumber: "0142000000", callerNumber: "+15550009999", endedBy: "caller" });
    expect(record.operatorId).not.toBeNull();
    // The queue whose number the provider showed: its topics are the wrap-up's.
    const [sales] = await db().select().from(queues).where(eq(queues.name, "Sales"));
    expect(record.queueId).toBe(sales!.id);
    const talkMs = record.endedAt!.getTime() - record.answeredAt!.getTime();
    expect(talkMs).toBeGreaterThan(1500);
    expect(talkMs).toBeLessThan(6000);
    // After-call work, as after an inbound call: wrap-up (Sales, the caller ID's queue: 10 s by default) until Done,
    // which files the form on the outbound record and ends the wrap-up early.
    await operator.waitFor(() => operator.state?.status === "wrap-up", "wrap-up after the answered call");
    const done = await finishWrapUp(db(), record.operatorId!, { callId: record.id, outcomeDetail: "callback-promised", notes: "Called back about the invoice" }, new Date());
    expect(done).toEqual({ ok: true, value: { callId: record.id } });
    harness.hotline.services.onWrapUpDone!(record.operatorId!);
    await operator.waitFor(() => operator.state?.status === "available", "available again after Done");
    const filed = await recordOf(call.callId, (r) => r.wrapUpEndedAt !== null);
    expect(filed).toMatchObject({ outcomeDetail: "callback-promised", notes: "Called back about the invoice" });
    expect(filed.wrapUpEndedAt!.getTime()).toBeGreaterThanOrEqual(filed.endedAt!.getTime());
    await waitFor("rtpengine session deleted", async () => (await rtpengineCalls()).length === 0);
  });

  it("busy (486) is relayed to the operator and recorded as busy", async () => {
    const sipp = await startSippProvider("outbound-invite-gets-486.xml", "UDP", { port: proxyPort });
    const call = operator.dial("0612345678");
    await operator.waitFor(() => call.final !== undefined, "the final response");
    expect(call.final).toBe(486);
    expect(call.statuses).toContain(180);
    expect((await sipp.done).code).toBe(0);
    const record = await recordOf(call.callId, (r) => r.outcome !== "in_progress");
    expect(record).toMatchObject({ direction: "outbound", outcome: "busy", answeredAt: null, dialedNumber: "0612345678" });
    // An unanswered attempt gives no wrap-up: available at once.
    await operator.waitFor(() => operator.state?.status === "available", "available again");
    expect(operator.state?.reason).not.toBe("outbound-call-ended");
  });

  it("no answer (480 after ringing) is recorded as no_answer", async () => {
    const sipp = await startSippProvider("outbound-invite-rings-then-gets-480.xml", "UDP", { port: proxyPort });
    const call = operator.dial("0612345679");
    await operator.waitFor(() => call.final !== undefined, "the final response");
    expect(call.final).toBe(480);
    expect((await sipp.done).code).toBe(0);
    const record = await recordOf(call.callId, (r) => r.outcome !== "in_progress");
    expect(record).toMatchObject({ outcome: "no_answer", answeredAt: null });
  });

  it("the operator hanging up while it rings cancels the trunk leg (CANCEL, 487), recorded as no_answer by the operator", async () => {
    const sipp = await startSippProvider("outbound-invite-rings-until-cancelled.xml", "UDP", { port: proxyPort });
    const call = operator.dial("0612345670");
    await operator.waitFor(() => call.statuses.includes(180), "ringing");
    operator.cancelDial();
    await operator.waitFor(() => call.final !== undefined, "the final response");
    expect(call.final).toBe(487);
    const result = await sipp.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const record = await recordOf(call.callId, (r) => r.outcome !== "in_progress");
    expect(record).toMatchObject({ outcome: "no_answer", endedBy: "operator", answeredAt: null });
    await operator.waitFor(() => operator.state?.status === "available", "available again");
  });

  it("a number outside the allow-list gets 403 and never reaches the provider", async () => {
    const provider = dgram.createSocket("udp4");
    let datagrams = 0;
    provider.on("message", () => datagrams++);
    await new Promise<void>((resolve) => provider.bind(proxyPort, "127.0.0.1", resolve));
    try {
      for (const number of ["0012125550100", "+12125550100", "0899123456x"]) {
        const call = operator.dial(number);
        await operator.waitFor(() => call.final !== undefined, `the refusal of ${number}`);
        expect(call.final, number).toBe(403);
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(datagrams).toBe(0);
    } finally {
      provider.close();
    }
    expect(harness.hotline.telephony!.outbound.activeCalls).toBe(0);
  });

  it("placeTrunkCall (for transfers to numbers) checks the allow-list and reports the trunk's answer", async () => {
    const outbound = harness.hotline.telephony!.outbound;
    const offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";
    const refused = await outbound.placeTrunkCall({ number: "+12125550100", role: "operator", operatorId: 1, sdp: offer, events: {} });
    expect(refused).toEqual({ ok: false, reason: "not-allowed" });
    const sipp = await startSippProvider("outbound-invite-gets-486.xml", "UDP", { port: proxyPort });
    const failures: number[] = [];
    const placed = await outbound.placeTrunkCall({ number: "0612345677", role: "operator", operatorId: 1, sdp: offer, events: { onFailed: (f) => failures.push(f.status) } });
    expect(placed.ok).toBe(true);
    await waitFor("the trunk's 486", () => failures.length > 0);
    expect(failures).toEqual([486]);
    expect((await sipp.done).code).toBe(0);
  });

  it("a callback claimed from the list is dialled by the desk, answered (the provider's session refresh answered), logged as an attempt and closed", async () => {
    const request = await insertCallbackRequest(db(), { callId: null as unknown as string, queueId: null, callerNumber: "0155550000", reason: "max-wait", requestedAt: new Date() });
    const callbacks = new CallbackService(db(), Date.now);
    await harness.cli("user", "add", "bruno", "--role", "operator", "--password", "bruno-password-1");
    const [olga] = await db().select().from(users).where(eq(users.username, "olga"));
    const [bruno] = await db().select().from(users).where(eq(users.username, "bruno"));
    // Two operators never call the same person: bruno's claim on another request keeps olga off it.
    const taken = await insertCallbackRequest(db(), { callId: null as unknown as string, queueId: null, callerNumber: "0155550001", reason: "max-wait", requestedAt: new Date() });
    const noDial = async () => true;
    const allowed = { deskOpen: async () => true, mayCall: async () => ({ ok: true as const }) };
    expect(await callbacks.startCallback(bruno!.id, { requestId: taken.id }, noDial, allowed)).toEqual({ ok: true, requestId: taken.id });
    expect(await callbacks.startCallback(olga!.id, { requestId: taken.id }, noDial, allowed)).toEqual({ ok: false, error: "taken" });
    // Nor may olga dial bruno's callback from her softphone.
    const stolen = operator.dial("0155550001", { callbackId: taken.id });
    await operator.waitFor(() => stolen.final !== undefined, "the refusal");
    expect(stolen.final).toBe(403);

    let dialRequest: { number: string; callbackId: number } | undefined;
    const started = await callbacks.startCallback(olga!.id, { requestId: request.id }, async (r) => {
      dialRequest = r;
      return true;
    }, allowed);
    expect(started).toEqual({ ok: true, requestId: request.id });
    expect(dialRequest).toEqual({ number: "0155550000", callbackId: request.id });

    const sipp = await startSippProvider("provider-answers-outbound-after-401-operator-hangs-up.xml", "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
    const call = operator.dial(dialRequest!.number, { callbackId: dialRequest!.callbackId });
    await operator.waitFor(() => call.final === 200, "the answer");
    await operator.waitFor(() => operator.echoedBack > 0, "audio");
    // The provider's session refresh (UPDATE) is answered while the call goes on.
    await new Promise((resolve) => setTimeout(resolve, 500));
    operator.hangupDialled();
    expect((await sipp.done).code).toBe(0);
    const record = await recordOf(call.callId, (r) => r.outcome !== "in_progress");
    expect(record).toMatchObject({ outcome: "answered", endedBy: "operator", dialedNumber: "0155550000" });
    const attempts = await waitUntil("the attempt", () => db().select().from(callbackAttempts).where(eq(callbackAttempts.requestId, request.id)), (rows) => rows.length === 1);
    expect(attempts[0]).toMatchObject({ outcome: "answered", callId: record.id, operatorId: olga!.id });
    const [closed] = await db().select().from(callbackRequests).where(eq(callbackRequests.id, request.id));
    expect(closed).toMatchObject({ doneBy: olga!.id, assignedTo: olga!.id });
    expect(closed!.doneAt).not.toBeNull();
  });
});
