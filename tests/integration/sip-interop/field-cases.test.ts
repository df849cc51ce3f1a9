/**
 * Carrier field cases (issue 7), one test per case: raw SIP from a small peer (tests/support/sip-peer.ts) over UDP and
 * TCP against the real server and a real rtpengine, each asserting the RFC's value (status code, header, SDP
 * direction and o= version, media reaching the right port, record fields).
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callRecords, type CallRecord } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, header, newBranch, sdpFacts, type PeerDialog } from "../../support/sip-peer";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let target: { host: string; port: number };
const opened: Array<{ close(): void }> = [];

beforeAll(async () => {
  // These peers send no RTP: a media timeout longer than the session-timer cases (60-90 s) keeps the two end
  // reasons apart (media timeouts have their own tests in media-*.test.ts).
  harness = await startHarness({ RTPENGINE_TIMEOUT_S: "300" });
  target = { host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port };
  await harness.cli("queue", "add", "Support");
  await harness.cli("number", "add", "1000", "--queue", "Support");
}, 60_000);
afterAll(() => harness?.stop());
afterEach(() => {
  for (const thing of opened.splice(0)) thing.close();
});

async function peer(transport: "UDP" | "TCP" = "UDP", address = "127.0.0.1"): Promise<SipPeer> {
  const p = transport === "UDP" ? await SipPeer.udp(target, address) : await SipPeer.tcp(target, address);
  opened.push(p);
  return p;
}

async function rtp(): Promise<RtpEndpoint> {
  const endpoint = await RtpEndpoint.open();
  opened.push(endpoint);
  return endpoint;
}

/** A queued call (the caller hears the greeting then music): INVITE with `sdp`, 200, ACK. */
async function queuedCall(p: SipPeer, sdp: string, headers: string[] = []): Promise<{ dialog: PeerDialog; answer: string }> {
  const dialog = p.invite({ sdp, headers });
  const ok = await p.answered(dialog);
  expect(ok.status).toBe(200);
  p.ack(dialog);
  return { dialog, answer: ok.body };
}

async function hangUp(p: SipPeer, dialog: PeerDialog): Promise<void> {
  const bye = p.request(dialog, "BYE");
  expect((await p.finalResponse(bye, "BYE")).status).toBe(200);
}

async function record(callId: string, done: (call: CallRecord) => boolean = () => true): Promise<CallRecord> {
  const read = async () => (await harness.hotline.services.database.db.select().from(callRecords).where(eq(callRecords.sipCallId, callId)))[0];
  return (await waitUntil(`the record of ${callId}`, read, (call) => call !== undefined && done(call)))!;
}

describe("offer/answer (RFC 3264)", () => {
  it("late offer: an INVITE without SDP gets a 200 with an offer, the ACK's answer is used and music reaches the caller", async () => {
    const p = await peer();
    const media = await rtp();
    const dialog = p.invite({});
    const ok = await p.answered(dialog);
    expect(ok.status).toBe(200);
    expect(header(ok, "content-type")).toBe("application/sdp");
    const offer = sdpFacts(ok.body);
    expect(offer.port).toBeGreaterThan(0);
    expect(offer.direction).toBe("sendrecv");
    expect(ok.body).toMatch(/^m=audio \d+ RTP\/AVP .*\b(0|8)\b/m);
    p.ack(dialog, { sdp: audioSdp(media.port) });
    // The greeting, then hold music, arrive at the port the ACK's answer named.
    await media.waitForPackets(20, 5000);
    await hangUp(p, dialog);
    const call = await record(dialog.callId, (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ outcome: "abandoned", endedBy: "caller", endReason: "caller-hung-up" });
  });

  it("late offer: an ACK without the answer ends the call with BYE (no media can flow)", async () => {
    const p = await peer();
    const dialog = p.invite({});
    expect((await p.answered(dialog)).status).toBe(200);
    p.ack(dialog);
    const bye = await p.waitFor("Hotline's BYE", (m) => m.method === "BYE" && header(m, "call-id") === dialog.callId);
    p.reply(bye, 200);
    const call = await record(dialog.callId, (c) => c.outcome !== "in_progress");
    expect(call.endedBy).toBe("system");
  });

  it("late offer over TCP works the same", async () => {
    const p = await peer("TCP");
    const media = await rtp();
    const dialog = p.invite({});
    const ok = await p.answered(dialog);
    expect(ok.status).toBe(200);
    expect(sdpFacts(ok.body).port).toBeGreaterThan(0);
    p.ack(dialog, { sdp: audioSdp(media.port) });
    await media.waitForPackets(20, 5000);
    await hangUp(p, dialog);
  });

  it("a sendonly initial offer is answered recvonly and the caller is sent no media; inactive gets inactive", async () => {
    const p = await peer();
    const control = await rtp();
    const held = await rtp();
    // The control caller (sendrecv) hears the greeting within the window the held one hears nothing.
    const { dialog: first } = await queuedCall(p, audioSdp(control.port));
    const { dialog, answer } = await queuedCall(p, audioSdp(held.port, { direction: "sendonly" }));
    expect(sdpFacts(answer).direction).toBe("recvonly");
    await control.waitForPackets(50, 5000);
    expect(held.received).toBe(0);
    const inactive = await rtp();
    const third = await queuedCall(p, audioSdp(inactive.port, { direction: "inactive" }));
    expect(sdpFacts(third.answer).direction).toBe("inactive");
    for (const d of [first, dialog, third.dialog]) await hangUp(p, d);
    expect(inactive.received).toBe(0);
  });

  it("o= version goes up by one when the answer changes (hold, resume) and stays for an identical refresh", async () => {
    const p = await peer();
    const media = await rtp();
    const { dialog, answer } = await queuedCall(p, audioSdp(media.port));
    const versions = [sdpFacts(answer).version];
    const directions = [sdpFacts(answer).direction];
    for (const [direction, version] of [["sendonly", 2], ["sendonly", 2], ["sendrecv", 3], ["sendrecv", 3]] as const) {
      const reinvite = p.request(dialog, "INVITE", { sdp: audioSdp(media.port, { direction, version }) });
      const ok = await p.finalResponse(reinvite, "INVITE");
      expect(ok.status).toBe(200);
      p.ack(dialog, { cseq: reinvite.cseq });
      versions.push(sdpFacts(ok.body).version);
      directions.push(sdpFacts(ok.body).direction);
    }
    const v = versions[0]!;
    expect(directions).toEqual(["sendrecv", "recvonly", "recvonly", "sendrecv", "sendrecv"]);
    expect(versions).toEqual([v, v + 1, v + 1, v + 2, v + 2]);
    await hangUp(p, dialog);
  });

  it("a re-INVITE with a new port moves the media there at once, without the caller sending first", async () => {
    const p = await peer();
    const before = await rtp();
    const after = await rtp();
    const { dialog } = await queuedCall(p, audioSdp(before.port));
    await before.waitForPackets(20, 5000);
    const reinvite = p.request(dialog, "INVITE", { sdp: audioSdp(after.port, { version: 2 }) });
    const ok = await p.finalResponse(reinvite, "INVITE");
    expect(ok.status).toBe(200);
    p.ack(dialog, { cseq: reinvite.cseq });
    await after.waitForPackets(20, 3000);
    await hangUp(p, dialog);
  });

  it("a re-INVITE without SDP gets our offer in the 200 and the ACK's answer moves the media", async () => {
    const p = await peer();
    const before = await rtp();
    const after = await rtp();
    const { dialog, answer } = await queuedCall(p, audioSdp(before.port));
    const reinvite = p.request(dialog, "INVITE");
    const ok = await p.finalResponse(reinvite, "INVITE");
    expect(ok.status).toBe(200);
    expect(sdpFacts(ok.body)).toMatchObject({ direction: "sendrecv", port: sdpFacts(answer).port, version: sdpFacts(answer).version });
    p.ack(dialog, { cseq: reinvite.cseq, sdp: audioSdp(after.port, { version: 2 }) });
    await after.waitForPackets(20, 3000);
    await hangUp(p, dialog);
  });

  it("an IPv6 offer gets 488 with Warning 301, never an IPv4 answer", async () => {
    const p = await peer();
    const dialog = p.invite({ sdp: audioSdp(40000, { family: "IP6", address: "::1" }) });
    const final = await p.finalResponse(dialog, "INVITE");
    expect(final.status).toBe(488);
    expect(header(final, "warning")).toMatch(/^301 \S+ "/);
    p.ack(dialog);
  });
});

describe("extensions and bodies (RFC 3261 §8.2.2.3, §8.2.3, RFC 5621)", () => {
  it("Require with extensions we do not implement gets 420 listing them in Unsupported", async () => {
    const p = await peer();
    const media = await rtp();
    const dialog = p.invite({ sdp: audioSdp(media.port), headers: ["Require: 100rel, replaces", "Replaces: abc@x;to-tag=1;from-tag=2"] });
    const final = await p.finalResponse(dialog, "INVITE");
    expect(final.status).toBe(420);
    expect(header(final, "unsupported")?.split(/\s*,\s*/)).toEqual(["100rel", "replaces"]);
    p.ack(dialog);
    // Supported (and Proxy-Require, a proxy's business) are never errors.
    const fine = p.invite({ sdp: audioSdp(media.port), headers: ["Supported: 100rel, replaces, foo", "Proxy-Require: bar"] });
    expect((await p.answered(fine)).status).toBe(200);
    p.ack(fine);
    await hangUp(p, fine);
  });

  it("Require over TCP gets the same 420", async () => {
    const p = await peer("TCP");
    const dialog = p.invite({ sdp: audioSdp(40000), headers: ["Require: 100rel"] });
    const final = await p.finalResponse(dialog, "INVITE");
    expect(final.status).toBe(420);
    expect(header(final, "unsupported")).toBe("100rel");
  });

  const isup = "\r\n--unique-boundary-1\r\nContent-Type: application/isup;version=itu-t92+\r\nContent-Disposition: signal;handling=optional\r\n\r\n\u0001\u0010\u0020\u0001\r\n--unique-boundary-1--\r\n";
  const multipart = (sdp: string, isupPart: string) =>
    `--unique-boundary-1\r\nContent-Type: application/sdp\r\n\r\n${sdp}${isupPart}`;

  it("multipart/mixed (SIP-I): the SDP part is used and an optional ISUP part ignored", async () => {
    const p = await peer();
    const media = await rtp();
    const dialog = p.invite({ sdp: multipart(audioSdp(media.port), isup), contentType: "multipart/mixed;boundary=unique-boundary-1" });
    const ok = await p.answered(dialog);
    expect(ok.status).toBe(200);
    expect(sdpFacts(ok.body).port).toBeGreaterThan(0);
    p.ack(dialog);
    await media.waitForPackets(10, 5000);
    await hangUp(p, dialog);
  });

  it("a required part of an unknown type, or a body type we do not know, gets 415 with Accept", async () => {
    const p = await peer();
    const required = isup.replace("handling=optional", "handling=required");
    const first = p.invite({ sdp: multipart(audioSdp(40000), required), contentType: "multipart/mixed;boundary=unique-boundary-1" });
    const a = await p.finalResponse(first, "INVITE");
    expect(a.status).toBe(415);
    expect(header(a, "accept")).toContain("application/sdp");
    // No Content-Disposition: handling defaults to required (RFC 3261 §20.11).
    const bare = isup.replace("Content-Disposition: signal;handling=optional\r\n", "");
    const second = p.invite({ sdp: multipart(audioSdp(40000), bare), contentType: "multipart/mixed;boundary=unique-boundary-1" });
    expect((await p.finalResponse(second, "INVITE")).status).toBe(415);
    const third = p.invite({ sdp: "hello", contentType: "text/plain" });
    const c = await p.finalResponse(third, "INVITE");
    expect(c.status).toBe(415);
    expect(header(c, "accept")).toContain("application/sdp");
  });
});

describe("identity (RFC 3325)", () => {
  it("P-Asserted-Identity with two values on one line and From Anonymous records the asserted number", async () => {
    const p = await peer();
    const media = await rtp();
    const dialog = p.invite({
      sdp: audioSdp(media.port),
      from: `"Anonymous" <sip:anonymous@anonymous.invalid>`,
      headers: [`P-Asserted-Identity: "Jeanne Martin" <sip:+33123456789@carrier.example;user=phone>, <tel:+33123456789>`, "Privacy: id"],
    });
    expect((await p.answered(dialog)).status).toBe(200);
    p.ack(dialog);
    await hangUp(p, dialog);
    const call = await record(dialog.callId);
    expect(call).toMatchObject({ callerNumber: "+33123456789", callerName: "Jeanne Martin" });
  });
});

describe("dialog creation as UAS (RFC 3261 §12.1.1)", () => {
  it("the 200 carries the INVITE's Record-Route values in order, so a record-routing proxy stays on the path", async () => {
    const p = await peer();
    const media = await rtp();
    const routes = ["<sip:127.0.0.1:5999;lr;ftag=a>", "<sip:edge.carrier.example;lr>"];
    const dialog = p.invite({ sdp: audioSdp(media.port), headers: [`Record-Route: ${routes[0]}, ${routes[1]}`] });
    const ok = await p.answered(dialog);
    expect(ok.status).toBe(200);
    const copied = (ok.headers.get("record-route") ?? []).flatMap((line) => line.split(/,\s*(?=<)/));
    expect(copied).toEqual(routes);
    p.ack(dialog);
    await hangUp(p, dialog);
  });
});

describe("the dialled number", () => {
  it("is the Request-URI user: an unknown one gets 404 whatever To says; a Request-URI without user falls back to To", async () => {
    const p = await peer();
    const media = await rtp();
    const unknown = p.invite({ number: "1000", requestUser: "+49999", sdp: audioSdp(media.port) });
    expect((await p.finalResponse(unknown, "INVITE")).status).toBe(404);
    const noUser = p.invite({ number: "1000", requestUser: "", sdp: audioSdp(media.port) });
    expect((await p.answered(noUser)).status).toBe(200);
    p.ack(noUser);
    await hangUp(p, noUser);
    expect(await record(noUser.callId)).toMatchObject({ dialedNumber: "1000" });
  });
});

describe("ACK and in-dialog requests (RFC 3261 §12.2.2, §13.3.1.4, RFC 6026 §8)", () => {
  it("an ACK reusing the INVITE's branch stops the 200 retransmissions", async () => {
    const p = await peer();
    const media = await rtp();
    const branch = newBranch();
    const dialog = p.invite({ sdp: audioSdp(media.port), branch });
    await p.answered(dialog);
    p.ack(dialog, { branch });
    const acked = p.received.length;
    const retransmitted = p.waitFor("a 200 retransmission", (m) => m.status === 200 && m.cseqMethod === "INVITE", { since: acked, timeoutMs: 2200 });
    await expect(retransmitted).rejects.toThrow(/timed out/);
    await hangUp(p, dialog);
  });

  it("the 200 to a re-INVITE is retransmitted until its ACK, then no more", async () => {
    const p = await peer();
    const media = await rtp();
    const { dialog } = await queuedCall(p, audioSdp(media.port));
    const reinvite = p.request(dialog, "INVITE", { sdp: audioSdp(media.port, { direction: "sendonly", version: 2 }) });
    const first = await p.finalResponse(reinvite, "INVITE");
    const since = p.received.indexOf(first) + 1;
    const again = await p.waitFor("the 200 again", (m) => m.status === 200 && m.cseq === reinvite.cseq, { since, timeoutMs: 1500 });
    expect(again.body).toBe(first.body);
    p.ack(dialog, { cseq: reinvite.cseq });
    const acked = p.received.length;
    const more = p.waitFor("a 200 after the ACK", (m) => m.status === 200 && m.cseq === reinvite.cseq, { since: acked, timeoutMs: 2200 });
    await expect(more).rejects.toThrow(/timed out/);
    await hangUp(p, dialog);
  });

  it("a second re-INVITE while the first is still being answered gets 500 with Retry-After (RFC 3261 §14.2)", async () => {
    const p = await peer();
    const media = await rtp();
    const { dialog } = await queuedCall(p, audioSdp(media.port));
    // Both leave in one tick: the first is with rtpengine when the second arrives.
    const first = p.request(dialog, "INVITE", { sdp: audioSdp(media.port, { direction: "sendonly", version: 2 }) });
    const second = p.request(dialog, "INVITE", { sdp: audioSdp(media.port, { version: 3 }) });
    const [a, b] = await Promise.all([p.finalResponse(first, "INVITE"), p.finalResponse(second, "INVITE")]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(500);
    expect(Number(header(b, "retry-after"))).toBeLessThanOrEqual(10);
    p.ack(dialog, { cseq: first.cseq });
    p.ack(dialog, { cseq: second.cseq });
    await hangUp(p, dialog);
  });

  it("BYE, INFO and re-INVITE from another address, or with a wrong From tag, get 481; the dialog's peer is served", async () => {
    const p = await peer();
    const stranger = await peer("UDP", "127.0.0.2");
    const media = await rtp();
    const { dialog } = await queuedCall(p, audioSdp(media.port));
    for (const method of ["BYE", "INFO", "INVITE"] as const) {
      const attempt = stranger.request({ ...dialog }, method, { cseq: 50, sdp: method === "INVITE" ? audioSdp(40000, { address: "127.0.0.2" }) : undefined });
      expect((await stranger.finalResponse(attempt, method)).status).toBe(481);
    }
    // An ACK from the stranger is dropped (no response exists for ACK) and changes nothing.
    stranger.ack({ ...dialog }, { cseq: 50 });
    const wrongTag = p.request({ ...dialog, fromTag: "not-the-callers" }, "BYE", { cseq: 60 });
    expect((await p.finalResponse(wrongTag, "BYE")).status).toBe(481);
    // The call is still up: music still reaches the caller, and its own BYE is accepted.
    await media.waitForPackets(10, 3000);
    dialog.cseq = 70;
    await hangUp(p, dialog);
    const call = await record(dialog.callId, (c) => c.outcome !== "in_progress");
    expect(call.endedBy).toBe("caller");
  });

  it("a CANCEL from another address gets 481 and does not end the call", async () => {
    const p = await peer();
    const stranger = await peer("UDP", "127.0.0.2");
    const media = await rtp();
    const branch = newBranch();
    // The stranger's CANCEL names the caller's branch and sent-by, as a forger who saw the INVITE would.
    const dialog = p.invite({ sdp: audioSdp(media.port), branch });
    stranger.send(
      `CANCEL ${dialog.requestUri} SIP/2.0\r\nVia: SIP/2.0/UDP ${p.address}:${p.port};branch=${branch};rport\r\nMax-Forwards: 70\r\nFrom: ${dialog.from};tag=${dialog.fromTag}\r\nTo: ${dialog.to}\r\nCall-ID: ${dialog.callId}\r\nCSeq: 1 CANCEL\r\n\r\n`,
    );
    const ok = await p.answered(dialog);
    expect(ok.status).toBe(200);
    p.ack(dialog);
    await media.waitForPackets(10, 3000);
    await hangUp(p, dialog);
  });

  it("an in-dialog request with a CSeq lower than the last one gets 500; one for an unknown dialog gets 481", async () => {
    const p = await peer();
    const media = await rtp();
    const { dialog } = await queuedCall(p, audioSdp(media.port));
    const info = p.request(dialog, "INFO", { cseq: 10, body: "Signal=5\r\nDuration=160\r\n", contentType: "application/dtmf-relay" });
    expect((await p.finalResponse(info, "INFO")).status).toBe(200);
    const stale = p.request(dialog, "INFO", { cseq: 5, body: "Signal=6\r\nDuration=160\r\n", contentType: "application/dtmf-relay" });
    expect((await p.finalResponse(stale, "INFO")).status).toBe(500);
    const unknown = p.request({ ...dialog, callId: "no-such-call@127.0.0.1" }, "BYE", { cseq: 11 });
    expect((await p.finalResponse(unknown, "BYE")).status).toBe(481);
    dialog.cseq = 20;
    await hangUp(p, dialog);
  });

  it("a new call with Max-Forwards: 0 gets 483 Too Many Hops (a loop of B2BUAs ends here)", async () => {
    const p = await peer();
    const dialog = p.invite({ sdp: audioSdp(40_000), maxForwards: 0 });
    expect((await p.finalResponse(dialog, "INVITE")).status).toBe(483);
  });

  it("a merged request (same Call-ID, From tag and CSeq, another branch) gets 482", async () => {
    const p = await peer();
    const media = await rtp();
    const dialog = p.invite({ sdp: audioSdp(media.port) });
    const ok = await p.answered(dialog);
    expect(ok.status).toBe(200);
    const merged = p.invite({ sdp: audioSdp(media.port), callId: dialog.callId, fromTag: dialog.fromTag, cseq: dialog.cseq });
    const since = p.received.length;
    expect((await p.waitFor("the merged INVITE's answer", (m) => m.status === 482, { since })).cseq).toBe(merged.cseq);
    p.ack(dialog);
    await hangUp(p, dialog);
  });

  it("UPDATE with SDP is an offer on the dialog (hold) and is answered recvonly; methods we do not serve get 405/501", async () => {
    const p = await peer();
    const media = await rtp();
    const { dialog } = await queuedCall(p, audioSdp(media.port));
    const update = p.request(dialog, "UPDATE", { sdp: audioSdp(media.port, { direction: "sendonly", version: 2 }) });
    const ok = await p.finalResponse(update, "UPDATE");
    expect(ok.status).toBe(200);
    expect(sdpFacts(ok.body).direction).toBe("recvonly");
    const refer = p.request(dialog, "REFER", { headers: ["Refer-To: <sip:1@x>"] });
    const refused = await p.finalResponse(refer, "REFER");
    expect(refused.status).toBe(405);
    expect(header(refused, "allow")).toMatch(/\bUPDATE\b/);
    const odd = p.request(dialog, "FROBNICATE");
    expect((await p.finalResponse(odd, "FROBNICATE")).status).toBe(501);
    await hangUp(p, dialog);
  });
});

describe("session timers (RFC 4028)", () => {
  it("a Session-Expires below 90 s gets 422 with Min-SE", async () => {
    const p = await peer();
    const dialog = p.invite({ sdp: audioSdp(40000), headers: ["Supported: timer", "Session-Expires: 30"] });
    const final = await p.finalResponse(dialog, "INVITE");
    expect(final.status).toBe(422);
    expect(header(final, "min-se")).toBe("90");
    // A caller that does not support timers cannot usefully be refused (erratum 1687): the interval is raised to
    // our minimum, Hotline is the refresher, and no Require: timer is sent to a caller that would not understand it.
    const media = await rtp();
    const proxied = p.invite({ sdp: audioSdp(media.port), headers: ["Session-Expires: 30"] });
    const ok = await p.answered(proxied);
    expect(ok.status).toBe(200);
    expect(header(ok, "session-expires")).toBe("90;refresher=uas");
    expect(header(ok, "require")).toBeUndefined();
    p.ack(proxied);
    await hangUp(p, proxied);
  });

  it("asked to refresh (refresher=uas), Hotline sends an UPDATE with Session-Expires at half the interval", async () => {
    const p = await peer();
    const media = await rtp();
    const dialog = p.invite({
      sdp: audioSdp(media.port),
      headers: ["Supported: timer", "Session-Expires: 90;refresher=uas", "Allow: INVITE, ACK, CANCEL, BYE, UPDATE"],
    });
    const ok = await p.answered(dialog);
    expect(header(ok, "session-expires")).toBe("90;refresher=uas");
    p.ack(dialog);
    const answeredAt = Date.now();
    const update = await p.waitFor("Hotline's refresh", (m) => m.method === "UPDATE", { timeoutMs: 50_000 });
    expect(Date.now() - answeredAt).toBeGreaterThan(44_000);
    expect(header(update, "session-expires")).toMatch(/^90;refresher=uac$/);
    expect(update.body).toBe("");
    p.reply(update, 200);
    await hangUp(p, dialog);
  }, 60_000);

  it("the 200 carries Session-Expires and Require: timer; a session the caller stops refreshing ends with BYE (session-expired)", async () => {
    const p = await peer();
    const moved = await peer();
    const media = await rtp();
    const dialog = p.invite({ sdp: audioSdp(media.port), headers: ["Supported: timer", "Session-Expires: 90;refresher=uac", "Min-SE: 90"] });
    const ok = await p.answered(dialog);
    expect(header(ok, "session-expires")).toBe("90;refresher=uac");
    expect(header(ok, "require")).toBe("timer");
    p.ack(dialog);
    // A refresh that also moves the remote target (§12.2.2): the BYE must go to the new Contact.
    const refreshed = Date.now();
    const refresh = p.request(dialog, "INVITE", {
      sdp: audioSdp(media.port, { version: 1 }),
      headers: ["Supported: timer", "Session-Expires: 90;refresher=uac"],
      contact: `<sip:caller@${moved.address}:${moved.port}>`,
    });
    const refreshOk = await p.finalResponse(refresh, "INVITE");
    expect(header(refreshOk, "session-expires")).toBe("90;refresher=uac");
    p.ack(dialog, { cseq: refresh.cseq });
    const bye = await moved.waitFor("Hotline's BYE at the refreshed target", (m) => m.method === "BYE", { timeoutMs: 75_000 });
    moved.reply(bye, 200);
    // RFC 4028 §10: BYE at the interval minus min(32 s, a third of it) after the last refresh: 60 s.
    expect(Date.now() - refreshed).toBeGreaterThan(58_000);
    const call = await record(dialog.callId, (c) => c.outcome !== "in_progress");
    expect(call).toMatchObject({ endReason: "session-expired", endedBy: "system" });
  }, 90_000);
});
