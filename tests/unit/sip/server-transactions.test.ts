import { describe, expect, it, vi } from "vitest";
import { FakeTimers } from "./fake-timers.js";
import { parseRequest, parseResponse, requestText } from "./sip-test-helpers.js";
import { InviteServerTransaction } from "../../../server/sip/invite-server-transaction.js";
import { NonInviteServerTransaction } from "../../../server/sip/non-invite-server-transaction.js";
import { DEFAULT_TIMER_CONFIG } from "../../../server/sip/timers.js";
import type { TransactionContext } from "../../../server/sip/transaction.js";
import { silentLogger } from "../../../server/sip/logger.js";
import { createResponse } from "../../../server/sip/response.js";

function setup(reliable = false) {
  const timers = new FakeTimers();
  const context: TransactionContext = { timers, config: { ...DEFAULT_TIMER_CONFIG }, reliable, logger: silentLogger, onTerminated: vi.fn() };
  const sends: { at: number; status: number }[] = [];
  const send = (data: Buffer) => {
    sends.push({ at: timers.now, status: parseResponse(data).status });
    return Promise.resolve();
  };
  return { timers, context, sends, send };
}

const invite = parseRequest(requestText("INVITE"));
const ack = parseRequest(requestText("ACK"));

describe("INVITE server transaction (RFC 3261 §17.2.1)", () => {
  it("sends 100 Trying after 200 ms when the TU is silent, and repeats it on INVITE retransmission", () => {
    const { timers, context, sends, send } = setup();
    const tx = new InviteServerTransaction("k", context, invite, send);
    tx.start();
    timers.advance(199);
    expect(sends).toHaveLength(0);
    timers.advance(1);
    expect(sends).toEqual([{ at: 200, status: 100 }]);
    tx.receiveRequest(invite);
    expect(sends.map((s) => s.status)).toEqual([100, 100]);
  });

  it("does not send 100 when the TU answers first", () => {
    const { timers, context, sends, send } = setup();
    const tx = new InviteServerTransaction("k", context, invite, send);
    tx.start();
    tx.respond(createResponse(invite, 180, { toTag: "t" }));
    timers.advance(1000);
    expect(sends.map((s) => s.status)).toEqual([180]);
  });

  it("retransmits a non-2xx final with Timer G capped at T2 and gives up with Timer H", () => {
    const { timers, context, sends, send } = setup();
    const tx = new InviteServerTransaction("k", context, invite, send);
    const onTimeout = vi.fn();
    tx.events = { onTimeout };
    tx.start();
    tx.respond(createResponse(invite, 486, { toTag: "t" }));
    timers.advance(40_000);
    expect(sends.map((s) => s.at)).toEqual([0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(tx.state).toBe("terminated");
  });

  it("absorbs the ACK: Confirmed, no more retransmissions, Timer I = T4", () => {
    const { timers, context, sends, send } = setup();
    const tx = new InviteServerTransaction("k", context, invite, send);
    tx.start();
    tx.respond(createResponse(invite, 486, { toTag: "t" }));
    timers.advance(600);
    tx.receiveRequest(ack);
    expect(tx.state).toBe("confirmed");
    tx.receiveRequest(ack);
    timers.advance(4999);
    expect(sends).toHaveLength(2);
    expect(tx.state).toBe("confirmed");
    timers.advance(1);
    expect(tx.state).toBe("terminated");
  });

  it("resends the final response when the INVITE is retransmitted in Completed", () => {
    const { context, sends, send } = setup();
    const tx = new InviteServerTransaction("k", context, invite, send);
    tx.respond(createResponse(invite, 603, { toTag: "t" }));
    tx.receiveRequest(invite);
    expect(sends.map((s) => s.status)).toEqual([603, 603]);
  });

  it("after a 2xx enters Accepted: INVITE retransmissions absorbed, TU 2xx retransmissions sent, Timer L ends it", () => {
    const { timers, context, sends, send } = setup();
    const tx = new InviteServerTransaction("k", context, invite, send);
    const ok = createResponse(invite, 200, { toTag: "t" });
    tx.respond(ok);
    expect(tx.state).toBe("accepted");
    tx.receiveRequest(invite);
    expect(sends).toHaveLength(1);
    tx.respond(ok);
    expect(sends).toHaveLength(2);
    timers.advance(32_000);
    expect(tx.state).toBe("terminated");
  });

  it("over TCP: no Timer G, Timer I is zero", () => {
    const { timers, context, sends, send } = setup(true);
    const tx = new InviteServerTransaction("k", context, invite, send);
    tx.respond(createResponse(invite, 486, { toTag: "t" }));
    timers.advance(10_000);
    expect(sends).toHaveLength(1);
    tx.receiveRequest(ack);
    timers.advance(0);
    expect(tx.state).toBe("terminated");
  });
});

describe("non-INVITE server transaction (RFC 3261 §17.2.2)", () => {
  const options = parseRequest(requestText("OPTIONS"));

  it("is silent on retransmissions in Trying, repeats the last response afterwards, ends with Timer J", () => {
    const { timers, context, sends, send } = setup();
    const tx = new NonInviteServerTransaction("k", context, options, send);
    tx.receiveRequest(options);
    expect(sends).toHaveLength(0);
    tx.respond(createResponse(options, 100));
    tx.receiveRequest(options);
    expect(sends.map((s) => s.status)).toEqual([100, 100]);
    tx.respond(createResponse(options, 200, { toTag: "t" }));
    tx.receiveRequest(options);
    expect(sends.map((s) => s.status)).toEqual([100, 100, 200, 200]);
    timers.advance(31_999);
    expect(tx.state).toBe("completed");
    timers.advance(1);
    expect(tx.state).toBe("terminated");
  });

  it("ignores a second final response", () => {
    const { context, sends, send } = setup();
    const tx = new NonInviteServerTransaction("k", context, options, send);
    tx.respond(createResponse(options, 200, { toTag: "t" }));
    tx.respond(createResponse(options, 500, { toTag: "t" }));
    expect(sends.map((s) => s.status)).toEqual([200]);
  });

  it("over TCP Timer J is zero", () => {
    const { timers, context, send } = setup(true);
    const tx = new NonInviteServerTransaction("k", context, options, send);
    tx.respond(createResponse(options, 200, { toTag: "t" }));
    timers.advance(0);
    expect(tx.state).toBe("terminated");
  });
});
