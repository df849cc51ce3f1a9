/**
 * A caller menu's "callback" keeps the caller's place (issue 11, point 4): the caller hangs up at once, an entry
 * waits in the queue in their place, and the callback request is made when they would have been offered to an
 * operator, not before; callers who arrived later are served after it. Nothing is ever played or offered for it,
 * and a kept place that must leave (max wait, closed queue) becomes a callback request at once.
 */
import { describe, expect, it } from "vitest";
import { Harness, ofType, offers } from "./engine-harness";

describe("a place kept for a menu callback", () => {
  it("waits its turn, then becomes a callback request instead of an offer; the operator gets the next caller", () => {
    const h = new Harness({ queues: [{ id: "q", wrapUpMs: 0, positionAnnounceEveryMs: 10_000 }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }] });
    h.call("first");
    const kept = h.call("kept", "q", { keepsPlace: true });
    h.call("later");
    expect(h.engine.waitingCallIds("q")).toEqual(["first", "kept", "later"]);
    // No request while callers are ahead of it, and no announcement for a place nobody listens on.
    const waited = h.advance(30_000);
    expect(ofType([...kept, ...waited], "create-callback-request")).toEqual([]);
    expect(ofType(waited, "play-announcement").map((e) => e.callId)).not.toContain("kept");

    const ready = h.ready("a");
    expect(offers(ready)).toEqual([{ callId: "first", operatorId: "a" }]);
    h.send({ type: "offer-answered", callId: "first", operatorId: "a" });
    const turn = h.send({ type: "call-ended", callId: "first" });
    // The kept place's turn: the request, and the same operator is offered the caller behind it.
    expect(ofType(turn, "create-callback-request")).toEqual([{ type: "create-callback-request", callId: "kept", queueId: "q", callerNumber: "+15550100", reason: "callback-turn" }]);
    expect(offers(turn)).toEqual([{ callId: "later", operatorId: "a" }]);
    expect(h.records("call-finished").find((r) => r.kind === "call-finished" && r.callId === "kept")).toMatchObject({ outcome: "callback", reason: "callback-turn" });
  });

  it("an available operator makes the request at once (the caller was at the head)", () => {
    const h = new Harness({ queues: [{ id: "q" }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }] });
    h.ready("a");
    const effects = h.call("kept", "q", { keepsPlace: true });
    expect(offers(effects)).toEqual([]);
    expect(ofType(effects, "create-callback-request")).toHaveLength(1);
    expect(h.status("a")).toBe("available");
  });

  it("a kept place that must leave becomes a callback request, never a goodbye", () => {
    const h = new Harness({ queues: [{ id: "q", maxWaitMs: 60_000, maxWaitAction: { type: "hang-up", announcement: "max-wait" } }], operators: [] });
    h.call("kept", "q", { keepsPlace: true });
    const effects = h.advance(60_000);
    expect(ofType(effects, "hang-up")).toEqual([]);
    expect(ofType(effects, "create-callback-request")).toMatchObject([{ callId: "kept", reason: "max-wait" }]);
  });
});
