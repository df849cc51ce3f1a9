/**
 * Issue 9 against a real rtpengine, a scripted trunk (SIP over UDP, plain RTP counted packet by packet) and scripted
 * operators on the SIP WebSocket (plain RTP instead of WebRTC): hold plays music to the caller and nobody hears the
 * other meanwhile; the keypad's digits reach the trunk as RFC 4733 telephone-events; a blind transfer to a queue is
 * answered by a second operator with audio both ways; a transfer to an operator who does not answer brings the
 * caller back, never dropped.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callSegments } from "../../../server/calls/call-segments";
import { callRecords, queues, users } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts, type PeerDialog } from "../../support/sip-peer";
import type { TestOperator } from "../../support/test-operator";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let amina: TestOperator;
let bilal: TestOperator;
let supportQueueId: number;
let bilalId: number;
const target = () => ({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Sales");
  await harness.cli("queue", "set", "Sales", "--wrap-up", "0", "--ring-timeout", "5");
  await harness.cli("queue", "add", "Support");
  await harness.cli("queue", "set", "Support", "--wrap-up", "0");
  await harness.cli("number", "add", "1000", "--queue", "Sales");
  amina = await harness.operator("amina");
  bilal = await harness.operator("bilal");
  await harness.cli("queue", "member", "Sales", "amina");
  await harness.cli("queue", "member", "Support", "bilal");
  const db = harness.hotline.services.database.db;
  supportQueueId = (await db.select().from(queues).where(eq(queues.name, "Support")))[0]!.id;
  bilalId = (await db.select().from(users).where(eq(users.username, "bilal")))[0]!.id;
}, 60_000);
afterAll(() => harness?.stop());

async function free(operator: TestOperator): Promise<void> {
  await operator.waitFor(() => operator.current === undefined, "the operator to be free");
  await operator.goAvailable();
}

/** A trunk call to 1000 answered by amina, media flowing both ways. */
async function talkingToAmina(): Promise<{ peer: SipPeer; media: RtpEndpoint; dialog: PeerDialog; callId: string }> {
  await free(amina);
  await bilal.setStatus({ status: "paused", reason: "break" });
  const peer = await SipPeer.udp(target());
  const media = await RtpEndpoint.open();
  const dialog = peer.invite({ sdp: audioSdp(media.port) });
  const ok = await peer.answered(dialog);
  peer.ack(dialog);
  const relay = sdpFacts(ok.body);
  media.startSending({ address: relay.address, port: relay.port });
  await amina.waitFor(() => amina.current !== undefined, "amina to answer");
  const voice = media.operatorVoice;
  await waitUntil("amina's voice at the caller", () => media.operatorVoice, (n) => n - voice > 10, 5000);
  const [row] = await waitUntil("the record", () => harness.hotline.services.database.db.select().from(callRecords).where(eq(callRecords.sipCallId, dialog.callId)), (rows) => rows.length > 0);
  return { peer, media, dialog, callId: row!.id };
}

async function hangUp(peer: SipPeer, dialog: PeerDialog): Promise<void> {
  const bye = peer.request(dialog, "BYE");
  expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("hold: the caller hears hold music, nobody hears the other, and the hold time reaches the record", async () => {
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    expect(await amina.callRequest({ action: "hold" })).toEqual({ ok: true });
    await waitUntil("amina's desk to show the hold", () => amina.state?.call?.state, (s) => s === "held", 5000);
    await sleep(400);
    const [received, voice, heardByAmina] = [media.received, media.operatorVoice, amina.rtpReceived];
    await sleep(1500);
    // Music: about 50 packets a second reach the caller, none of them amina's voice; amina hears nothing of the caller.
    expect(media.received - received).toBeGreaterThan(40);
    expect(media.operatorVoice - voice).toBe(0);
    expect(amina.rtpReceived - heardByAmina).toBeLessThan(5);
    expect(await amina.callRequest({ action: "resume" })).toEqual({ ok: true });
    const back = media.operatorVoice;
    await waitUntil("amina's voice again", () => media.operatorVoice, (n) => n - back > 10, 5000);
    const heard = amina.rtpReceived;
    await amina.waitFor(() => amina.rtpReceived - heard > 10, "the caller's voice at amina again");
    await hangUp(peer, dialog);
    const record = await waitUntil("the hold time", async () => (await harness.hotline.services.database.db.select().from(callRecords).where(eq(callRecords.id, callId)))[0], (r) => (r?.holdMs ?? 0) > 0 && r?.endedAt !== null, 5000);
    expect(record!.holdMs).toBeGreaterThanOrEqual(1500);
    const types = (await listCallEvents(harness.hotline.services.database.db, callId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["call.held", "call.resumed"]));
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("keypad: a digit reaches the trunk as RFC 4733 telephone-events", async () => {
  const { peer, media, dialog } = await talkingToAmina();
  try {
    const before = media.payloadTypes.get(101) ?? 0;
    expect(await amina.callRequest({ action: "dtmf", digit: "5" })).toEqual({ ok: true });
    await waitUntil("telephone-event packets at the trunk", () => media.payloadTypes.get(101) ?? 0, (n) => n - before >= 3, 5000);
    // The first digit turned rtpengine's DTMF injection on for this call (calls start without it): a second digit
    // goes the same way, and both still hear each other.
    const [second, voice, heardByAmina] = [media.payloadTypes.get(101) ?? 0, media.operatorVoice, amina.rtpReceived];
    expect(await amina.callRequest({ action: "dtmf", digit: "#" })).toEqual({ ok: true });
    await waitUntil("the second digit at the trunk", () => media.payloadTypes.get(101) ?? 0, (n) => n - second >= 3, 5000);
    await waitUntil("amina's voice at the caller", () => media.operatorVoice, (n) => n - voice > 10, 5000);
    await waitUntil("the caller's voice at amina", () => amina.rtpReceived, (n) => n - heardByAmina > 10, 5000);
    expect(await amina.callRequest({ action: "dtmf", digit: "x" })).toEqual({ ok: false, error: "invalid request" });
    await hangUp(peer, dialog);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("blind transfer to a queue: the caller waits with music and a second operator answers, with audio both ways", async () => {
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await bilal.goAvailable();
    expect(await amina.callRequest({ action: "transfer", target: { kind: "queue", queueId: supportQueueId } })).toEqual({ ok: true });
    await amina.waitFor(() => amina.current === undefined, "amina's leg to end");
    await bilal.waitFor(() => bilal.current !== undefined, "bilal to answer");
    const voice = media.operatorVoice;
    await waitUntil("bilal's voice at the caller", () => media.operatorVoice, (n) => n - voice > 10, 5000);
    const heard = bilal.rtpReceived;
    await bilal.waitFor(() => bilal.rtpReceived - heard > 10, "the caller's voice at bilal");
    await hangUp(peer, dialog);
    const events = await waitUntil("the transfer in the log", () => listCallEvents(harness.hotline.services.database.db, callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    const answered = events.filter((e) => e.type === "call.answered").map((e) => e.operatorId);
    expect(answered).toHaveLength(2);
    expect(events.find((e) => e.type === "call.transferred")).toMatchObject({ operatorId: answered[0] });
    // The record's segments: amina until the transfer, then bilal until the end.
    expect(callSegments(events).map((segment) => [segment.operatorId, segment.endedBy])).toEqual([
      [answered[0], "transfer"],
      [bilalId, "call-ended"],
    ]);
    await bilal.setStatus({ status: "paused", reason: "break" });
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("a transfer to an operator who does not answer brings the caller back to the queue, never dropped", async () => {
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await bilal.goAvailable();
    bilal.mode = "ignore";
    expect(await amina.callRequest({ action: "transfer", target: { kind: "operator", userId: bilalId } })).toEqual({ ok: true });
    await bilal.waitFor(() => bilal.offers.length > 0, "bilal's phone to ring");
    await amina.waitFor(() => amina.current === undefined, "amina's leg to end");
    // The ring timeout (5 s) passes: the caller is back at the head of Sales, and amina (free again) gets it.
    await amina.waitFor(() => amina.current !== undefined, "the caller back at amina", 15_000);
    const voice = media.operatorVoice;
    await waitUntil("amina's voice at the caller again", () => media.operatorVoice, (n) => n - voice > 10, 5000);
    await hangUp(peer, dialog);
    const events = await listCallEvents(harness.hotline.services.database.db, callId);
    expect(events.find((e) => e.type === "call.requeued" && (e.data as { why?: string }).why === "transfer-unanswered")).toBeDefined();
  } finally {
    bilal.mode = "answer";
    media.close();
    peer.close();
  }
}, 50_000);
