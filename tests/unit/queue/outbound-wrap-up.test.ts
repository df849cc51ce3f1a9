/** After-call work after an answered outbound call (issue 9): the `outbound-call-ended` event. */
import { describe, expect, it } from "vitest";
import { Harness, offers } from "./engine-harness.js";

function center(): Harness {
  return new Harness({
    queues: [{ id: "sales", wrapUpMs: 10_000, ringTimeoutMs: 15_000, retryDelayMs: 0 }],
    operators: [{ id: "a", memberships: [{ queueId: "sales" }] }],
  });
}

/** Operator a, available, dials out: paused `outbound` for the call, as server/outbound does. */
function onOutboundCall(): Harness {
  const h = center();
  h.ready("a");
  h.send({ type: "resume-requested", operatorId: "a" });
  h.send({ type: "pause-requested", operatorId: "a", reason: "outbound" });
  expect(h.engine.operatorView("a")).toMatchObject({ status: "paused", reason: "outbound" });
  return h;
}

describe("wrap-up after an answered outbound call", () => {
  it("the operator goes to wrap-up for the given time, is offered nothing meanwhile, then is available", () => {
    const h = onOutboundCall();
    h.now = 60_000;
    h.send({ type: "outbound-call-ended", operatorId: "a", wrapUpMs: 10_000 });
    expect(h.engine.operatorView("a")).toMatchObject({ status: "wrap-up", reason: "outbound-call-ended", since: 60_000 });
    h.now = 61_000;
    expect(offers(h.call("c1", "sales"))).toEqual([]);
    expect(offers(h.advance(8_000))).toEqual([]);
    expect(h.status("a")).toBe("wrap-up");
    // The wrap-up ends at 70 s: the waiting caller is offered at once.
    expect(offers(h.advance(2_000))).toEqual([{ callId: "c1", operatorId: "a" }]);
  });

  it("Done (wrap-up-finished) ends it early", () => {
    const h = onOutboundCall();
    h.send({ type: "outbound-call-ended", operatorId: "a", wrapUpMs: 10_000 });
    h.now = 2_000;
    h.send({ type: "wrap-up-finished", operatorId: "a" });
    expect(h.status("a")).toBe("available");
    expect(h.engine.nextDeadline()).toBeUndefined();
  });

  it("the extension of a timed wrap-up works as after an inbound call", () => {
    const h = onOutboundCall();
    h.send({ type: "outbound-call-ended", operatorId: "a", wrapUpMs: 10_000 });
    h.send({ type: "wrap-up-extended", operatorId: "a", byMs: 5_000 });
    h.advance(12_000);
    expect(h.status("a")).toBe("wrap-up");
    h.advance(3_000);
    expect(h.status("a")).toBe("available");
  });

  it("no wrap-up time: straight back to available", () => {
    const h = onOutboundCall();
    h.send({ type: "outbound-call-ended", operatorId: "a", wrapUpMs: 0 });
    expect(h.status("a")).toBe("available");
  });

  it("an operator who was paused for another reason when dialling wraps up, then is paused again", () => {
    const h = center();
    h.ready("a");
    h.send({ type: "pause-requested", operatorId: "a", reason: "training" });
    h.send({ type: "outbound-call-ended", operatorId: "a", wrapUpMs: 10_000 });
    expect(h.status("a")).toBe("wrap-up");
    h.advance(10_000);
    expect(h.engine.operatorView("a")).toMatchObject({ status: "paused", reason: "training" });
  });

  it("is ignored for an operator who is not paused (available, or on an inbound call)", () => {
    const h = center();
    h.ready("a");
    h.send({ type: "resume-requested", operatorId: "a" });
    const effects = h.send({ type: "outbound-call-ended", operatorId: "a", wrapUpMs: 10_000 });
    expect(effects).toEqual([{ type: "ignored", event: "outbound-call-ended", reason: "operator not paused for an outbound call" }]);
    expect(h.status("a")).toBe("available");
  });
});
