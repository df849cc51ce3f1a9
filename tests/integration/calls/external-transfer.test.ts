/**
 * Transfers to an external number (issue 9) against a real B2BUA and rtpengine 10.5: a scripted trunk caller (plain
 * RTP counted packet by packet), a scripted operator on the SIP WebSocket (its RTP marked, so an echo is recognised),
 * and SIPp as the provider reaching the external party (UAS, with a digest challenge in the first test), echoing what
 * it receives.
 * - Blind: the caller is bridged trunk to trunk through rtpengine; an external party that is busy never drops the
 *   caller: back to the operator.
 * - Consultation (attended): the caller holds (music) on the operator's first leg, the operator calls the target on a
 *   second session (an outbound INVITE with `X-Hotline-Consult`, its own rtpengine call), as the desk's softphone
 *   does; complete re-INVITEs the target onto the caller's media call.
 */
import { eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listRecordsSince } from "../../../db/queries/board";
import { aggregateCalls } from "../../../db/queries/call-reports";
import { listCallLog, listConsultations } from "../../../db/queries/call-log";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords } from "../../../db/schema";
import { callSegments } from "../../../server/calls/call-segments";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { freePort } from "../../support/net";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts, type PeerDialog } from "../../support/sip-peer";
import type { TestOperator } from "../../support/test-operator";
import { waitFor, waitUntil } from "../../support/wait";
import { startSippProvider } from "../telephony/sipp-provider";

let harness: Harness;
let amina: TestOperator;
let proxyPort: number;
const target = () => ({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
const db = () => harness.hotline.services.database.db;
const consult = { action: "consult", target: { kind: "number", number: "0612345678" } } as const;

beforeAll(async () => {
  proxyPort = await freePort();
  harness = await startHarness({
    TRUNK_OUTBOUND_PROXY: `127.0.0.1:${proxyPort}`,
    TRUNK_DOMAIN: "provider.test",
    TRUNK_USERNAME: "hotline-acct",
    TRUNK_PASSWORD: "s3cret-pw",
  });
  await harness.cli("queue", "add", "Sales");
  await harness.cli("queue", "set", "Sales", "--wrap-up", "0", "--ring-timeout", "5");
  await harness.cli("number", "add", "1000", "--queue", "Sales");
  await harness.cli("outbound", "allow", "0[1-9]*");
  amina = await harness.operator("amina");
  await harness.cli("queue", "member", "Sales", "amina");
  // Issue 11's closed-hours action forward:<number>: a number closed from yesterday to tomorrow.
  const today = DateTime.now().setZone("Europe/Paris").startOf("day");
  await harness.cli("number", "add", "1001", "--queue", "Sales");
  await harness.cli("schedule", "add", "Shut", "--weekly", "mon-sun 00:00-24:00", "--tz", "Europe/Paris");
  await harness.cli("schedule", "closure", "Shut", "--from", today.minus({ days: 1 }).toISODate()!, "--to", today.plus({ days: 1 }).toISODate()!, "--reason", "Works");
  await harness.cli("number", "set", "1001", "--schedule", "Shut", "--closed-action", "forward:0612345678");
}, 60_000);
afterAll(() => harness?.stop());

/** A trunk call answered by amina, media flowing both ways. */
async function talkingToAmina(): Promise<{ peer: SipPeer; media: RtpEndpoint; dialog: PeerDialog; callId: string }> {
  await amina.waitFor(() => amina.current === undefined, "amina to be free");
  await amina.goAvailable();
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

it("answered: the caller talks to the external party through rtpengine (trunk to trunk), and the record has both segments", async () => {
  const sipp = await startSippProvider("external-party-answers-after-401-until-bye.xml", "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    expect(await amina.callRequest({ action: "transfer", target: { kind: "number", number: "06 12 34 56 78" } })).toEqual({ ok: true });
    await amina.waitFor(() => amina.current === undefined, "amina's leg to end");
    // SIPp echoes what it receives: the caller's own packets (PCMA 0xd5) come back through rtpengine, no music.
    const echoed = media.operatorVoice;
    await waitUntil("the caller's audio echoed by the external party", () => media.operatorVoice, (n) => n - echoed > 40, 8000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const result = await sipp.done;
    expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    expect(events.find((e) => e.type === "call.transferred")?.data).toMatchObject({ toNumber: "0612345678" });
    const segments = callSegments(events);
    expect(segments.map((s) => [s.operatorId === null ? null : "amina", s.externalNumber, s.endedBy])).toEqual([
      ["amina", undefined, "transfer"],
      [null, "0612345678", "call-ended"],
    ]);
    const [record] = await waitUntil("the closed record", () => db().select().from(callRecords).where(eq(callRecords.id, callId)), (rows) => rows[0]?.endedAt !== null);
    expect(record).toMatchObject({ outcome: "answered", endedBy: "caller" });
    await waitFor("rtpengine session deleted", async () => (await harness.hotline.telephony!.pool.instances[0]!.client.list()).length === 0);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("rtpengine killed under a call transferred to a number: the caller and the external party are re-INVITEd onto the new media and hear each other again", async () => {
  const sipp = await startSippProvider("external-party-answers-is-reinvited-until-bye.xml", "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
  const { peer, media, dialog } = await talkingToAmina();
  try {
    expect(await amina.callRequest({ action: "transfer", target: { kind: "number", number: "0612345678" } })).toEqual({ ok: true });
    await amina.waitFor(() => amina.current === undefined, "amina's leg to end");
    const before = media.operatorVoice;
    await waitUntil("the caller's audio echoed by the external party", () => media.operatorVoice, (n) => n - before > 25, 8000);
    const instance = harness.hotline.telephony!.pool.instances[0]!;
    const since = peer.received.length;
    process.kill(instance.status().pid!, "SIGKILL");
    // Hotline re-INVITEs the caller with the new instance's offer: answered, and the caller's RTP follows it.
    const reInvite = await peer.waitFor("the caller's re-INVITE", (m) => m.method === "INVITE", { since, timeoutMs: 10_000 });
    peer.reply(reInvite, 200, "OK", audioSdp(media.port, { version: 2 }));
    const relay = sdpFacts(reInvite.body);
    media.stopSending();
    media.startSending({ address: relay.address, port: relay.port });
    // The external party (SIPp) got its own re-INVITE and echoes the caller again through the new session.
    const after = media.operatorVoice;
    await waitUntil("the caller's audio echoed again after the move", () => media.operatorVoice, (n) => n - after > 25, 10_000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const result = await sipp.done;
    expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("busy: the caller is not dropped, they come back to the transferring operator", async () => {
  const sipp = await startSippProvider("outbound-invite-gets-486.xml", "UDP", { port: proxyPort });
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    const first = amina.current!.invite.headers.get("Call-ID");
    expect(await amina.callRequest({ action: "transfer", target: { kind: "number", number: "0612345678" } })).toEqual({ ok: true });
    expect((await sipp.done).code).toBe(0);
    // Sales has no wrap-up: amina is available again and is offered the caller once more.
    await amina.waitFor(() => amina.current !== undefined && amina.current.invite.headers.get("Call-ID") !== first, "the caller back at amina", 10_000);
    const voice = media.operatorVoice;
    await waitUntil("amina's voice again", () => media.operatorVoice, (n) => n - voice > 10, 5000);
    const events = await listCallEvents(db(), callId);
    expect(events.find((e) => e.type === "call.external-failed")?.data).toMatchObject({ number: "0612345678", status: 486 });
    expect(events.some((e) => e.type === "call.requeued")).toBe(true);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("a number outside the allow-list is refused and the caller stays with the operator", async () => {
  const { peer, media, dialog } = await talkingToAmina();
  try {
    expect(await amina.callRequest({ action: "transfer", target: { kind: "number", number: "0044 20 7123 4567" } })).toEqual({ ok: false, error: "number-not-allowed" });
    expect(amina.current).toBeDefined();
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
  } finally {
    media.close();
    peer.close();
  }
}, 30_000);

/**
 * The consultation is up: the caller hears music (not amina), amina hears her own voice echoed by the target and
 * nothing of the caller. Caller and echo are both PCMA 0xd5 at amina: told apart by where they come from (the
 * caller's media call reaches amina from its own rtpengine port, learnt before the consultation).
 */
async function consultationUp(media: RtpEndpoint, callId: string): Promise<void> {
  const callerSource = await waitUntil(
    "the caller's stream at amina",
    async () => [...amina.rtpBySource.entries()].find(([, count]) => count > 10)?.[0],
    (source) => source !== undefined,
    5000,
  );
  const fromCaller = () => amina.rtpBySource.get(callerSource!) ?? 0;
  expect(await amina.callRequest(consult)).toEqual({ ok: true });
  await waitUntil("amina's desk to show the consultation", () => amina.state?.call?.state, (s) => s === "consulting", 5000);
  const second = amina.dial("consult", { consultOf: callId });
  await amina.waitFor(() => second.final !== undefined, "the consultation's answer", 8000);
  expect(second.final).toBe(200);
  const echoed = () => amina.echoedBack - fromCaller();
  const before = echoed();
  await amina.waitFor(() => echoed() - before > 25, "amina's voice echoed by the target", 8000);
  const [voice, received, callerAtAmina] = [media.operatorVoice, media.received, fromCaller()];
  await new Promise((resolve) => setTimeout(resolve, 600));
  // Nobody hears the other side of the consultation: the caller gets music only, amina nothing of the caller.
  expect(media.operatorVoice - voice).toBe(0);
  expect(media.received - received).toBeGreaterThan(15);
  expect(fromCaller() - callerAtAmina).toBe(0);
}

it.each([
  ["", "external-party-answers-is-reinvited-until-bye.xml"],
  [" while the provider challenges the re-INVITE (401): answered with the trunk account", "external-party-challenges-the-reinvite-until-bye.xml"],
])("consultation then complete%s: the caller talks to the target, amina leaves, both rtpengine calls go away at the end", async (_when, scenario) => {
  const sipp = await startSippProvider(scenario, "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await consultationUp(media, callId);
    expect(await amina.callRequest({ action: "consult-complete" })).toEqual({ ok: true });
    await amina.waitFor(() => amina.current === undefined && amina.parked === undefined, "amina's two sessions to end");
    // The target now echoes the caller's own audio (PCMA 0xd5) back to the caller through rtpengine.
    const echoed = media.operatorVoice;
    await waitUntil("the caller's audio echoed by the target", () => media.operatorVoice, (n) => n - echoed > 25, 8000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const result = await sipp.done;
    expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["call.consulted", "call.consult-answered", "call.transferred", "call.external-answered"]));
    await waitFor("rtpengine calls deleted", async () => (await harness.hotline.telephony!.pool.instances[0]!.client.list()).length === 0);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("consultation cancelled: the target gets BYE and amina talks to the caller again, both ways", async () => {
  const sipp = await startSippProvider("external-party-answers-until-bye.xml", "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await consultationUp(media, callId);
    expect(await amina.callRequest({ action: "consult-cancel" })).toEqual({ ok: true });
    const result = await sipp.done;
    expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
    await waitUntil("amina's desk back to talking", () => amina.state?.call?.state, (s) => s === "talking", 5000);
    const voice = media.operatorVoice;
    await waitUntil("amina's voice at the caller again", () => media.operatorVoice, (n) => n - voice > 10, 5000);
    const heard = amina.rtpReceived;
    await amina.waitFor(() => amina.rtpReceived - heard > 10, "the caller's voice at amina again");
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    expect(events.find((e) => e.type === "call.consult-ended")?.data).toMatchObject({ reason: "cancelled" });
    // The consultation's leg is recorded apart, tied to the call: no outbound call in the log, reports or board.
    await waitUntil("the consultation's record closed", () => db().select().from(callRecords).where(eq(callRecords.consultOf, callId)), (rows) => rows.length === 1 && rows[0]!.endedAt !== null, 5000);
    const consultations = await listConsultations(db(), callId);
    expect(consultations[0]).toMatchObject({ number: "0612345678", outcome: "answered" });
    const [leg] = await db().select().from(callRecords).where(eq(callRecords.id, consultations[0]!.id));
    expect(leg).toMatchObject({ direction: "outbound", consultOf: callId });
    const log = await listCallLog(db(), { from: new Date(Date.now() - 60_000) }, { sort: "arrived", order: "desc", limit: 500 });
    expect(log.rows.map((r) => r.id)).toContain(callId);
    expect(log.rows.map((r) => r.id)).not.toContain(leg!.id);
    expect((await aggregateCalls(db(), { direction: "outbound" })).calls).toBe(0);
    expect((await listRecordsSince(db(), new Date(Date.now() - 60_000))).map((r) => r.id)).not.toContain(leg!.id);
    const steps = events.filter((e) => e.type === "call.consultation").map((e) => e.data);
    expect(steps).toEqual([expect.objectContaining({ step: "placed", consultCallId: leg!.id }), expect.objectContaining({ step: "ended", consultCallId: leg!.id, outcome: "answered" })]);
    await waitFor("rtpengine calls deleted", async () => (await harness.hotline.telephony!.pool.instances[0]!.client.list()).length === 0);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("the target is busy: the consultation's INVITE gets 486 (the desk says busy), amina is back with the held caller", async () => {
  const sipp = await startSippProvider("outbound-invite-gets-486.xml", "UDP", { port: proxyPort });
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    expect(await amina.callRequest(consult)).toEqual({ ok: true });
    await waitUntil("amina's desk to show the consultation", () => amina.state?.call?.state, (s) => s === "consulting", 5000);
    const second = amina.dial("consult", { consultOf: callId });
    await amina.waitFor(() => second.final !== undefined, "the consultation's answer", 8000);
    // The trunk's status reaches the softphone unchanged: app/desk/call-view.ts consultFailureOf(486) = busy.
    expect(second.final).toBe(486);
    expect((await sipp.done).code).toBe(0);
    await waitUntil("amina's desk to show the held caller", () => amina.state?.call?.state, (s) => s === "held", 5000);
    await waitUntil("the consultation's record", () => db().select().from(callRecords).where(eq(callRecords.consultOf, callId)), (rows) => rows[0]?.endedAt != null, 5000);
    const leg = await listConsultations(db(), callId);
    expect(leg[0]).toMatchObject({ outcome: "busy" });
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
  } finally {
    media.close();
    peer.close();
  }
}, 30_000);

it("the target hangs up during the consultation: amina is back with the caller, held, and resumes", async () => {
  const sipp = await startSippProvider("provider-answers-outbound-after-401-then-hangs-up.xml", "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
  const { peer, media, dialog, callId } = await talkingToAmina();
  try {
    await consultationUp(media, callId);
    const result = await sipp.done;
    expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
    await amina.waitFor(() => amina.parked === undefined, "amina's consultation session to end", 5000);
    await waitUntil("amina's desk to show the held caller", () => amina.state?.call?.state, (s) => s === "held", 5000);
    expect(await amina.callRequest({ action: "resume" })).toEqual({ ok: true });
    const voice = media.operatorVoice;
    await waitUntil("amina's voice at the caller again", () => media.operatorVoice, (n) => n - voice > 10, 5000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const events = await waitUntil("the call's end in the log", () => listCallEvents(db(), callId), (list) => list.some((e) => e.type === "call.finished"), 5000);
    expect(events.find((e) => e.type === "call.consult-ended")?.data).toMatchObject({ reason: "target-hung-up" });
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("closed-hours action forward:<number>: the caller of a closed number is forwarded through the trunk, recorded closed/forwarded", async () => {
  const sipp = await startSippProvider("external-party-answers-after-401-until-bye.xml", "UDP", { port: proxyPort, extra: ["-rtp_echo"] });
  const peer = await SipPeer.udp(target());
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(media.port), number: "1001" });
    const ok = await peer.answered(dialog);
    peer.ack(dialog);
    const relay = sdpFacts(ok.body);
    media.startSending({ address: relay.address, port: relay.port });
    // The forwarded-to party echoes the caller's own audio (PCMA 0xd5) back through rtpengine.
    await waitUntil("the caller's audio echoed by the forwarded-to party", () => media.operatorVoice, (n) => n > 40, 8000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const result = await sipp.done;
    expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);
    const [record] = await waitUntil("the closed record", () => db().select().from(callRecords).where(eq(callRecords.sipCallId, dialog.callId)), (rows) => rows[0]?.endedAt != null);
    expect(record).toMatchObject({ outcome: "closed", endedBy: "caller", operatorId: null });
    expect((await listCallEvents(db(), record!.id)).find((e) => e.type === "call.forwarded")?.data).toMatchObject({ number: "0612345678" });
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);
