import { describe, expect, it } from "vitest";
import type { Strategy } from "../../../server/queue/queue-settings.js";
import { Harness, offers, ofType } from "./engine-harness.js";

function center(strategy: Strategy, ids = ["a", "b", "c"], extra = {}): Harness {
  return new Harness({
    queues: [{ id: "q", strategy, wrapUpMs: 0, ...extra }],
    operators: ids.map((id) => ({ id, memberships: [{ queueId: "q" }] })),
  });
}

/** Answer and end a call so the operator's counters move. */
function talk(h: Harness, callId: string, operatorId: string, ms: number): void {
  h.send({ type: "offer-answered", callId, operatorId });
  h.now += ms;
  h.send({ type: "call-ended", callId });
}

describe("strategies", () => {
  it("longest-idle offers the operator idle the longest", () => {
    const h = center("longest-idle");
    h.ready("b");
    h.now = 10;
    h.ready("a");
    h.now = 20;
    h.ready("c");
    expect(offers(h.call("c1"))).toEqual([{ callId: "c1", operatorId: "b" }]);
    expect(offers(h.call("c2"))).toEqual([{ callId: "c2", operatorId: "a" }]);
    // b ends its call now: it becomes the most recently idle.
    talk(h, "c1", "b", 5);
    expect(offers(h.call("c3"))).toEqual([{ callId: "c3", operatorId: "c" }]);
  });

  it("lists a queue's free operators in the order the next caller would be offered them (consulting a queue)", () => {
    const h = center("longest-idle");
    h.ready("b");
    h.now = 10;
    h.ready("a");
    h.now = 20;
    h.ready("c");
    expect(h.engine.idleOperatorIds("q")).toEqual(["b", "a", "c"]);
    h.call("c1"); // offered to b: b is no longer free
    expect(h.engine.idleOperatorIds("q")).toEqual(["a", "c"]);
    expect(h.engine.idleOperatorIds("unknown")).toEqual([]);
  });

  it("round-robin continues after the last operator offered", () => {
    const h = center("round-robin");
    h.ready("a", "b", "c");
    const picked: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [o] = offers(h.call(`c${i}`));
      picked.push(o!.operatorId);
      talk(h, `c${i}`, o!.operatorId, 1);
    }
    expect(picked).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  it("fewest-calls prefers the operator with the fewest answered calls", () => {
    const h = center("fewest-calls", ["a", "b"]);
    h.ready("a", "b");
    talk(h, (h.call("c1"), "c1"), "a", 1); // a: 1 call
    expect(offers(h.call("c2"))[0]?.operatorId).toBe("b");
    talk(h, "c2", "b", 1);
    talk(h, (h.call("c3"), "c3"), offers(h.log).at(-1)!.operatorId, 1);
    const counts = ["a", "b"].map((id) => h.engine.operatorView(id)!.callsToday);
    expect(counts.sort()).toEqual([1, 2]);
    const fewer = h.engine.operatorView("a")!.callsToday < h.engine.operatorView("b")!.callsToday ? "a" : "b";
    expect(offers(h.call("c4"))[0]?.operatorId).toBe(fewer);
  });

  it("least-talk-time prefers the operator who talked least", () => {
    const h = center("least-talk-time", ["a", "b"]);
    h.ready("a", "b");
    h.call("c1");
    h.call("c2");
    talk(h, "c1", "a", 100_000);
    talk(h, "c2", "b", 10_000);
    expect(offers(h.call("c3"))[0]?.operatorId).toBe("b");
  });

  it("shift start resets the counters used by fewest-calls", () => {
    const h = center("fewest-calls", ["a", "b"]);
    h.ready("a", "b");
    h.call("c1");
    talk(h, "c1", "a", 1);
    h.send({ type: "shift-started", operatorId: "a" });
    h.send({ type: "shift-started", operatorId: "b" });
    expect(h.engine.operatorView("a")?.callsToday).toBe(0);
  });

  it("ring-all rings every idle operator; the first answer wins and the others are cancelled", () => {
    const h = center("ring-all");
    h.ready("a", "b", "c");
    expect(offers(h.call("c1")).map((o) => o.operatorId).sort()).toEqual(["a", "b", "c"]);
    const effects = h.send({ type: "offer-answered", callId: "c1", operatorId: "b" });
    expect(ofType(effects, "cancel-offer").map((e) => [e.operatorId, e.reason])).toEqual([
      ["a", "answered-elsewhere"],
      ["c", "answered-elsewhere"],
    ]);
    expect([h.status("a"), h.status("b"), h.status("c")]).toEqual(["available", "on-call", "available"]);
    // A late answer from a cancelled operator is ignored.
    expect(h.send({ type: "offer-answered", callId: "c1", operatorId: "a" })[0]?.type).toBe("ignored");
  });

  it("ring-all requeues only when every ringing operator missed", () => {
    const h = center("ring-all", ["a", "b"], { retryDelayMs: 0, maxMissedOffers: 0 });
    h.ready("a", "b");
    h.call("c1");
    h.send({ type: "offer-declined", callId: "c1", operatorId: "a" });
    expect(h.engine.operatorView("b")?.offeredCallId).toBe("c1");
    // a is idle again and the caller is still ringing b: a is not rung a second time for the same caller.
    expect(h.status("a")).toBe("available");
    const effects = h.send({ type: "offer-declined", callId: "c1", operatorId: "b" });
    expect(offers(effects).map((o) => o.operatorId).sort()).toEqual(["a", "b"]);
  });

  it("skills tries a lower tier only after the tier delay", () => {
    const h = new Harness({
      queues: [{ id: "q", strategy: "skills", tierDelaysMs: [0, 30_000, 60_000], wrapUpMs: 0 }],
      operators: [
        { id: "expert", memberships: [{ queueId: "q", tier: 1 }] },
        { id: "junior", memberships: [{ queueId: "q", tier: 2 }] },
        { id: "trainee", memberships: [{ queueId: "q", tier: 3 }] },
      ],
    });
    h.ready("junior", "trainee");
    expect(offers(h.call("c1"))).toEqual([]);
    expect(h.engine.nextDeadline()).toBe(30_000);
    expect(offers(h.advance(29_999))).toEqual([]);
    expect(offers(h.advance(1))).toEqual([{ callId: "c1", operatorId: "junior" }]);
    h.send({ type: "offer-answered", callId: "c1", operatorId: "junior" });
    // The next caller reaches tier 3 only at 60 s after its arrival.
    h.call("c2");
    expect(offers(h.advance(59_999))).toEqual([]);
    expect(offers(h.advance(1))).toEqual([{ callId: "c2", operatorId: "trainee" }]);
  });

  it("skills prefers the better tier when both are idle", () => {
    const h = new Harness({
      queues: [{ id: "q", strategy: "skills", tierDelaysMs: [0, 10_000] }],
      operators: [
        { id: "junior", memberships: [{ queueId: "q", tier: 2 }] },
        { id: "expert", memberships: [{ queueId: "q", tier: 1 }] },
      ],
    });
    h.ready("junior");
    h.now = 50;
    h.ready("expert");
    h.now = 20_000;
    expect(offers(h.call("c1"))[0]?.operatorId).toBe("expert");
  });

  it("a tier-2 operator freed later takes a caller who already waited past the delay", () => {
    const h = new Harness({
      queues: [{ id: "q", strategy: "skills", tierDelaysMs: [0, 10_000] }],
      operators: [{ id: "junior", memberships: [{ queueId: "q", tier: 2 }] }],
    });
    h.call("c1");
    h.advance(20_000);
    expect(offers(h.ready("junior"))).toEqual([{ callId: "c1", operatorId: "junior" }]);
  });
});

describe("multi-queue dispatch", () => {
  it("a freed operator takes the highest priority, then the longest waiting caller across its queues", () => {
    const h = new Harness({
      queues: [{ id: "sales", wrapUpMs: 0 }, { id: "support", wrapUpMs: 0 }, { id: "vip", weight: 10, wrapUpMs: 0 }],
      operators: [{ id: "a", memberships: [{ queueId: "sales" }, { queueId: "support" }, { queueId: "vip" }] }],
      vipPriorities: { "+1boss": 5 },
    });
    h.ready("a");
    h.call("first", "sales");
    h.send({ type: "offer-answered", callId: "first", operatorId: "a" });
    h.now = 1;
    h.call("s1", "support");
    h.now = 2;
    h.call("s2", "sales");
    h.now = 3;
    h.send({ type: "caller-entered", callId: "boss", queueId: "sales", callerNumber: "+1boss" });
    h.now = 4;
    h.call("v1", "vip");
    const order: string[] = [];
    let current = "first";
    for (let i = 0; i < 4; i++) {
      const next = offers(h.send({ type: "call-ended", callId: current }))[0]!.callId;
      order.push(next);
      h.send({ type: "offer-answered", callId: next, operatorId: "a" });
      current = next;
    }
    expect(order).toEqual(["v1", "boss", "s1", "s2"]);
  });

  it("keeps arrival order within a priority", () => {
    const h = new Harness({ queues: [{ id: "q" }], operators: [] });
    for (let i = 0; i < 5; i++) {
      h.now = i;
      h.call(`c${i}`, "q", { priority: i % 2 });
    }
    expect(h.engine.waitingCallIds("q")).toEqual(["c1", "c3", "c0", "c2", "c4"]);
  });
});
