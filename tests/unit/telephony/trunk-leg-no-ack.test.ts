/**
 * RFC 3261 §13.3.1.4 on the trunk leg, with a fake SIP side and fake timers: our 200 OK to an INVITE goes again at
 * T1, 2·T1… capped at T2 while no ACK comes; 64·T1 (32 s) after it, the leg sends BYE and ends with `no-ack`, which
 * is Hotline's doing (`ended_by` system) and a failed call, not an abandon (leg-signalling.ts). An ACK stops it all.
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { parseMessage, type InviteServerTransaction, type MessageSource, type SipRequest, type SipResponse } from "../../../server/sip";
import { silentLogger } from "../../../server/logger";
import { callerGoneOutcome, SYSTEM_END_REASONS, type LegSignalling } from "../../../server/telephony/leg-signalling";
import { TrunkLeg } from "../../../server/telephony/trunk-leg";

const SDP = "v=0\r\no=trunk 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n";
const INVITE = [
  "INVITE sip:1000@127.0.0.1:5060 SIP/2.0",
  "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-noack-1",
  "Max-Forwards: 70",
  "From: <sip:+33123456789@127.0.0.1>;tag=caller-1",
  "To: <sip:1000@127.0.0.1>",
  "Call-ID: no-ack-1@127.0.0.1",
  "CSeq: 1 INVITE",
  "Contact: <sip:+33123456789@127.0.0.1:5099>",
  "Content-Type: application/sdp",
  `Content-Length: ${Buffer.byteLength(SDP)}`,
  "",
  SDP,
].join("\r\n");

function leg() {
  const parsed = parseMessage(INVITE);
  if (!parsed.ok) throw new Error("bad INVITE");
  const invite = parsed.message as SipRequest;
  const responses: SipResponse[] = [];
  const byes: number[] = [];
  const transaction = { respond: (response: SipResponse) => void responses.push(response) } as unknown as InviteServerTransaction;
  const sip: LegSignalling = {
    logger: silentLogger,
    localContact: () => ({ hostport: "127.0.0.1:5060", transport: "UDP" }),
    sendRequest: () => ({}) as ReturnType<LegSignalling["sendRequest"]>,
    sendAck: () => {},
    sendInDialog: () => void byes.push(Date.now()),
    sendInDialogRequest: () => {},
    sendReInvite: () => Promise.resolve({ status: 200, sdp: undefined }),
  };
  const source = { transport: "UDP", remote: { address: "127.0.0.1", port: 5099 } } as unknown as MessageSource;
  const trunk = new TrunkLeg(sip, invite, transaction, source);
  const ended: string[] = [];
  trunk.on("ended", (reason) => ended.push(reason));
  return { trunk, invite, responses, byes, ended };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it("retransmits the 200 until 64*T1, then sends BYE and ends with no-ack, a failed call by the system", async () => {
  const { trunk, responses, byes, ended } = leg();
  const start = Date.now();
  trunk.answer(SDP);
  expect(responses.map((r) => r.status)).toEqual([200]);
  await vi.advanceTimersByTimeAsync(31_900);
  // T1 = 500 ms doubling to T2 = 4 s: 0.5, 1.5, 3.5, 7.5, 11.5 … 31.5 s.
  expect(responses.length).toBeGreaterThanOrEqual(9);
  expect(byes).toEqual([]);
  expect(ended).toEqual([]);
  await vi.advanceTimersByTimeAsync(4_000);
  expect(byes).toHaveLength(1);
  expect(byes[0]! - start).toBeGreaterThanOrEqual(32_000);
  expect(ended).toEqual(["no-ack"]);
  expect(trunk.ended).toBe(true);
  // The record's side: ended by the system, and a failed call, not an abandon.
  expect(SYSTEM_END_REASONS.has("no-ack")).toBe(true);
  expect(callerGoneOutcome("no-ack")).toBe("failed");
  expect(callerGoneOutcome("bye")).toBe("abandoned");
});

it("an ACK stops the retransmissions, and the call goes on", async () => {
  const { trunk, invite, responses, byes, ended } = leg();
  trunk.answer(SDP);
  await vi.advanceTimersByTimeAsync(1_000);
  trunk.acked(invite);
  const sent = responses.length;
  await vi.advanceTimersByTimeAsync(60_000);
  expect(responses.length).toBe(sent);
  expect(byes).toEqual([]);
  expect(ended).toEqual([]);
});
