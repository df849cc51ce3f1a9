/** Blind transfers in the engine (issue 9): to a queue (arrival time and priority kept), to one operator, refused. */
import { describe, expect, it } from "vitest";
import { Harness, offers, ofType } from "./engine-harness.js";

function center(): Harness {
  return new Harness({
    queues: [
      { id: "sales", wrapUpMs: 10_000, ringTimeoutMs: 15_000, retryDelayMs: 0 },
      { id: "support", wrapUpMs: 0, ringTimeoutMs: 15_000, retryDelayMs: 0 },
      { id: "closed", open: false },
    ],
    operators: [
      { id: "a", memberships: [{ queueId: "sales" }] },
      { id: "b", memberships: [{ queueId: "support" }] },
      { id: "c", memberships: [{ queueId: "sales" }] },
    ],
  });
}

describe("blind transfer to a queue", () => {
  it("the caller keeps its arrival time: ahead of callers who arrived later, and the operator goes to wrap-up", () => {
    const h = center();
    h.ready("a");
    h.now = 1_000;
    h.call("early", "sales");
    h.send({ type: "offer-answered", callId: "early", operatorId: "a" });
    h.now = 5_000;
    h.call("later", "support");
    expect(h.engine.waitingCallIds("support")).toEqual(["later"]);
    h.now = 65_000;
    const effects = h.send({ type: "call-transferred", callId: "early", operatorId: "a", to: { queueId: "support" } });
    expect(h.engine.waitingCallIds("support")).toEqual(["early", "later"]);
    expect(h.status("a")).toBe("wrap-up");
    expect(h.records("call-transferred")).toEqual([
      { kind: "call-transferred", at: 65_000, callId: "early", queueId: "sales", operatorId: "a", toQueueId: "support", talkMs: 64_000 },
    ]);
    expect(ofType(effects, "transfer-refused")).toEqual([]);
    // The second operator answers: the answer is marked as after a transfer, and the call's wait stays the first one.
    h.ready("b");
    expect(h.engine.operatorView("b")?.offeredCallId).toBe("early");
    h.now = 70_000;
    h.send({ type: "offer-answered", callId: "early", operatorId: "b" });
    expect(h.records("call-answered").at(-1)).toMatchObject({ operatorId: "b", transferred: true });
    h.now = 80_000;
    h.send({ type: "call-ended", callId: "early" });
    expect(h.records("call-finished").at(-1)).toMatchObject({ outcome: "answered", waitedMs: 0, talkMs: 74_000 });
  });

  it("a closed or unknown queue refuses the transfer: the caller stays with the operator", () => {
    const h = center();
    h.ready("a");
    h.call("c1", "sales");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    for (const queueId of ["closed", "nowhere"]) {
      const effects = h.send({ type: "call-transferred", callId: "c1", operatorId: "a", to: { queueId } });
      expect(ofType(effects, "transfer-refused")).toEqual([{ type: "transfer-refused", callId: "c1", operatorId: "a", reason: "queue-unavailable" }]);
    }
    expect(h.status("a")).toBe("on-call");
    expect(h.engine.operatorView("a")?.callId).toBe("c1");
  });

  it("only the operator talking to the caller can transfer it", () => {
    const h = center();
    h.ready("a", "c");
    h.call("c1", "sales");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    const effects = h.send({ type: "call-transferred", callId: "c1", operatorId: "c", to: { queueId: "support" } });
    expect(ofType(effects, "ignored")).toHaveLength(1);
    expect(h.status("a")).toBe("on-call");
  });
});

describe("blind transfer to an operator", () => {
  it("rings only that operator; answered, they talk to the caller", () => {
    const h = center();
    h.ready("a", "b", "c");
    h.call("c1", "sales");
    const talking = h.engine.operatorView("a")?.offeredCallId === "c1" ? "a" : "c";
    h.send({ type: "offer-answered", callId: "c1", operatorId: talking });
    const effects = h.send({ type: "call-transferred", callId: "c1", operatorId: talking, to: { operatorId: "b" } });
    expect(offers(effects)).toEqual([{ callId: "c1", operatorId: "b" }]);
    h.send({ type: "offer-answered", callId: "c1", operatorId: "b" });
    expect(h.engine.operatorView("b")?.callId).toBe("c1");
  });

  it("unanswered, the caller goes back to the head of its queue with an apology", () => {
    const h = center();
    h.ready("a", "b");
    h.call("c1", "sales");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.now = 1_000;
    h.call("c2", "sales");
    h.send({ type: "call-transferred", callId: "c1", operatorId: "a", to: { operatorId: "b" } });
    h.send({ type: "pause-requested", operatorId: "a", reason: "training" });
    const effects = h.advance(15_000);
    expect(ofType(effects, "play-announcement")).toContainEqual({ type: "play-announcement", callId: "c1", announcement: "transfer-returned" });
    expect(h.records("call-requeued").at(-1)).toMatchObject({ callId: "c1", why: "transfer-unanswered" });
    expect(h.engine.waitingCallIds("sales")).toEqual(["c1", "c2"]);
  });

  it("unanswered, the caller goes back to the operator who transferred it when they are free (even outside the queue)", () => {
    const h = new Harness({
      queues: [{ id: "sales", wrapUpMs: 0, ringTimeoutMs: 15_000, retryDelayMs: 0 }],
      operators: [
        { id: "a", memberships: [{ queueId: "sales" }] },
        { id: "b", memberships: [] },
        { id: "lead", memberships: [] },
      ],
    });
    h.ready("a", "b");
    h.call("c1", "sales");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.send({ type: "call-transferred", callId: "c1", operatorId: "a", to: { operatorId: "b" } });
    // a is free (no wrap-up) but busy with nothing else: the caller comes back to a, not to whoever is next.
    const effects = h.send({ type: "offer-declined", callId: "c1", operatorId: "b" });
    expect(offers(effects)).toEqual([{ callId: "c1", operatorId: "a" }]);
    expect(ofType(effects, "play-announcement")).toEqual([{ type: "play-announcement", callId: "c1", announcement: "transfer-returned" }]);
  });

  it("an operator who is not available refuses the transfer: the caller stays", () => {
    const h = center();
    h.ready("a");
    h.call("c1", "sales");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    const effects = h.send({ type: "call-transferred", callId: "c1", operatorId: "a", to: { operatorId: "b" } });
    expect(ofType(effects, "transfer-refused")).toEqual([{ type: "transfer-refused", callId: "c1", operatorId: "a", reason: "operator-unavailable" }]);
    expect(h.engine.operatorView("a")?.callId).toBe("c1");
  });
});
