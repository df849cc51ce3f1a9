/** After-call work after an answered outbound call (issue 9): the `outbound-call-ended` event. */
import { describe, expect, it } from "vitest";
import { resolveQueueSettings } from "../../../server/queue/queue-settings.js";
import { Harness, offers } from "./engine-harness.js";

function center(): Harness {
  return new Harness({
    queues: [
      { id: "sales", wrapUpMs: 10_000, ringTimeoutMs: 15_000, retryDelayMs: 0 },
      { id: "quick", wrapUpMs: 0 },
    ],
    operators: [{ id: "a", memberships: [{ queueId: "sales" }, { queueId: "quick" }] }],
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
  it("the operator goes to wrap-up for the wrap-up time of the caller ID's queue, is offered nothing meanwhile, then is available", () => {
    const h = onOutboundCall();
    h.now = 60_000;
    h.send({ type: "outbound-call-ended", operatorId: "a", queueId: "sales" });
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
    h.send({ type: "outbound-call-ended", operatorId: "a", queueId: "sales" });
    h.now = 2_000;
    h.send({ type: "wrap-up-finished", operatorId: "a" });
    expect(h.status("a")).toBe("available");
    expect(h.engine.nextDeadline()).toBeUndefined();
  });

  it("the extension of a timed wrap-up works as after an inbound call", () => {
    const h = onOutboundCall();
    h.send({ type: "outbound-call-ended", operatorId: "a", queueId: "sales" });
    h.send({ type: "wrap-up-extended", operatorId: "a", byMs: 5_000 });
    h.advance(12_000);
    expect(h.status("a")).toBe("wrap-up");
    h.advance(3_000);
    expect(h.status("a")).toBe("available");
  });

  it("a queue without wrap-up time: straight back to available", () => {
    const h = onOutboundCall();
    h.send({ type: "outbound-call-ended", operatorId: "a", queueId: "quick" });
    expect(h.status("a")).toBe("available");
  });

  it("no queue (the trunk account's caller ID) or an unknown one: the default wrap-up time", () => {
    const defaultMs = resolveQueueSettings({ id: "default" }).wrapUpMs;
    expect(defaultMs).toBeGreaterThan(0);
    for (const queueId of [undefined, "gone"]) {
      const h = onOutboundCall();
      h.send({ type: "outbound-call-ended", operatorId: "a", ...(queueId && { queueId }) });
      expect(h.status("a")).toBe("wrap-up");
      h.advance(defaultMs - 1);
      expect(h.status("a")).toBe("wrap-up");
      h.advance(1);
      expect(h.status("a")).toBe("available");
    }
  });

  it("an operator who was paused for another reason when dialling wraps up, then is paused again", () => {
    const h = center();
    h.ready("a");
    h.send({ type: "pause-requested", operatorId: "a", reason: "training" });
    h.send({ type: "outbound-call-ended", operatorId: "a", queueId: "sales" });
    expect(h.status("a")).toBe("wrap-up");
    h.advance(10_000);
    expect(h.engine.operatorView("a")).toMatchObject({ status: "paused", reason: "training" });
  });

  it("is ignored for an operator who is not paused (available, or on an inbound call)", () => {
    const h = center();
    h.ready("a");
    h.send({ type: "resume-requested", operatorId: "a" });
    const ignored = [{ type: "ignored", event: "outbound-call-ended", reason: "operator not paused for an outbound call" }];
    expect(h.send({ type: "outbound-call-ended", operatorId: "a", queueId: "sales" })).toEqual(ignored);
    expect(h.status("a")).toBe("available");
    h.call("c1", "sales");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    expect(h.status("a")).toBe("on-call");
    expect(h.send({ type: "outbound-call-ended", operatorId: "a", queueId: "sales" })).toEqual(ignored);
    expect(h.status("a")).toBe("on-call");
  });
});
