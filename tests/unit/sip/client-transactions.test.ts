import { describe, expect, it, vi } from "vitest";
import { FakeTimers } from "./fake-timers.js";
import { parseRequest, parseResponse, requestText } from "./sip-test-helpers.js";
import { InviteClientTransaction } from "../../../server/sip/invite-client-transaction.js";
import { NonInviteClientTransaction } from "../../../server/sip/non-invite-client-transaction.js";
import { DEFAULT_TIMER_CONFIG } from "../../../server/sip/timers.js";
import type { TransactionContext } from "../../../server/sip/transaction.js";
import { silentLogger } from "../../../server/sip/logger.js";
import { parseMessage } from "../../../server/sip/parser.js";
import type { SipRequest } from "../../../server/sip/message.js";

function setup(reliable = false) {
  const timers = new FakeTimers();
  const terminated = vi.fn();
  const context: TransactionContext = { timers, config: { ...DEFAULT_TIMER_CONFIG }, reliable, logger: silentLogger, onTerminated: terminated };
  const sends: { at: number; data: Buffer }[] = [];
  const send = (data: Buffer) => {
    sends.push({ at: timers.now, data });
    return Promise.resolve();
  };
  const user = { onResponse: vi.fn(), onTimeout: vi.fn(), onTransportError: vi.fn() };
  return { timers, terminated, context, sends, send, user };
}

function response(request: SipRequest, status: number) {
  return parseResponse(serialize(request, status));
}

function serialize(request: SipRequest, status: number): Buffer {
  return Buffer.from(
    `SIP/2.0 ${status} X\r\nVia: ${request.headers.get("Via")}\r\nTo: <sip:bob@example.com>;tag=b1\r\nFrom: ${request.headers.get("From")}\r\n` +
      `Call-ID: ${request.headers.get("Call-ID")}\r\nCSeq: ${request.headers.get("CSeq")}\r\nContent-Length: 0\r\n\r\n`,
  );
}

describe("INVITE client transaction (RFC 3261 §17.1.1)", () => {
  const invite = parseRequest(requestText("INVITE", { extra: "Route: <sip:proxy.example.com;lr>\r\n" }));

  it("retransmits with Timer A doubling and times out with Timer B at 64*T1", () => {
    const { timers, context, sends, send, user, terminated } = setup();
    const tx = new InviteClientTransaction("k", context, invite, send, user);
    tx.start();
    timers.advance(40_000);
    expect(sends.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(user.onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe("terminated");
    expect(terminated).toHaveBeenCalledTimes(1);
    expect(timers.count).toBe(0);
  });

  it("stops retransmitting on 1xx and sends the ACK for a non-2xx final itself", () => {
    const { timers, context, sends, send, user } = setup();
    const tx = new InviteClientTransaction("k", context, invite, send, user);
    tx.start();
    timers.advance(600);
    tx.receiveResponse(response(invite, 180));
    expect(tx.state).toBe("proceeding");
    timers.advance(60_000);
    expect(sends).toHaveLength(2);
    expect(user.onTimeout).not.toHaveBeenCalled();
    tx.receiveResponse(response(invite, 486));
    expect(tx.state).toBe("completed");
    const ackResult = parseMessage(sends[2]?.data ?? Buffer.alloc(0));
    expect(ackResult.ok).toBe(true);
    if (!ackResult.ok || ackResult.message.type !== "request") return;
    const ack = ackResult.message;
    expect(ack.method).toBe("ACK");
    expect(ack.uri).toBe(invite.uri);
    expect(ack.headers.get("CSeq")).toBe("1 ACK");
    expect(ack.headers.get("To")).toContain("tag=b1");
    expect(ack.headers.getAll("Via")).toEqual([invite.headers.get("Via")]);
    expect(ack.headers.get("Route")).toBe("<sip:proxy.example.com;lr>");
    // A retransmitted final response re-triggers the ACK but is not passed up again.
    tx.receiveResponse(response(invite, 486));
    expect(sends).toHaveLength(4);
    expect(user.onResponse).toHaveBeenCalledTimes(2);
    timers.advance(31_999);
    expect(tx.state).toBe("completed");
    timers.advance(1);
    expect(tx.state).toBe("terminated");
  });

  it("passes 2xx and its retransmissions up in Accepted until Timer M (RFC 6026)", () => {
    const { timers, context, send, user, sends } = setup();
    const tx = new InviteClientTransaction("k", context, invite, send, user);
    tx.start();
    tx.receiveResponse(response(invite, 200));
    expect(tx.state).toBe("accepted");
    tx.receiveResponse(response(invite, 200));
    expect(user.onResponse).toHaveBeenCalledTimes(2);
    expect(sends).toHaveLength(1); // no ACK from the transaction for 2xx
    timers.advance(32_000);
    expect(tx.state).toBe("terminated");
  });

  it("reports a transport error and terminates", async () => {
    const { context, user } = setup();
    const tx = new InviteClientTransaction("k", context, invite, () => Promise.reject(new Error("boom")), user);
    tx.start();
    await Promise.resolve();
    await Promise.resolve();
    expect(user.onTransportError).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe("terminated");
  });
});

describe("non-INVITE client transaction (RFC 3261 §17.1.2)", () => {
  const options = parseRequest(requestText("OPTIONS"));

  it("retransmits with Timer E capped at T2 and times out with Timer F", () => {
    const { timers, context, sends, send, user } = setup();
    const tx = new NonInviteClientTransaction("k", context, options, send, user);
    tx.start();
    timers.advance(40_000);
    expect(sends.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(user.onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe("terminated");
  });

  it("retransmits every T2 once a provisional arrived", () => {
    const { timers, context, sends, send, user } = setup();
    const tx = new NonInviteClientTransaction("k", context, options, send, user);
    tx.start();
    timers.advance(1000);
    tx.receiveResponse(response(options, 100));
    timers.advance(9000);
    expect(sends.map((s) => s.at)).toEqual([0, 500, 1500, 5500, 9500]);
  });

  it("absorbs retransmitted finals during Timer K (T4) and then terminates", () => {
    const { timers, context, send, user, terminated } = setup();
    const tx = new NonInviteClientTransaction("k", context, options, send, user);
    tx.start();
    tx.receiveResponse(response(options, 200));
    tx.receiveResponse(response(options, 200));
    expect(user.onResponse).toHaveBeenCalledTimes(1);
    timers.advance(4999);
    expect(tx.state).toBe("completed");
    timers.advance(1);
    expect(tx.state).toBe("terminated");
    expect(terminated).toHaveBeenCalledTimes(1);
  });

});

describe.each([
  ["INVITE", InviteClientTransaction, 404, "Timer D"],
  ["OPTIONS", NonInviteClientTransaction, 200, "Timer K"],
] as const)("%s client transaction over a reliable transport", (method, Tx, status, timer) => {
  it(`sends once, never retransmits, and ${timer} is zero`, () => {
    const request = parseRequest(requestText(method));
    const { timers, context, send, user, sends } = setup(true);
    const tx = new Tx("k", context, request, send, user);
    tx.start();
    timers.advance(20_000);
    expect(sends).toHaveLength(1);
    tx.receiveResponse(response(request, status));
    timers.advance(0);
    expect(tx.state).toBe("terminated");
  });
});
