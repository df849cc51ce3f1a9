/**
 * Field cases once the caller talks to an operator (a scripted operator on the SIP WebSocket, plain RTP): a late-offer
 * caller is bridged with audio both ways, and a re-INVITE that moves the caller's media during the conversation
 * takes the operator's voice to the new port at once (RFC 3264 §8.3.1). Also the VIP rule of issue 8: priority only
 * for a number a trusted trunk asserted.
 */
import { eq } from "drizzle-orm";
import WebSocket from "ws";
import { SESSION_COOKIE } from "../../../server/auth/session-cookie";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { upsertVipNumber } from "../../../db/queries/queues";
import { callRecords } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts } from "../../support/sip-peer";
import type { TestOperator } from "../../support/test-operator";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let operator: TestOperator;
const target = () => ({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Support");
  await harness.cli("queue", "set", "Support", "--wrap-up", "0");
  await harness.cli("number", "add", "1000", "--queue", "Support");
  operator = await harness.operator("amina");
  await harness.cli("queue", "member", "Support", "amina");
}, 60_000);
afterAll(() => harness?.stop());

async function available(): Promise<void> {
  await operator.waitFor(() => operator.current === undefined, "the operator to be free");
  await operator.goAvailable();
  await operator.waitFor(() => operator.state?.status === "available", "available");
}

it("a late-offer caller reaches the operator with audio both ways", async () => {
  await available();
  const peer = await SipPeer.udp(target());
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({});
    const ok = await peer.answered(dialog);
    const relay = sdpFacts(ok.body);
    peer.ack(dialog, { sdp: audioSdp(media.port) });
    media.startSending({ address: relay.address, port: relay.port });
    await operator.waitFor(() => operator.current !== undefined, "the operator to answer");
    const heard = operator.rtpReceived;
    await operator.waitFor(() => operator.rtpReceived - heard > 25, "the caller's audio at the operator");
    await media.waitForPackets(25, 5000);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);

it("a re-INVITE moving the caller's media during the conversation takes the operator's voice to the new port", async () => {
  await available();
  const peer = await SipPeer.udp(target());
  const before = await RtpEndpoint.open();
  const after = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(before.port) });
    const ok = await peer.answered(dialog);
    peer.ack(dialog);
    const relay = sdpFacts(ok.body);
    before.startSending({ address: relay.address, port: relay.port });
    await operator.waitFor(() => operator.current !== undefined, "the operator to answer");
    await before.waitForPackets(25, 5000);
    before.stopSending();
    const reinvite = peer.request(dialog, "INVITE", { sdp: audioSdp(after.port, { version: 2 }) });
    const answer = await peer.finalResponse(reinvite, "INVITE");
    expect(answer.status).toBe(200);
    // The caller's side of the relay stays where it was: only the caller moved.
    expect(sdpFacts(answer.body).port).toBe(relay.port);
    peer.ack(dialog, { cseq: reinvite.cseq });
    await after.waitForPackets(25, 3000);
    // And the conversation goes on both ways from the new port.
    after.startSending({ address: relay.address, port: relay.port });
    const heard = operator.rtpReceived;
    await operator.waitFor(() => operator.rtpReceived - heard > 25, "the caller's audio from the new port at the operator");
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
  } finally {
    before.close();
    after.close();
    peer.close();
  }
}, 40_000);

it("a BYE for an operator's dialog sent over another operator's WebSocket gets 481 and ends nothing", async () => {
  await available();
  await harness.cli("user", "add", "mallory", "--role", "operator", "--password", "mallory-password");
  const login = await harness.hotline.services.auth.login({ username: "mallory", password: "mallory-password", address: "127.0.0.1" });
  if (!login.ok) throw new Error("login failed");
  const ws = new WebSocket(`${harness.hotline.url.replace(/^http/, "ws")}/sip`, "sip", { headers: { cookie: `${SESSION_COOKIE}=${login.token}` } });
  const replies: string[] = [];
  ws.on("message", (data) => replies.push(String(data)));
  await new Promise<void>((resolve, reject) => ws.once("open", () => resolve()).once("error", reject));
  const peer = await SipPeer.udp(target());
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(media.port) });
    const ok = await peer.answered(dialog);
    peer.ack(dialog);
    const relay = sdpFacts(ok.body);
    media.startSending({ address: relay.address, port: relay.port });
    await operator.waitFor(() => operator.current !== undefined, "the operator to answer");
    const { invite, toTag } = operator.current!;
    // Exactly the BYE amina's browser would send (Call-ID, both tags), but over mallory's socket.
    ws.send(
      [
        "BYE sip:hotline@hotline.invalid SIP/2.0",
        "Via: SIP/2.0/WSS mallory.invalid;branch=z9hG4bK-mallory-1",
        "Max-Forwards: 70",
        `From: ${invite.headers.get("To")};tag=${toTag}`,
        `To: ${invite.headers.get("From")}`,
        `Call-ID: ${invite.headers.get("Call-ID")}`,
        "CSeq: 5 BYE",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
    await waitUntil("the answer to mallory's BYE", () => replies.find((r) => /^CSeq: 5 BYE/m.test(r)), (r) => r !== undefined, 5000);
    expect(replies.find((r) => /^CSeq: 5 BYE/m.test(r))!.split("\r\n")[0]).toBe("SIP/2.0 481 Call/Transaction Does Not Exist");
    // amina still hears the caller.
    const heard = operator.rtpReceived;
    await operator.waitFor(() => operator.rtpReceived - heard > 25, "the caller's audio still at the operator");
    expect(operator.current).toBeDefined();
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
  } finally {
    ws.close();
    media.close();
    peer.close();
  }
}, 40_000);

it("VIP priority comes only from a number a trusted trunk asserted (P-Asserted-Identity), never from From alone", async () => {
  await operator.setStatus({ status: "paused", reason: "break" });
  await upsertVipNumber(harness.hotline.services.database.db, { number: "+15557770000", priority: 9, label: "VIP" });
  await harness.hotline.telephony!.syncQueues();
  const peer = await SipPeer.udp(target());
  const media = await RtpEndpoint.open();
  try {
    const claimed = peer.invite({ sdp: audioSdp(media.port), from: `"VIP?" <sip:+15557770000@127.0.0.1>` });
    await peer.answered(claimed);
    peer.ack(claimed);
    const asserted = peer.invite({
      sdp: audioSdp(media.port),
      from: `"Anonymous" <sip:anonymous@anonymous.invalid>`,
      headers: ["P-Asserted-Identity: <sip:+15557770000@carrier.example;user=phone>"],
    });
    await peer.answered(asserted);
    peer.ack(asserted);
    const priorityOf = async (callId: string) => {
      const [row] = await waitUntil(`the record of ${callId}`, () => harness.hotline.services.database.db.select().from(callRecords).where(eq(callRecords.sipCallId, callId)), (rows) => rows.length > 0);
      const events = await waitUntil("the caller-entered event", () => listCallEvents(harness.hotline.services.database.db, row!.id), (list) => list.some((e) => e.type === "call.caller-entered"));
      return (events.find((e) => e.type === "call.caller-entered")!.data as { priority?: number } | null)?.priority;
    };
    expect(await priorityOf(claimed.callId)).toBe(0);
    expect(await priorityOf(asserted.callId)).toBe(9);
    for (const dialog of [claimed, asserted]) {
      const bye = peer.request(dialog, "BYE");
      expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    }
  } finally {
    media.close();
    peer.close();
  }
}, 30_000);
