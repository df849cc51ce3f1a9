/**
 * Consultation of a colleague (attended transfer to another operator, issue 9) against a real B2BUA and rtpengine
 * 10.5, with two scripted operators on the SIP WebSocket (plain RTP, their voice marked) and a scripted trunk caller:
 * amina consults ben (her second session rings ben's softphone as an internal call on its own rtpengine call; the
 * caller holds with music), then completes (the caller is transferred to ben, whose offer says
 * `X-Hotline-Auto-Answer: consult`; packets flow both ways between the caller and ben) or cancels (ben gets BYE, amina
 * talks to the caller again).
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords, queues, users } from "../../../db/schema";
import { callSegments } from "../../../server/calls/call-segments";
import type { TransferTargetRef } from "../../../server/realtime/events";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts, type PeerDialog } from "../../support/sip-peer";
import type { TestOperator } from "../../support/test-operator";
import { waitFor, waitUntil } from "../../support/wait";

let harness: Harness;
let amina: TestOperator;
let ben: TestOperator;
let aminaId: number;
let benId: number;
let supportId: number;
const target = () => ({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
const db = () => harness.hotline.services.database.db;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Sales");
  await harness.cli("queue", "set", "Sales", "--wrap-up", "0", "--ring-timeout", "5");
  await harness.cli("queue", "add", "Support");
  await harness.cli("queue", "set", "Support", "--wrap-up", "0");
  await harness.cli("number", "add", "1000", "--queue", "Sales");
  amina = await harness.operator("amina");
  ben = await harness.operator("ben");
  await harness.cli("queue", "member", "Sales", "amina");
  // Ben serves another queue: only a consultation or a transfer brings him a Sales caller.
  await harness.cli("queue", "member", "Support", "ben");
  aminaId = (await db().select().from(users).where(eq(users.username, "amina")))[0]!.id;
  benId = (await db().select().from(users).where(eq(users.username, "ben")))[0]!.id;
  supportId = (await db().select().from(queues).where(eq(queues.name, "Support")))[0]!.id;
}, 60_000);
afterAll(() => harness?.stop());

/** A trunk call answered by amina, media flowing; ben available. */
async function talkingToAmina(): Promise<{ peer: SipPeer; media: RtpEndpoint; dialog: PeerDialog; callId: string }> {
  await amina.waitFor(() => amina.current === undefined, "amina to be free");
  await ben.waitFor(() => ben.current === undefined, "ben to be free");
  await amina.goAvailable();
  await ben.goAvailable();
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
  const [row] = await waitUntil("the record", () => db().select().from(callRecords).where(eq(callRecords.sipCallId, dialog.callId)), (rows) => rows.length > 0);
  return { peer, media, dialog, callId: row!.id };
}

/**
 * Amina consults ben (named, or as the Support queue's next free operator): his softphone rings as an internal call,
 * both hear each other, the caller hears music only.
 */
async function consultingBen(media: RtpEndpoint, callId: string, via: "operator" | "queue" = "operator"): Promise<void> {
  const offers = ben.offers.length;
  const target: TransferTargetRef = via === "operator" ? { kind: "operator", userId: benId } : { kind: "queue", queueId: supportId };
  expect(await amina.callRequest({ action: "consult", target })).toEqual({ ok: true });
  await waitUntil("amina's desk to show the consultation", () => amina.state?.call?.state, (s) => s === "consulting", 5000);
  const second = amina.dial("consult", { consultOf: callId });
  await amina.waitFor(() => second.final !== undefined, "the consultation's answer", 8000);
  expect(second.final).toBe(200);
  const offer = ben.offers[offers]!;
  expect(offer.invite.headers.get("X-Hotline-Consult-From")).toBe("amina");
  expect(offer.invite.headers.get("X-Hotline-Auto-Answer")).toBeUndefined();
  // Busy for the queues while consulted.
  await waitUntil("ben paused for the consultation", () => ben.state?.status, (s) => s === "paused", 3000);
  const [atBen, echoAtAmina] = [ben.rtpReceived, amina.echoedBack];
  await ben.waitFor(() => ben.rtpReceived - atBen > 25, "amina's voice at ben", 5000);
  await amina.waitFor(() => amina.echoedBack - echoAtAmina > 25, "ben's voice at amina", 5000);
  // The caller hears music, not the consultation.
  const voice = media.operatorVoice;
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(media.operatorVoice - voice).toBe(0);
}

it("consult a colleague then complete: the caller talks to ben (auto-answered), amina leaves, packets both ways", async () => {
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await consultingBen(media, callId);
    const offers = ben.offers.length;
    expect(await amina.callRequest({ action: "consult-complete" })).toEqual({ ok: true });
    await ben.waitFor(() => ben.offers.length > offers && ben.current?.invite === ben.offers.at(-1)?.invite, "the transferred caller at ben", 8000);
    expect(ben.offers.at(-1)!.invite.headers.get("X-Hotline-Auto-Answer")).toBe("consult");
    expect(ben.offers.at(-1)!.callId).toBe(callId);
    await amina.waitFor(() => amina.current === undefined && amina.parked === undefined, "amina's sessions to end", 5000);
    const [voice, atBen] = [media.operatorVoice, ben.rtpReceived];
    await waitUntil("ben's voice at the caller", () => media.operatorVoice, (n) => n - voice > 25, 5000);
    await ben.waitFor(() => ben.rtpReceived - atBen > 25, "the caller's audio at ben", 5000);
    await waitUntil("ben on the call", () => ben.state?.status, (s) => s === "on-call", 3000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    expect(events.find((e) => e.type === "call.consulted")?.data).toMatchObject({ operatorTarget: benId });
    expect(events.find((e) => e.type === "call.consult-ended")?.data).toMatchObject({ operatorTarget: benId, reason: "completed" });
    expect(callSegments(events).map((s) => [s.operatorId, s.endedBy])).toEqual([
      [aminaId, "transfer"],
      [benId, "call-ended"],
    ]);
    await waitFor("rtpengine sessions deleted", async () => (await harness.hotline.telephony!.pool.instances[0]!.client.list()).length === 0);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("consult a colleague then cancel: ben gets BYE and is available again, amina talks to the caller again", async () => {
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await consultingBen(media, callId);
    expect(await amina.callRequest({ action: "consult-cancel" })).toEqual({ ok: true });
    await ben.waitFor(() => ben.current === undefined, "ben's BYE", 5000);
    await amina.waitFor(() => amina.parked === undefined && amina.current !== undefined, "amina back on the call", 5000);
    await waitUntil("ben available again", () => ben.state?.status, (s) => s === "available", 3000);
    const voice = media.operatorVoice;
    await waitUntil("amina's voice at the caller again", () => media.operatorVoice, (n) => n - voice > 25, 5000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    expect(events.find((e) => e.type === "call.consult-ended")?.data).toMatchObject({ operatorTarget: benId, reason: "cancelled" });
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("consult the Support queue: its free operator (ben) rings, then cancel; nobody free: queue-busy", async () => {
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await consultingBen(media, callId, "queue");
    expect(await amina.callRequest({ action: "consult-cancel" })).toEqual({ ok: true });
    await ben.waitFor(() => ben.current === undefined, "ben's BYE", 5000);
    await amina.waitFor(() => amina.parked === undefined && amina.current !== undefined, "amina back on the call", 5000);
    await waitUntil("ben available again", () => ben.state?.status, (s) => s === "available", 3000);
    // Ben, Support's only member, goes on a break: nobody in Support is free, the caller stays with amina.
    expect(await ben.setStatus({ status: "paused", reason: "break" })).toMatchObject({ ok: true });
    await waitUntil("ben on a break", () => ben.state?.status, (s) => s === "paused", 3000);
    expect(await amina.callRequest({ action: "consult", target: { kind: "queue", queueId: supportId } })).toEqual({ ok: false, error: "queue-busy" });
    expect(amina.state?.call?.state).toBe("talking");
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    expect(events.find((e) => e.type === "call.consulted")?.data).toMatchObject({ operatorTarget: benId });
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("the colleague hangs up during the consultation: amina is back with the held caller, and resumes", async () => {
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await consultingBen(media, callId);
    ben.hangup();
    await amina.waitFor(() => amina.parked === undefined && amina.current !== undefined, "amina's consultation session to end", 5000);
    await waitUntil("amina's desk to show the held caller", () => amina.state?.call?.state, (s) => s === "held", 5000);
    await waitUntil("ben available again", () => ben.state?.status, (s) => s === "available", 3000);
    expect(await amina.callRequest({ action: "resume" })).toEqual({ ok: true });
    const voice = media.operatorVoice;
    await waitUntil("amina's voice at the caller again", () => media.operatorVoice, (n) => n - voice > 25, 5000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    expect(events.find((e) => e.type === "call.consult-ended")?.data).toMatchObject({ operatorTarget: benId, reason: "target-hung-up" });
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);
