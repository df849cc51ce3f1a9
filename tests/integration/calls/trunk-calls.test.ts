/**
 * Calls from a SIP trunk (real SIPp) through the B2BUA and a real rtpengine to test operators on
 * the SIP WebSocket, with the call records checked in the database. One scenario per outcome.
 */
import dgram from "node:dgram";
import WebSocket from "ws";
import { desc, gte } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords, type CallRecord } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

let harness: Harness;

/** When the running test began: records are written behind, so "the latest call" must be one of this test's. */
let testStart = new Date(0);
beforeEach(() => {
  testStart = new Date();
});

async function latestCall(): Promise<CallRecord | undefined> {
  const [row] = await harness.hotline.services.database.db
    .select()
    .from(callRecords)
    .where(gte(callRecords.arrivedAt, testStart))
    .orderBy(desc(callRecords.arrivedAt))
    .limit(1);
  return row;
}

/** The newest call of this test, once `done` holds for it. */
async function thisTestsCall(what: string, done: (call: CallRecord) => boolean): Promise<CallRecord> {
  return (await waitUntil(what, latestCall, (call) => call !== undefined && done(call)))!;
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

    const call = await thisTestsCall("the call record to close", (c) => c.outcome !== "in_progress" && c.endedAt !== null);
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

  it("a caller nobody answers waits with music, never dropped, and hanging up is an abandoned call", async () => {
    // amina (from the first test) is paused, so nobody is available.
    await harness.hotline.telephony!.controller.dispatch({ type: "pause-requested", operatorId: String((await userId("amina"))), reason: "break" });
    const result = await runSipp("caller-hangs-up-while-queued.xml", harness.sipTarget, { holdMs: 3000 });
    expect(result.code, result.stdout.slice(-1500)).toBe(0);
    const call = await thisTestsCall("the record to close", (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "abandoned", endedBy: "caller", offers: 0 });
    expect(call.endedAt!.getTime() - call.queuedAt!.getTime()).toBeGreaterThan(2_500);
    await waitUntil("rtpengine to drop the call", rtpengineCalls, (calls) => calls.length === 0);
  }, 30_000);

  it("a caller who hangs up during the conversation ends the operator's leg too", async () => {
    const operator = await harness.operator("bilal");
    await harness.cli("queue", "member", "Support", "bilal");
    await operator.goAvailable();
    const result = await runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { extra: ["-rtp_echo"] });
    expect(result.code, result.stdout.slice(-1500)).toBe(0);
    await operator.waitFor(() => operator.current === undefined, "the operator's leg to end");
    const call = await thisTestsCall("the record to close", (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "answered", endedBy: "caller", operatorId: await userId("bilal") });
    await operator.waitFor(() => operator.state?.status === "wrap-up" || operator.state?.status === "available", "wrap-up after the call");
    await harness.hotline.telephony!.controller.dispatch({ type: "pause-requested", operatorId: String(await userId("bilal")), reason: "lunch" });
  }, 40_000);

  it("hold and resume by re-INVITE are answered with the mirrored direction and counted as hold time", async () => {
    const result = await runSipp("caller-holds-and-resumes.xml", harness.sipTarget);
    expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
    const call = await thisTestsCall("the record to close", (c) => c.outcome !== "in_progress");
    expect(call.holdMs).toBeGreaterThan(1_800);
    expect(call.holdMs).toBeLessThan(4_000);
    const events = (await listCallEvents(harness.hotline.services.database.db, call.id)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(["call.hold", "call.unhold"]));
  }, 30_000);

  it("an unknown number gets 404 and is recorded as rejected", async () => {
    const result = await runSipp("unknown-number-gets-404.xml", harness.sipTarget, { service: "9999" });
    expect(result.code, result.stdout.slice(-1500)).toBe(0);
    const call = await thisTestsCall("the record", (c) => c.dialedNumber === "9999" && c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "rejected", endReason: "unknown-number", queueId: null });
  });

  it("CANCEL before the answer gets 200 and the INVITE 487", async () => {
    // Hotline answers a caller within a millisecond or two, so a CANCEL that is to arrive first must leave in the
    // same instant as its INVITE: both datagrams are written in one tick (SIPp spaces its sends by its scheduler,
    // and then the answer sometimes wins the race, as a real caller's CANCEL may).
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const replies: string[] = [];
    socket.on("message", (m) => replies.push(m.toString()));
    const { port: local } = socket.address();
    const headers = (method: string) =>
      [
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-cancel-race;rport`,
        `From: "Test Caller" <sip:+15550001111@127.0.0.1:${local}>;tag=cancel-race`,
        `To: <sip:1000@127.0.0.1>`,
        `Call-ID: cancel-race@127.0.0.1`,
        `CSeq: 1 ${method}`,
        `Max-Forwards: 70`,
      ].join("\r\n");
    const sdp = `v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${local + 2} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;
    const target = harness.hotline.telephony!.b2bua.port;
    socket.send(`INVITE sip:1000@127.0.0.1 SIP/2.0\r\n${headers("INVITE")}\r\nContact: <sip:caller@127.0.0.1:${local}>\r\nContent-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`, target, "127.0.0.1");
    socket.send(`CANCEL sip:1000@127.0.0.1 SIP/2.0\r\n${headers("CANCEL")}\r\nContent-Length: 0\r\n\r\n`, target, "127.0.0.1");
    await waitUntil("the 487", () => replies.filter((r) => / 487 /.test(r.split("\r\n")[0]!)).length, (n) => n > 0, 5_000);
    const finals = replies.filter((r) => !r.startsWith("SIP/2.0 1")).map((r) => `${r.split(" ")[1]} ${/^CSeq: 1 (\w+)$/m.exec(r)?.[1]}`);
    expect(finals).toEqual(["200 CANCEL", "487 INVITE"]);
    const toTag = /^To: .*;tag=([^;\s]+)/m.exec(replies.find((r) => r.includes(" 487 "))!)?.[1];
    // §17.1.1.3: the caller acknowledges the 487 (same branch), ending the INVITE transaction.
    socket.send(`ACK sip:1000@127.0.0.1 SIP/2.0\r\n${headers("ACK").replace("To: <sip:1000@127.0.0.1>", `To: <sip:1000@127.0.0.1>;tag=${toTag}`)}\r\nContent-Length: 0\r\n\r\n`, target, "127.0.0.1");
    socket.close();
    const call = await thisTestsCall("the record", (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "abandoned", endedBy: "caller", endReason: "cancelled" });
    await waitUntil("no media session", rtpengineCalls, (calls) => calls.length === 0);
  });

  it("a retransmitted INVITE is absorbed: one call, not two", async () => {
    const result = await runSipp("retransmitted-invite-makes-one-call.xml", harness.sipTarget);
    expect(result.code, result.stderr).toBe(0);
    await thisTestsCall("the record to close", (c) => c.outcome !== "in_progress");
    expect(await harness.hotline.services.database.db.select().from(callRecords).where(gte(callRecords.arrivedAt, testStart))).toHaveLength(1);
  }, 30_000);

  it("answers a trunk's OPTIONS keep-alive with 200, over UDP and TCP", async () => {
    for (const transport of ["u1", "t1"] as const) {
      const result = await runSipp("options-ping-gets-200.xml", harness.sipTarget, { transport });
      expect(result.code, transport + result.stdout.slice(-1500)).toBe(0);
    }
  });

  it("answers malformed requests with 400, drops garbage, and keeps serving", async () => {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const replies: string[] = [];
    socket.on("message", (m) => replies.push(m.toString()));
    const port = harness.hotline.telephony!.b2bua.port;
    const { port: local } = socket.address();
    const send = (text: string) => socket.send(text.replace(/\n/g, "\r\n"), port, "127.0.0.1");
    send(`INVITE sip:1000@127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-bad1;rport\nFrom: <sip:x@y>;tag=1\nCall-ID: bad1\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Length: 0\n\n`); // no To
    send(`OPTIONS sip:127.0.0.1 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-bad2;rport\nFrom: <sip:x@y>;tag=1\nTo: <sip:y@z>\nCall-ID: bad2\nCSeq: nine OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n`);
    send("\u0000\u0001 definitely not SIP \u00ff");
    send("SIP/2.0 200 OK\nVia: nonsense\n\n");
    await waitUntil("two 400 answers", () => replies.length, (n) => n >= 2, 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(replies).toHaveLength(2);
    expect(replies.every((r) => r.startsWith("SIP/2.0 400 "))).toBe(true);
    socket.close();
    const after = await runSipp("options-ping-gets-200.xml", harness.sipTarget);
    expect(after.code).toBe(0);
  });

  it("refuses calls from addresses outside the trunk allow-list", async () => {
    const result = await runSipp("unknown-number-gets-404.xml", harness.sipTarget, { extra: ["-i", "127.0.0.2"] });
    // SIPp expected 404 and got 403: the scenario fails, and no call was created for 127.0.0.2.
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/403/);
  });
});

describe("the operators' SIP WebSocket", () => {
  it("refuses an upgrade without a session, or without the sip subprotocol", async () => {
    const url = `${harness.hotline.url.replace(/^http/, "ws")}/sip`;
    const status = (ws: WebSocket) =>
      new Promise<number>((resolve) => {
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => resolve(101));
        ws.on("error", () => resolve(-1));
      });
    expect(await status(new WebSocket(url, "sip"))).toBe(401);
    expect(await status(new WebSocket(url, "sip", { headers: { cookie: "hotline_session=forged-forged-forged-forged-forged-forged-for" } }))).toBe(401);
    const login = await harness.hotline.services.auth.login({ username: "amina", password: "amina-password", address: "127.0.0.1" });
    if (!login.ok) throw new Error("login failed");
    expect(await status(new WebSocket(url, "chat", { headers: { cookie: `hotline_session=${login.token}` } }))).toBe(400);
  });

  it("lets an operator register only their own address", async () => {
    const operator = await harness.operator("ines");
    operator.sendRegisterFor("someone-else");
    await operator.waitFor(() => operator.lastRegisterStatus === 403, "403 for a foreign AOR");
    await operator.stop();
  });
});

describe("no caller is lost when an offered operator does not answer", () => {
  beforeAll(async () => {
    await harness.cli("queue", "add", "Missed");
    await harness.cli("queue", "set", "Missed", "--ring-timeout", "5", "--wrap-up", "0");
    await harness.cli("number", "add", "3000", "--queue", "Missed");
  });

  async function twoOperators(first: string, second: string) {
    const a = await harness.operator(first);
    const b = await harness.operator(second);
    await harness.cli("queue", "member", "Missed", first);
    await harness.cli("queue", "member", "Missed", second);
    // `first` becomes available first, so longest-idle offers the call to them first.
    await a.goAvailable();
    await new Promise((r) => setTimeout(r, 50));
    await b.goAvailable();
    return [a, b] as const;
  }

  it("a ring timeout sends the caller to the next operator, and the record shows both offers", async () => {
    const [a, b] = await twoOperators("carla", "dmitri");
    a.mode = "ignore";
    const sipp = runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { service: "3000", timeoutS: 40, holdMs: 9000, extra: ["-rtp_echo"] });
    await a.waitFor(() => a.offers.length === 1, "the first offer");
    await b.waitFor(() => b.current !== undefined, "the second operator to be offered and answer", 15_000);
    const result = await sipp;
    expect(result.code, result.stdout.slice(-1500)).toBe(0);
    const call = await thisTestsCall("the record", (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "answered", offers: 2, operatorId: await userId("dmitri") });
    const events = await listCallEvents(harness.hotline.services.database.db, call.id);
    expect(events.filter((e) => e.type === "call.offered").map((e) => (e.data as { operatorIds: string[] }).operatorIds)).toEqual([
      [String(await userId("carla"))],
      [String(await userId("dmitri"))],
    ]);
    expect(events.find((e) => e.type === "call.offer-missed")?.data).toMatchObject({ why: "timeout" });
    for (const op of [a, b]) await op.stop();
  }, 60_000);

  it("an operator who closes the browser while ringing loses the call to the next one at once", async () => {
    const [a, b] = await twoOperators("eva", "farid");
    a.mode = "ignore";
    const started = Date.now();
    const sipp = runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { service: "3000", timeoutS: 40, holdMs: 9000, extra: ["-rtp_echo"] });
    await a.waitFor(() => a.offers.length === 1, "the first offer");
    a.crash();
    await b.waitFor(() => b.current !== undefined, "the second operator to answer");
    // Well before the 5 s ring timeout: the closed browser was noticed, not waited out.
    expect(Date.now() - started).toBeLessThan(4_500);
    const result = await sipp;
    expect(result.code, result.stdout.slice(-1500)).toBe(0);
    const call = await thisTestsCall("the record", (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "answered", offers: 2, operatorId: await userId("farid") });
    await b.stop();
  }, 60_000);

  it("an operator whose browser dies during the call does not drop the caller: the next operator gets them", async () => {
    const [a, b] = await twoOperators("ivan", "jade");
    const sipp = runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { service: "3000", timeoutS: 40, holdMs: 12000, extra: ["-rtp_echo"] });
    await a.waitFor(() => a.current !== undefined && a.rtpReceived > 20, "the first operator talking");
    a.crash();
    await b.waitFor(() => b.current !== undefined, "the caller to reach the second operator", 20_000);
    await b.waitFor(() => b.echoedBack > 20, "audio with the second operator");
    expect((await sipp).code).toBe(0);
    const call = await thisTestsCall("the record", (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "answered", offers: 2, operatorId: await userId("jade") });
    const events = (await listCallEvents(harness.hotline.services.database.db, call.id)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(["call.operator-leg-failed", "call.requeued"]));
    await b.stop();
  }, 60_000);

  it("a declined offer goes to the next operator", async () => {
    const [a, b] = await twoOperators("gaia", "hugo");
    a.mode = "decline";
    const sipp = runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { service: "3000", timeoutS: 40, holdMs: 9000, extra: ["-rtp_echo"] });
    await b.waitFor(() => b.current !== undefined, "the second operator to answer");
    expect((await sipp).code).toBe(0);
    const call = await thisTestsCall("the record", (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "answered", offers: 2, operatorId: await userId("hugo") });
    for (const op of [a, b]) await op.stop();
  }, 60_000);
});

async function userId(username: string): Promise<number> {
  const users = await harness.hotline.services.users.list();
  return users.find((u) => u.username === username)!.id;
}
