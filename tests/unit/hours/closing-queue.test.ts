/**
 * What the hours runtime relies on in the queue engine: closing a queue (`queue-configured` with `open: false`, all
 * other settings kept) turns away new callers with the closed goodbye, while callers already waiting stay and are
 * served until the queue empties.
 */
import { describe, expect, it } from "vitest";
import { Harness } from "../queue/engine-harness";

describe("closing a queue at the end of its hours", () => {
  it("serves the callers already waiting and turns new ones away with the closed goodbye", () => {
    const h = new Harness({ queues: [{ id: "q", wrapUpMs: 0 }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }] });
    h.call("early");
    h.call("late");
    h.send({ type: "queue-configured", settings: { id: "q", open: false } });
    expect(h.engine.waitingCallIds("q")).toEqual(["early", "late"]);
    // Settings other than `open` are kept (the hours runtime sends only the flag).
    expect(h.engine.state.queues.get("q")?.settings.wrapUpMs).toBe(0);

    const turnedAway = h.call("after-hours");
    expect(turnedAway.filter((e) => e.type === "hang-up")).toEqual([{ type: "hang-up", callId: "after-hours", announcement: "closed", reason: "closed" }]);

    // The operator comes: the waiting callers are offered in turn, though the queue is closed.
    const offers = h.ready("a").filter((e) => e.type === "offer");
    expect(offers.map((e) => e.type === "offer" && e.callId)).toEqual(["early"]);
    h.send({ type: "offer-answered", callId: "early", operatorId: "a" });
    const next = h.send({ type: "call-ended", callId: "early" }).filter((e) => e.type === "offer");
    expect(next.map((e) => e.type === "offer" && e.callId)).toEqual(["late"]);
  });
});
