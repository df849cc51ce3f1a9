/**
 * Issue 8 items 1, 3 and 4 and issue 7 item 9 against the real server (harness: SIP on UDP/TCP,
 * rtpengine, database), with strangers on other loopback addresses outside TRUNK_ALLOW=127.0.0.1:
 * a flood of 10 000 requests from 127.0.0.2 does not slow an allowed trunk's calls nor fill the
 * transaction table; idle or slow TCP strangers cannot take a trunk's room; forged Via fields never
 * aim responses at a third party (127.0.0.3); error responses to a stranger are rate limited; a
 * Latin-1 user part gets a proper answer.
 */
import net from "node:net";
import { desc, gte } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callRecords } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { waitUntil } from "../../support/wait";
import { callIdOf, cseqOf, flood, request, sdp, UdpPeer, type SipReply } from "./sip-peers";

let harness: Harness;
let sipPort: number;
const b2bua = () => harness.hotline.telephony!.b2bua;
const finalFor = (callId: string, method: string) => (r: SipReply) => r.status >= 200 && callIdOf(r.text) === callId && (cseqOf(r.text) ?? "").endsWith(method);
const toTagOf = (text: string) => /^To: .*;tag=([^;\s]+)/m.exec(text)?.[1];

beforeAll(async () => {
  harness = await startHarness();
  sipPort = b2bua().port;
  await harness.cli("queue", "add", "Support");
  await harness.cli("number", "add", "1000", "--queue", "Support");
}, 60_000);
afterAll(() => harness?.stop());

/**
 * One call from the trunk peer: INVITE (retransmitted at T1 like a UAC, RFC 3261 §17.1.1.2) until
 * a final response; returns the time to it in ms and the response. Answered calls are ACKed and
 * hung up with BYE, awaiting its 200.
 */
async function trunkCall(trunk: UdpPeer, n: number, from?: string): Promise<{ ms: number; final: SipReply }> {
  const callId = `trunk-call-${n}-${Date.now()}@127.0.0.1`;
  const base = { callId, branch: `z9hG4bK-trunk-${n}-${Date.now()}`, ...(from ? { from } : {}) };
  const invite = request("INVITE", trunk, { ...base, body: sdp(20_000 + 2 * n) });
  const started = performance.now();
  trunk.send(invite, sipPort);
  const retransmit = setInterval(() => trunk.send(invite, sipPort), 500);
  let final: SipReply;
  try {
    final = await trunk.next(finalFor(callId, "INVITE"), 10_000, `a final response to trunk INVITE ${n}`);
  } finally {
    clearInterval(retransmit);
  }
  const ms = performance.now() - started;
  const toTag = toTagOf(final.text);
  if (final.status === 200 && toTag) {
    trunk.send(request("ACK", trunk, { ...base, branch: `${base.branch}-ack`, toTag }), sipPort);
    // A non-INVITE is retransmitted at T1 until answered (Timer E, RFC 3261 §17.1.2.2): datagrams
    // may be lost while the flood fills the server's socket buffer.
    const bye = request("BYE", trunk, { ...base, branch: `${base.branch}-bye`, toTag, cseq: 2 });
    trunk.send(bye, sipPort);
    const byeRetransmit = setInterval(() => trunk.send(bye, sipPort), 500);
    try {
      await trunk.next(finalFor(callId, "BYE"), 5_000, `200 to the BYE of call ${n}`);
    } finally {
      clearInterval(byeRetransmit);
    }
  }
  return { ms, final };
}

describe("a flood from one address outside TRUNK_ALLOW (issue 8 item 1)", () => {
  it("keeps answering the trunk's INVITEs with 200 in under 1 s while 127.0.0.2 sends 10 000 requests, and the table stays bounded", async () => {
    const trunk = await UdpPeer.bind("127.0.0.1");
    try {
      const before = b2bua().stats.transactions;
      // Warm the call path (first rtpengine offer, first database writes) before measuring.
      expect((await trunkCall(trunk, 0)).final.status).toBe(200);
      let flooding = true;
      const floodStarted = performance.now();
      const sent = flood({ from: "127.0.0.2", port: sipPort, count: 10_000, batch: 50, pauseMs: 5 }).finally(() => (flooding = false));
      const calls: number[] = [];
      let peakServer = 0;
      let peakUntrusted = 0;
      for (let n = 1; flooding || n <= 3; n++) {
        const { ms, final } = await trunkCall(trunk, n);
        expect(final.status, final.text).toBe(200);
        calls.push(Math.round(ms));
        peakServer = Math.max(peakServer, b2bua().stats.transactions.server);
        peakUntrusted = Math.max(peakUntrusted, b2bua().stats.transactions.untrusted);
      }
      const result = await sent;
      expect(result.sent).toBe(10_000);
      const after = b2bua().stats.transactions;
      peakServer = Math.max(peakServer, after.server);
      peakUntrusted = Math.max(peakUntrusted, after.untrusted);
      expect(calls.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...calls), `time to 200 for each trunk call: ${calls.join(", ")} ms`).toBeLessThan(1_000);
      // The stranger got its burst of 10 requests (and answers to them) and nothing else: the table
      // holds at most those, plus the trunk's own calls (INVITE + BYE per call), never thousands.
      const floodS = Math.ceil((performance.now() - floodStarted) / 1000);
      // Admitted from the stranger: a burst of 10 requests, then 1 a second.
      expect(peakUntrusted).toBeLessThanOrEqual(10 + floodS);
      // Replies: 10 admitted requests' answers, the 403s' retransmissions within the error-response
      // budget (a burst of 10, then 1 a second).
      expect(result.replies).toBeLessThanOrEqual(20 + 2 * floodS);
      expect(peakServer).toBeLessThanOrEqual(before.server + 10 + floodS + 2 * (calls.length + 1));
    } finally {
      trunk.close();
    }
  }, 60_000);
});

describe("SIP over TCP from strangers (issue 8 item 3)", () => {
  it("1 100 idle connections from 127.0.0.2 kept alive by CRLF pings neither stop a trunk's TCP connection nor outlive the first-message deadline", async () => {
    const sockets: net.Socket[] = [];
    const connect = (localAddress: string) =>
      new Promise<net.Socket>((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port: sipPort, localAddress });
        socket.on("error", () => {});
        socket.once("connect", () => resolve(socket));
        socket.once("close", () => resolve(socket));
        sockets.push(socket);
      });
    const ping = setInterval(() => {
      for (const s of sockets) if (!s.destroyed && s.writable) s.write("\r\n\r\n");
    }, 500);
    try {
      for (let i = 0; i < 11; i++) await Promise.all(Array.from({ length: 100 }, () => connect("127.0.0.2")));
      await waitUntil("the server to settle the strangers' connections", () => sockets.filter((s) => !s.destroyed).length, (n) => n <= 8, 5_000);
      expect(b2bua().stats.tcpConnections.untrusted).toBeLessThanOrEqual(8);

      // The trunk connects over TCP and is answered.
      const trunk = await connect("127.0.0.1");
      expect(trunk.destroyed).toBe(false);
      const { port } = trunk.address() as net.AddressInfo;
      let received = "";
      const answered = new Promise<string>((resolve) =>
        trunk.on("data", (d) => {
          received += d.toString();
          if (/^SIP\/2\.0 \d{3} /m.test(received)) resolve(received);
        }),
      );
      trunk.write(
        request("OPTIONS", { address: "127.0.0.1", port }, { callId: `tcp-trunk-${Date.now()}`, branch: `z9hG4bK-tcp-${Date.now()}`, via: `SIP/2.0/TCP 127.0.0.1:${port};branch=z9hG4bK-tcp-${Date.now()}` }),
      );
      expect(await answered).toMatch(/^SIP\/2\.0 200 /);

      // Pings do not keep the strangers' connections: all closed by the 3 s first-message deadline.
      await waitUntil("the strangers' connections to be closed", () => b2bua().stats.tcpConnections.untrusted, (n) => n === 0, 6_000);
      await waitUntil("the strangers to see their connections closed", () => sockets.filter((s) => !s.destroyed && s !== trunk).length, (n) => n === 0, 2_000);
      expect(trunk.destroyed).toBe(false);
    } finally {
      clearInterval(ping);
      for (const s of sockets) s.destroy();
    }
  }, 40_000);
});

describe("reflection (issue 8 item 4)", () => {
  it("answers a stranger only at the packet's source: a forged Via maddr or sent-by sends nothing to 127.0.0.3", async () => {
    const stranger = await UdpPeer.bind("127.0.0.4");
    const victim = await UdpPeer.bind("127.0.0.3");
    try {
      const forged = (branch: string, params: string) => `SIP/2.0/UDP 127.0.0.3:${victim.port};${params}branch=${branch}`;
      stranger.send(request("INVITE", stranger, { callId: "reflect-1", branch: "z9hG4bK-reflect-1", via: forged("z9hG4bK-reflect-1", "maddr=127.0.0.3;"), body: sdp(9) }), sipPort);
      stranger.send(request("OPTIONS", stranger, { callId: "reflect-2", branch: "z9hG4bK-reflect-2", via: forged("z9hG4bK-reflect-2", "received=127.0.0.3;") }), sipPort);
      const forbidden = await stranger.next(finalFor("reflect-1", "INVITE"), 5_000, "403 at the real source");
      expect(forbidden.status).toBe(403);
      expect((await stranger.next(finalFor("reflect-2", "OPTIONS"), 5_000, "200 at the real source")).status).toBe(200);
      // Wait for the first Timer G retransmission of the 403 (T1 = 500 ms, RFC 3261 §17.2.1): any
      // response aimed at the forged address would have left by then too.
      await waitUntil("the 403's retransmission", () => stranger.replies.filter((r) => callIdOf(r.text) === "reflect-1" && r.status === 403).length, (n) => n >= 2, 3_000);
      expect(victim.replies.map((r) => r.text.split("\r\n")[0])).toEqual([]);
    } finally {
      stranger.close();
      victim.close();
    }
  });

  it("rate limits error responses to a stranger, retransmissions included", async () => {
    const stranger = await UdpPeer.bind("127.0.0.5");
    try {
      const started = performance.now();
      for (let i = 0; i < 30; i++) {
        stranger.send(request("INVITE", stranger, { callId: `err-${i}`, branch: `z9hG4bK-err-${i}`, body: sdp(9) }), sipPort);
      }
      await stranger.next((r) => r.status === 403, 5_000, "a first 403");
      // Timer G would send each admitted 403 again at 0.5 s and 1.5 s: 30 datagrams by 2 s.
      await new Promise((r) => setTimeout(r, 2_000));
      const elapsedS = (performance.now() - started) / 1000;
      const errors = stranger.replies.filter((r) => r.status >= 300).length;
      expect(errors).toBeGreaterThanOrEqual(10);
      // A burst of 10, then 1 a second.
      expect(errors).toBeLessThanOrEqual(10 + Math.ceil(elapsedS));
    } finally {
      stranger.close();
    }
  });
});

describe("a Latin-1 user part from a trunk (issue 7 item 9)", () => {
  const latin1 = '"J%E9r%F4me" <sip:J%E9r%F4me@pbx.example>;tag=x';

  it("gets 200 (not 100 Trying forever), and the caller is recorded as written", async () => {
    const trunk = await UdpPeer.bind("127.0.0.1");
    const since = new Date();
    try {
      const { final } = await trunkCall(trunk, 100, latin1);
      expect(final.status, final.text).toBe(200);
      const call = await waitUntil(
        "the call record to close",
        async () => (await harness.hotline.services.database.db.select().from(callRecords).where(gte(callRecords.arrivedAt, since)).orderBy(desc(callRecords.arrivedAt)).limit(1))[0],
        (c) => c !== undefined && c.outcome !== "in_progress",
      );
      expect(call?.callerNumber).toBe("J%E9r%F4me");
    } finally {
      trunk.close();
    }
  });

  it("a CANCEL sent with the INVITE gets 200 and the INVITE 487", async () => {
    const trunk = await UdpPeer.bind("127.0.0.1");
    try {
      const base = { callId: `latin1-cancel-${Date.now()}`, branch: `z9hG4bK-latin1-cancel-${Date.now()}`, from: latin1 };
      trunk.send(request("INVITE", trunk, { ...base, body: sdp(9000) }), sipPort);
      trunk.send(request("CANCEL", trunk, base), sipPort);
      const cancelled = await trunk.next(finalFor(base.callId, "INVITE"), 5_000, "the INVITE's final response");
      expect(cancelled.status).toBe(487);
      expect((await trunk.next(finalFor(base.callId, "CANCEL"), 5_000, "the CANCEL's 200")).status).toBe(200);
      trunk.send(request("ACK", trunk, { ...base, toTag: toTagOf(cancelled.text)! }), sipPort);
    } finally {
      trunk.close();
    }
  });
});

describe("an exception while handling a request (issue 7 item 9, the rule)", () => {
  it("ends the INVITE's transaction with 500 at once, and a CANCEL for it is still answered", async () => {
    const controller = harness.hotline.telephony!.controller;
    const spy = vi.spyOn(controller, "onInboundCall").mockImplementation(() => {
      throw new Error("handler bug");
    });
    const trunk = await UdpPeer.bind("127.0.0.1");
    try {
      const legsBefore = b2bua().stats.trunkLegs;
      const base = { callId: `throws-${Date.now()}`, branch: `z9hG4bK-throws-${Date.now()}` };
      trunk.send(request("INVITE", trunk, { ...base, body: sdp(9000) }), sipPort);
      const final = await trunk.next(finalFor(base.callId, "INVITE"), 5_000, "the INVITE's final response");
      expect(final.status).toBe(500);
      expect(trunk.replies.filter((r) => r.status === 100)).toEqual([]);
      trunk.send(request("CANCEL", trunk, base), sipPort);
      // RFC 3261 §9.2: the INVITE already has its final response, so the CANCEL gets 200 and changes nothing.
      expect((await trunk.next(finalFor(base.callId, "CANCEL"), 5_000, "the CANCEL's 200")).status).toBe(200);
      trunk.send(request("ACK", trunk, { ...base, toTag: toTagOf(final.text)! }), sipPort);
      expect(b2bua().stats.trunkLegs).toBe(legsBefore);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      trunk.close();
    }
  });
});

describe("a flood from many forged addresses (issue 8 item 1: room reserved for trunks)", () => {
  // Last in this file: it waits for the strangers' transactions to end by their RFC timers.
  it("strangers together never hold more than 1 000 server transactions, the trunk's calls still get 200, and the table returns to normal", async () => {
    const trunk = await UdpPeer.bind("127.0.0.1");
    const before = b2bua().stats.transactions;
    const sources = Array.from({ length: 120 }, (_, i) => `127.0.1.${i + 1}`);
    try {
      let flooding = true;
      // 120 addresses x a burst of 10 = 1 200 requests the limiter admits: more than the 1 000 strangers may hold.
      // 500 requests a second, which a loaded machine keeps up with. At 8 000 a second a CI run read a peak of only
      // 724 (the cause is not proven: no receive-buffer drops were seen here), and under two CPU hogs a trunk call
      // waited 3.7 s behind the strangers' backlog.
      const sent = flood({ from: sources, port: sipPort, count: 2_400, batch: 10, pauseMs: 20 }).finally(() => (flooding = false));
      let peakUntrusted = 0;
      const calls: number[] = [];
      for (let n = 200; flooding || calls.length < 3; n++) {
        const { ms, final } = await trunkCall(trunk, n);
        expect(final.status, final.text).toBe(200);
        calls.push(Math.round(ms));
        peakUntrusted = Math.max(peakUntrusted, b2bua().stats.transactions.untrusted);
      }
      expect((await sent).sent).toBe(2_400);
      peakUntrusted = Math.max(peakUntrusted, b2bua().stats.transactions.untrusted);
      expect(peakUntrusted).toBe(1_000);
      // Not starved behind the strangers' requests: under two CPU hogs the slowest trunk call took 1.1 s at this
      // pace, so the bound is 3 s, far under the 10 s a starved trunk would wait here.
      expect(Math.max(...calls), `time to 200 for each trunk call: ${calls.join(", ")} ms`).toBeLessThan(3_000);
      // Every stranger's transaction has its final response, so each ends by Timer H or J (64*T1 =
      // 32 s over UDP, RFC 3261 §17.2.1, §17.2.2): the table comes back to its size before the flood.
      await waitUntil("the strangers' transactions to end", () => b2bua().stats.transactions.untrusted, (n) => n === 0, 40_000);
      await waitUntil("the table to return to its size before the flood", () => b2bua().stats.transactions.server, (n) => n <= before.server, 10_000);
    } finally {
      trunk.close();
    }
  }, 90_000);
});
