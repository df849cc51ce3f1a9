/**
 * Media failures are call failures (issue 7, items 12-14), against the real server, a real rtpengine and a raw SIP
 * peer as the trunk (it sees every request Hotline sends it, and its RTP starts and stops on the test's word):
 * - a trunk gone without BYE and without RTP: rtpengine's timeout notification makes Hotline send BYE
 *   (record failed, `media-timeout`);
 * - rtpengine killed (SIGKILL) under a queued call and under a bridged call: BYE on every leg, record failed,
 *   `media-lost`, and `/api/health`'s media part counts the lost calls;
 * - no rtpengine up at admission: 503 with Retry-After (RFC 3261 §21.5.4, §20.33), record failed, `no-media`.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords, type CallRecord } from "../../../db/schema";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { freePort, testRtpPort } from "../../support/net";
import { SipPeer, audioSdp, header, tagOf, type PeerMessage } from "../../support/sip-peer";
import { TrunkPeer } from "../../support/trunk-peer";
import { waitUntil } from "../../support/wait";

async function recordOf(harness: Harness, sipCallId: string): Promise<CallRecord | undefined> {
  const [row] = await harness.hotline.services.database.db.select().from(callRecords).where(eq(callRecords.sipCallId, sipCallId));
  return row;
}

async function closedRecord(harness: Harness, sipCallId: string): Promise<CallRecord> {
  return (await waitUntil(
    "the call record to close",
    () => recordOf(harness, sipCallId),
    (row) => row !== undefined && row.outcome !== "in_progress" && row.endedAt !== null,
  ))!;
}

describe("media failures end calls (one supervised rtpengine, 2 s media timeout)", () => {
  let harness: Harness;
  const peers: TrunkPeer[] = [];
  const instance = () => harness.hotline.telephony!.pool.instances[0]!;
  const newPeer = async () => {
    const peer = new TrunkPeer(harness.hotline.telephony!.b2bua.port);
    await peer.start();
    peers.push(peer);
    return peer;
  };
  /** SIGKILL, as the OOM killer or a crash would: no goodbye from rtpengine. */
  const killRtpengine = () => process.kill(instance().status().pid!, "SIGKILL");
  const rtpengineUp = () => waitUntil("rtpengine to be up", () => instance().status().up, Boolean, 10_000);
  /** A trunk caller bridged to a new operator of Support, audio reaching the operator; `reInviteStatus` as the peer answers. */
  const bridgedCall = async (username: string, reInviteStatus = 200) => {
    await rtpengineUp();
    const operator = await harness.operator(username);
    await harness.cli("queue", "member", "Support", username);
    await operator.goAvailable();
    const peer = await newPeer();
    peer.reInviteStatus = reInviteStatus;
    peer.call("1000");
    await operator.waitFor(() => operator.current !== undefined, "the operator to answer");
    await operator.waitFor(() => operator.rtpReceived > 20, "the caller's audio at the operator");
    return { operator, peer };
  };

  beforeAll(async () => {
    harness = await startHarness({ RTPENGINE_TIMEOUT_S: "2" });
    await harness.cli("queue", "add", "Support");
    await harness.cli("number", "add", "1000", "--queue", "Support");
  }, 60_000);
  afterAll(async () => {
    for (const peer of peers) await peer.stop();
    await harness?.stop();
  });

  it("a queued trunk that goes silent without BYE gets BYE after the media timeout; record failed, media-timeout", async () => {
    const peer = await newPeer();
    peer.call("1000");
    await waitUntil("200 OK", () => peer.final?.status, (status) => status === 200);
    // Audio flows (the greeting reaches the trunk), then the trunk vanishes: no RTP, no BYE.
    await waitUntil("the greeting at the trunk", () => peer.rtpReceived, (n) => n > 10);
    const silentAt = Date.now();
    peer.stopRtp();
    await waitUntil("Hotline's BYE", () => peer.byes.length, (n) => n === 1, 10_000);
    // rtpengine's --timeout=2, counted in whole seconds and checked once a second: between 1 and 3 s of silence.
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(900);
    const bye = peer.byes[0]!;
    expect(bye.headers.get("Call-ID")).toBe(peer.callId);
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "media-timeout", offers: 0, answeredAt: null });
    const events = (await listCallEvents(harness.hotline.services.database.db, record.id)).map((e) => e.type);
    expect(events).toContain("call.media-failed");
    await waitUntil("no media session", () => instance().client.list(), (calls) => calls.length === 0);
  }, 30_000);

  const lostCalls = async () => Number((await harness.hotline.services.health.report()).parts["media"]?.["lostCalls"] ?? 0);

  it("rtpengine killed under a queued call: the call moves to the restarted rtpengine, the trunk is re-INVITEd, music resumes", async () => {
    await rtpengineUp();
    const lostBefore = await lostCalls();
    const peer = await newPeer();
    peer.call("1000");
    await waitUntil("200 OK", () => peer.final?.status, (status) => status === 200);
    await waitUntil("the greeting at the trunk", () => peer.rtpReceived, (n) => n > 10);
    killRtpengine();
    await waitUntil("Hotline's re-INVITE", () => peer.reInvites.length, (n) => n === 1, 10_000);
    const reInvite = peer.reInvites[0]!;
    expect(reInvite.headers.get("Call-ID")).toBe(peer.callId);
    expect(reInvite.headers.get("To")).toContain(`tag=`); // in our dialog, we are now the UAC (§12.2.1.1)
    // RFC 3264 §8: the new offer continues our session: the same o= line with the version up by one.
    const [first, next] = [originOf(peer.final!.body.toString()), originOf(reInvite.body.toString())];
    expect(next.session).toBe(first.session);
    expect(next.version).toBe(first.version + 1n);
    // The music comes back from the new rtpengine session.
    const heard = peer.rtpReceived;
    await waitUntil("hold music after the re-INVITE", () => peer.rtpReceived, (n) => n > heard + 25, 5_000);
    expect(peer.byes).toHaveLength(0);
    expect(await lostCalls()).toBe(lostBefore + 1);
    peer.hangup();
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "abandoned", endedBy: "caller" });
    const events = (await listCallEvents(harness.hotline.services.database.db, record.id)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(["call.media-lost", "call.media-recovered"]));
  }, 30_000);

  it("rtpengine killed under a queued call whose trunk refuses the re-INVITE: BYE, record failed, media-lost", async () => {
    await rtpengineUp();
    const peer = await newPeer();
    peer.reInviteStatus = 488;
    peer.call("1000");
    await waitUntil("200 OK", () => peer.final?.status, (status) => status === 200);
    await waitUntil("the greeting at the trunk", () => peer.rtpReceived, (n) => n > 10);
    killRtpengine();
    await waitUntil("Hotline's BYE", () => peer.byes.length, (n) => n === 1, 10_000);
    expect(peer.reInvites).toHaveLength(1);
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "media-lost", offers: 0, answeredAt: null });
    expect((await harness.hotline.services.health.report()).parts["media"]).toMatchObject({ lastLoss: { calls: 1 } });
  }, 30_000);

  it("rtpengine killed under a bridged call: trunk and operator are re-INVITEd and hear each other again", async () => {
    const { operator, peer } = await bridgedCall("amina");
    killRtpengine();
    await waitUntil("the trunk's re-INVITE", () => peer.reInvites.length, (n) => n === 1, 10_000);
    await operator.waitFor(() => operator.reInvites === 1, "the operator's re-INVITE", 10_000);
    // Audio flows again both ways through the new rtpengine session.
    const [atOperator, atTrunk] = [operator.rtpReceived, peer.rtpReceived];
    await operator.waitFor(() => operator.rtpReceived > atOperator + 25, "the caller's audio at the operator again", 5_000);
    await waitUntil("the operator's audio at the trunk again", () => peer.rtpReceived, (n) => n > atTrunk + 25, 5_000);
    expect(peer.byes).toHaveLength(0);
    operator.hangup();
    await waitUntil("Hotline's BYE to the trunk", () => peer.byes.length, (n) => n === 1, 5_000);
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "answered", endedBy: "operator", offers: 1 });
    await operator.waitFor(() => operator.state?.status === "wrap-up" || operator.state?.status === "available", "the operator free");
    await harness.hotline.telephony!.controller.dispatch({ type: "pause-requested", operatorId: String(record.operatorId), reason: "break" });
  }, 40_000);

  it("rtpengine killed while an operator rings: the trunk is re-INVITEd, and the operator who answers is re-INVITEd onto the new media", async () => {
    await rtpengineUp();
    const operator = await harness.operator("emre");
    await harness.cli("queue", "member", "Support", "emre");
    operator.ringMs = 1_500;
    await operator.goAvailable();
    const peer = await newPeer();
    peer.call("1000");
    await operator.waitFor(() => operator.offers.length === 1, "the operator to ring");
    killRtpengine();
    await waitUntil("the trunk's re-INVITE", () => peer.reInvites.length, (n) => n === 1, 10_000);
    await operator.waitFor(() => operator.reInvites === 1, "the operator's re-INVITE after answering", 10_000);
    const [atOperator, atTrunk] = [operator.rtpReceived, peer.rtpReceived];
    await operator.waitFor(() => operator.rtpReceived > atOperator + 25, "the caller's audio at the operator", 5_000);
    await waitUntil("the operator's audio at the trunk", () => peer.rtpReceived, (n) => n > atTrunk + 25, 5_000);
    expect(operator.offers).toHaveLength(1);
    operator.hangup();
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "answered", endedBy: "operator", offers: 1 });
    await harness.hotline.telephony!.controller.dispatch({ type: "pause-requested", operatorId: String(record.operatorId), reason: "break" });
  }, 40_000);

  it("rtpengine killed under a bridged call whose trunk refuses the re-INVITE: BYE to both legs, failed, media-lost, never re-offered", async () => {
    const { operator, peer } = await bridgedCall("bilal", 488);
    killRtpengine();
    await waitUntil("Hotline's BYE to the trunk", () => peer.byes.length, (n) => n === 1, 10_000);
    await operator.waitFor(() => operator.current === undefined, "Hotline's BYE to the operator", 5_000);
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "media-lost", offers: 1 });
    expect(record.answeredAt).not.toBeNull();
    await rtpengineUp();
    // The call is gone from the queue: the operator, free again, is offered nothing more.
    await operator.waitFor(() => operator.state?.status === "wrap-up" || operator.state?.status === "available", "the operator free");
    expect(operator.offers).toHaveLength(1);
    await harness.hotline.telephony!.controller.dispatch({ type: "pause-requested", operatorId: String(record.operatorId), reason: "break" });
  }, 40_000);
  it("a bridged trunk that goes silent without BYE: BYE to both legs within the media timeout; failed, media-timeout", async () => {
    const { operator, peer } = await bridgedCall("carla");
    const silentAt = Date.now();
    peer.stopRtp(); // the operator keeps talking: rtpengine alone would keep this call forever
    await waitUntil("Hotline's BYE to the trunk", () => peer.byes.length, (n) => n === 1, 10_000);
    await operator.waitFor(() => operator.current === undefined, "Hotline's BYE to the operator", 5_000);
    // 2 s of silence (whole seconds) found by a check every second: not before ~1 s, well before 5 s.
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(900);
    expect(Date.now() - silentAt).toBeLessThan(5_000);
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "media-timeout", offers: 1 });
    expect(record.answeredAt).not.toBeNull();
    await harness.hotline.telephony!.controller.dispatch({ type: "pause-requested", operatorId: String(record.operatorId), reason: "break" });
  }, 40_000);

  it("a queued caller on hold longer than the media timeout is not dead media: no BYE, and the music is back on resume", async () => {
    await rtpengineUp();
    const peer = await newPeer();
    peer.call("1000");
    await waitUntil("200 OK", () => peer.final?.status, (status) => status === 200);
    await waitUntil("the greeting at the trunk", () => peer.rtpReceived, (n) => n > 10);
    peer.reInvite("sendonly", 2);
    await waitUntil("200 to the hold", () => peer.responses.filter((r) => r.headers.get("CSeq") === "2 INVITE" && r.status === 200).length, (n) => n === 1);
    peer.stopRtp();
    // Twice the media timeout on hold without a packet from the caller.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(peer.byes).toHaveLength(0);
    peer.reInvite("sendrecv", 3);
    peer.resumeRtp();
    const heard = peer.rtpReceived;
    await waitUntil("hold music after the resume", () => peer.rtpReceived, (n) => n > heard + 25, 5_000);
    expect(peer.byes).toHaveLength(0);
    peer.hangup();
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "abandoned", endedBy: "caller" });
    expect(record.holdMs).toBeGreaterThan(3_500);
  }, 30_000);

  it("a bridged caller on hold (re-INVITE a=sendonly, then no RTP) is not dead media: the call survives the timeout", async () => {
    const { operator, peer } = await bridgedCall("dmitri");
    peer.reInvite("sendonly", 2);
    await waitUntil("200 to the hold", () => peer.responses.filter((r) => r.headers.get("CSeq") === "2 INVITE" && r.status === 200).length, (n) => n === 1);
    peer.stopRtp();
    // Twice the media timeout on hold without a packet from the caller.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(peer.byes).toHaveLength(0);
    expect(operator.current).toBeDefined();
    peer.reInvite("sendrecv", 3);
    peer.resumeRtp();
    const heard = operator.rtpReceived;
    await operator.waitFor(() => operator.rtpReceived > heard + 25, "the caller's audio after the resume");
    operator.hangup();
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "answered", endedBy: "operator" });
    expect(record.holdMs).toBeGreaterThan(3_500);
  }, 40_000);
});

/** Session id and version of an SDP's o= line (RFC 4566 §5.2). */
function originOf(sdp: string): { session: string; version: bigint } {
  const [, session = "", version = "0"] = /^o=\S+ (\S+) (\d+) /m.exec(sdp) ?? [];
  return { session, version: BigInt(version) };
}

describe("no media relay at admission", () => {
  let harness: Harness;
  let peer: TrunkPeer;

  beforeAll(async () => {
    // An external rtpengine that is not there: the pool has no instance up.
    harness = await startHarness({ RTPENGINE_URLS: `127.0.0.1:${await freePort()}` });
    await harness.cli("queue", "add", "Support");
    await harness.cli("number", "add", "1000", "--queue", "Support");
    peer = new TrunkPeer(harness.hotline.telephony!.b2bua.port);
    await peer.start();
  }, 60_000);
  afterAll(async () => {
    await peer?.stop();
    await harness?.stop();
  });

  it("the trunk gets 503 with Retry-After and the record is closed as failed, no-media", async () => {
    peer.call("1000");
    const final = await waitUntil("a final response", () => peer.final, (r) => r !== undefined, 10_000);
    expect(final!.status).toBe(503);
    expect(Number(final!.headers.get("Retry-After"))).toBeGreaterThan(0);
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "no-media", offers: 0 });
  }, 30_000);
});

describe("rtpengine out of ports", () => {
  let harness: Harness;
  let peer: SipPeer;

  beforeAll(async () => {
    // Four RTP ports: the first call's trunk side takes them (RTP and RTCP on each side of its one stream).
    const rtpMin = testRtpPort(23000);
    harness = await startHarness({ RTP_PORT_MIN: String(rtpMin), RTP_PORT_MAX: String(rtpMin + 3) });
    await harness.cli("queue", "add", "Support");
    await harness.cli("number", "add", "1000", "--queue", "Support");
    peer = await SipPeer.udp({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
  }, 60_000);
  afterAll(async () => {
    peer?.close();
    await harness?.stop();
  });

  it("a caller beyond the relay's ports gets 503 with Retry-After (a server limit, not 488: the offer is fine); record failed, no-media", async () => {
    const answers: number[] = [];
    let refused: PeerMessage | undefined;
    for (let i = 0; i < 6 && !refused; i++) {
      const dialog = peer.invite({ sdp: audioSdp(40_000 + 2 * i) });
      const final = await peer.finalResponse(dialog, "INVITE", 10_000);
      answers.push(final.status!);
      if (final.status === 200) peer.ack({ ...dialog, toTag: tagOf(header(final, "to")) });
      else refused = final;
    }
    expect(answers[0], "the first call fits in the range").toBe(200);
    expect(refused?.status, `answers: ${answers.join(", ")}`).toBe(503);
    expect(Number(header(refused!, "retry-after"))).toBeGreaterThan(0);
    const record = await closedRecord(harness, header(refused!, "call-id")!);
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "no-media" });
  }, 60_000);
});

describe("an external rtpengine (no timeout notifications from it)", () => {
  let harness: Harness;
  let external: RtpengineSupervisor;
  let peer: TrunkPeer;

  beforeAll(async () => {
    // Run by "someone else": its own --timeout (long), no --b2b-url toward Hotline.
    const rtpMin = testRtpPort(22800);
    external = new RtpengineSupervisor({ interfaceAddress: "127.0.0.1", ngPort: await freePort(), portMin: rtpMin, portMax: rtpMin + 99, mediaTimeoutSec: 60 });
    await external.start();
    harness = await startHarness({ RTPENGINE_URLS: `127.0.0.1:${external.status().address.port}`, RTPENGINE_TIMEOUT_S: "2" });
    await harness.cli("queue", "add", "Support");
    await harness.cli("number", "add", "1000", "--queue", "Support");
    peer = new TrunkPeer(harness.hotline.telephony!.b2bua.port);
    await peer.start();
  }, 60_000);
  afterAll(async () => {
    await peer?.stop();
    await harness?.stop();
    await external?.stop();
  });

  it("a queued trunk gone silent is found by Hotline's own check and gets BYE; record failed, media-timeout", async () => {
    peer.call("1000");
    await waitUntil("200 OK", () => peer.final?.status, (status) => status === 200);
    await waitUntil("the greeting at the trunk", () => peer.rtpReceived, (n) => n > 10);
    peer.stopRtp();
    await waitUntil("Hotline's BYE", () => peer.byes.length, (n) => n === 1, 10_000);
    const record = await closedRecord(harness, peer.callId);
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "media-timeout", offers: 0 });
  }, 30_000);
});
