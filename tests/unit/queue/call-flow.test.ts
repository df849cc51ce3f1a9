import { describe, expect, it } from "vitest";
import { reconcile } from "../../../server/queue/reconcile.js";
import { OperatorStatus } from "../../../server/queue/operator-state.js";
import { checkInvariants } from "../../../server/queue/invariants.js";
import type { QueueSettingsInput } from "../../../server/queue/queue-settings.js";
import { Harness, offers, ofType } from "./engine-harness.js";

function center(queue: Partial<QueueSettingsInput> = {}, ids = ["a", "b"]): Harness {
  return new Harness({
    queues: [{ id: "q", ...queue }, { id: "other" }],
    operators: ids.map((id) => ({ id, memberships: [{ queueId: "q" }] })),
  });
}

describe("missed offers", () => {
  it("on ring timeout the caller goes back to the head and is offered to the next operator at once", () => {
    const h = center({ ringTimeoutMs: 15_000 });
    h.ready("a");
    h.now = 1;
    h.ready("b");
    h.send({ type: "pause-requested", operatorId: "b", reason: "training" });
    h.call("c1");
    h.now = 5;
    h.call("c2");
    expect(h.engine.waitingCallIds("q")).toEqual(["c2"]);
    h.send({ type: "resume-requested", operatorId: "b" });
    h.send({ type: "offer-answered", callId: "c2", operatorId: "b" });
    // b took c2; a still rings for c1.
    const effects = h.advance(15_000);
    expect(ofType(effects, "cancel-offer")).toEqual([{ type: "cancel-offer", callId: "c1", operatorId: "a", reason: "ring-timeout" }]);
    expect(h.records("offer-missed")).toHaveLength(1);
    expect(h.engine.operatorView("a")?.consecutiveMisses).toBe(1);
    // a is in its retry delay for c1 and b is busy: c1 waits at the head.
    h.call("c3");
    expect(h.engine.waitingCallIds("q")).toEqual(["c1"]);
    expect(h.engine.operatorView("a")?.offeredCallId).toBe("c3");
  });

  it("re-offers to the same operator after the retry delay when nobody else is free", () => {
    const h = center({ retryDelayMs: 3_000 }, ["a"]);
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-declined", callId: "c1", operatorId: "a" });
    expect(h.status("a")).toBe("available");
    expect(h.engine.nextDeadline()).toBe(3_000);
    expect(offers(h.advance(3_000))).toEqual([{ callId: "c1", operatorId: "a" }]);
  });

  it("pauses an operator with reason missed-calls after N consecutive misses", () => {
    const h = center({ maxMissedOffers: 2, retryDelayMs: 0 }, ["a"]);
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-timed-out", callId: "c1", operatorId: "a" });
    expect(h.status("a")).toBe("offered");
    const effects = h.send({ type: "offer-declined", callId: "c1", operatorId: "a" });
    expect(h.status("a")).toBe("paused");
    expect(h.engine.operatorView("a")?.reason).toBe("missed-calls");
    expect(ofType(effects, "operator-state-changed").at(-1)?.reason).toBe("missed-calls");
    expect(h.engine.waitingCallIds("q")).toEqual(["c1"]);
  });

  it("an answer resets the consecutive miss count", () => {
    const h = center({ maxMissedOffers: 2, retryDelayMs: 0 }, ["a"]);
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-declined", callId: "c1", operatorId: "a" });
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    expect(h.engine.operatorView("a")?.consecutiveMisses).toBe(0);
  });

  it("a disconnect while ringing cancels the offer and requeues the caller", () => {
    const h = center({}, ["a", "b"]);
    h.ready("a", "b");
    h.call("c1");
    const effects = h.send({ type: "socket-disconnected", operatorId: "a" });
    expect(ofType(effects, "cancel-offer")[0]?.reason).toBe("operator-unavailable");
    expect(offers(effects)).toEqual([{ callId: "c1", operatorId: "b" }]);
    expect(h.status("a")).toBe("offline");
  });

  it("a caller hanging up while ringing cancels the offer without a miss", () => {
    const h = center({}, ["a"]);
    h.ready("a");
    h.call("c1");
    const effects = h.send({ type: "caller-hung-up", callId: "c1" });
    expect(ofType(effects, "cancel-offer")[0]?.reason).toBe("caller-hung-up");
    expect(h.engine.operatorView("a")?.consecutiveMisses).toBe(0);
    expect(h.records("call-finished")).toEqual([expect.objectContaining({ outcome: "abandoned", shortAbandon: true })]);
  });
});

describe("operator leg failure during a call", () => {
  it("puts the caller back at the head with priority and an apology", () => {
    const h = center({}, ["a", "b"]);
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.now = 1_000;
    h.call("c2", "q", { priority: 9 });
    const effects = h.send({ type: "operator-leg-failed", callId: "c1", operatorId: "a" });
    expect(ofType(effects, "play-announcement")).toEqual([{ type: "play-announcement", callId: "c1", announcement: "apology" }]);
    expect(h.engine.waitingCallIds("q")).toEqual(["c1", "c2"]);
    expect(h.engine.operatorView("a")).toMatchObject({ status: "paused", reason: "leg-failed" });
    expect(offers(h.ready("b"))).toEqual([{ callId: "c1", operatorId: "b" }]);
  });
});

describe("call end and wrap-up", () => {
  it("wrap-up ends by timer or by the operator, and records service level", () => {
    const h = center({ wrapUpMs: 30_000, serviceLevelMs: 20_000 }, ["a"]);
    h.call("c1");
    h.now = 25_000;
    h.ready("a");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    expect(h.records("call-answered")[0]).toMatchObject({ waitedMs: 25_000, withinServiceLevel: false, serviceLevelMs: 20_000 });
    h.now += 60_000;
    h.send({ type: "call-ended", callId: "c1" });
    expect(h.status("a")).toBe("wrap-up");
    h.advance(30_000);
    expect(h.status("a")).toBe("available");
    h.call("c2");
    h.send({ type: "offer-answered", callId: "c2", operatorId: "a" });
    h.send({ type: "call-ended", callId: "c2" });
    h.send({ type: "wrap-up-finished", operatorId: "a" });
    expect(h.status("a")).toBe("available");
    expect(h.engine.state.calls.size).toBe(0);
    expect(h.records("call-finished").map((r) => r.kind === "call-finished" && r.outcome)).toEqual(["answered", "answered"]);
  });

  it("an extended wrap-up ends that much later; outside wrap-up the extension is ignored", () => {
    const h = center({ wrapUpMs: 30_000 }, ["a"]);
    h.ready("a");
    expect(h.send({ type: "wrap-up-extended", operatorId: "a", byMs: 60_000 })).toEqual([expect.objectContaining({ type: "ignored", event: "wrap-up-extended" })]);
    h.call("c1");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.send({ type: "call-ended", callId: "c1" });
    h.advance(10_000);
    h.send({ type: "wrap-up-extended", operatorId: "a", byMs: 60_000 });
    h.advance(25_000);
    expect(h.status("a")).toBe("wrap-up");
    h.advance(54_999);
    expect(h.status("a")).toBe("wrap-up");
    h.advance(1);
    expect(h.status("a")).toBe("available");
  });
});

describe("max wait, queue length and empty queues", () => {
  it("max wait overflows to another queue", () => {
    const h = center({ maxWaitMs: 60_000, maxWaitAction: { type: "overflow", queueId: "other" } });
    h.call("c1");
    const effects = h.advance(60_000);
    expect(ofType(effects, "overflow")).toEqual([{ type: "overflow", callId: "c1", fromQueueId: "q", toQueueId: "other", reason: "max-wait" }]);
    expect(h.engine.waitingCallIds("other")).toEqual(["c1"]);
  });

  it("max wait to a queue the engine does not know ends the call as overflowed", () => {
    const h = center({ maxWaitMs: 1_000, maxWaitAction: { type: "overflow", queueId: "voicemail" } });
    h.call("c1");
    h.advance(1_000);
    expect(h.records("call-finished")).toEqual([expect.objectContaining({ outcome: "overflowed", reason: "max-wait" })]);
  });

  it("max wait creates a callback request", () => {
    const h = center({ maxWaitMs: 1_000, maxWaitAction: { type: "callback" } });
    h.call("c1");
    const effects = h.advance(1_000);
    expect(ofType(effects, "create-callback-request")).toHaveLength(1);
    expect(h.records("call-finished")).toEqual([expect.objectContaining({ outcome: "callback" })]);
  });

  it("an anonymous caller sent to callback is told the number could not be noted, and no request is made", () => {
    const h = center({ maxWaitMs: 1_000, maxWaitAction: { type: "callback" } });
    h.call("c1", "q", { callerNumber: "anonymous" });
    h.call("c2", "q", { callerNumber: "test:admin" });
    const effects = h.advance(1_000);
    expect(ofType(effects, "create-callback-request")).toHaveLength(0);
    expect(ofType(effects, "hang-up")).toEqual([
      { type: "hang-up", callId: "c1", announcement: "callback-unavailable", reason: "max-wait" },
      { type: "hang-up", callId: "c2", announcement: "callback-unavailable", reason: "max-wait" },
    ]);
    expect(h.records("call-finished")).toEqual([expect.objectContaining({ outcome: "hung-up" }), expect.objectContaining({ outcome: "hung-up" })]);
  });

  it("max wait while ringing acts when the caller comes back to the queue", () => {
    const h = center({ maxWaitMs: 10_000, ringTimeoutMs: 20_000 }, ["a"]);
    h.ready("a");
    h.call("c1");
    h.advance(10_000);
    expect(h.status("a")).toBe("offered");
    const effects = h.send({ type: "offer-declined", callId: "c1", operatorId: "a" });
    expect(ofType(effects, "hang-up")).toEqual([{ type: "hang-up", callId: "c1", announcement: "max-wait", reason: "max-wait" }]);
  });

  it("overflow loops end with a hang-up", () => {
    const h = new Harness({
      queues: [
        { id: "x", maxWaitMs: 1, maxWaitAction: { type: "overflow", queueId: "y" } },
        { id: "y", maxWaitMs: 1, maxWaitAction: { type: "overflow", queueId: "x" } },
      ],
      maxOverflowHops: 2,
    });
    h.call("c1", "x");
    h.advance(10);
    expect(h.records("call-finished")).toEqual([expect.objectContaining({ outcome: "hung-up" })]);
  });

  it("a full queue applies its action", () => {
    const h = center({ maxQueueLength: 1 });
    h.call("c1");
    const effects = h.call("c2");
    expect(ofType(effects, "hang-up")[0]).toMatchObject({ callId: "c2", announcement: "queue-full" });
  });

  it("refuses callers when nobody is logged in, if configured", () => {
    const h = center({ joinWhen: "logged-in" });
    expect(ofType(h.call("c1"), "hang-up")[0]?.reason).toBe("no-operators");
    h.send({ type: "operator-logged-in", operatorId: "a" });
    expect(h.call("c2").some((e) => e.type === "hang-up")).toBe(false);
  });

  it("makes waiting callers leave when the last operator stops staffing, if configured", () => {
    const h = center({ leaveWhen: "none-staffed", noOperatorsAction: { type: "callback" }, wrapUpMs: 0 }, ["a"]);
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.call("c3");
    // Logging out mid-call keeps a staffing the queue until the call is over.
    expect(ofType(h.send({ type: "operator-logged-out", operatorId: "a" }), "create-callback-request")).toEqual([]);
    const effects = h.send({ type: "call-ended", callId: "c1" });
    expect(ofType(effects, "create-callback-request").map((e) => e.callId)).toEqual(["c3"]);
  });

  it("a closed queue plays the closed announcement", () => {
    const h = center({ open: false });
    expect(ofType(h.call("c1"), "hang-up")[0]?.announcement).toBe("closed");
    h.send({ type: "queue-configured", settings: { id: "q", open: true } });
    expect(h.engine.waitingCallIds("q")).toEqual([]);
    h.call("c2");
    expect(h.engine.waitingCallIds("q")).toEqual(["c2"]);
  });
});

describe("announcements", () => {
  it("announces position and estimated wait every N seconds, and periodic messages", () => {
    const h = center({ positionAnnounceEveryMs: 30_000, periodicAnnounceEveryMs: 45_000, initialHandleTimeMs: 120_000 });
    h.call("c1");
    h.call("c2");
    const effects = ofType(h.advance(90_000), "play-announcement");
    const forC2 = effects.filter((e) => e.callId === "c2");
    expect(forC2.filter((e) => e.announcement === "position")).toHaveLength(3);
    expect(forC2.filter((e) => e.announcement === "periodic")).toHaveLength(2);
    expect(forC2[0]).toMatchObject({ announcement: "position", position: 2, estimatedWaitMs: 240_000 });
  });

  it("stops announcing once the caller is answered", () => {
    const h = center({ positionAnnounceEveryMs: 10_000 }, ["a"]);
    h.call("c1");
    h.advance(5_000);
    h.ready("a");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    expect(ofType(h.advance(60_000), "play-announcement")).toEqual([]);
  });
});

describe("breaks", () => {
  it("a break waits in line when the queue's break limit is reached and starts when allowed", () => {
    const h = center({ maxOnBreak: 1 }, ["a", "b", "c"]);
    h.ready("a", "b", "c");
    h.send({ type: "pause-requested", operatorId: "a", reason: "break" });
    const queued = h.send({ type: "pause-requested", operatorId: "b", reason: "lunch" });
    expect(ofType(queued, "pause-request-changed")).toEqual([{ type: "pause-request-changed", operatorId: "b", request: { reason: "lunch", position: 1 } }]);
    expect(h.status("b")).toBe("available");
    // Training is not limited: it starts at once, and no request is left pending.
    const training = h.send({ type: "pause-requested", operatorId: "c", reason: "training" });
    expect(h.status("c")).toBe("paused");
    expect(ofType(training, "pause-request-changed")).toEqual([{ type: "pause-request-changed", operatorId: "c" }]);
    const resumed = h.send({ type: "resume-requested", operatorId: "a" });
    expect(h.engine.operatorView("b")).toMatchObject({ status: "paused", reason: "lunch" });
    expect(ofType(resumed, "pause-request-changed")).toEqual([{ type: "pause-request-changed", operatorId: "b" }]);
  });

  it("those behind in the break line are told they moved up when someone ahead withdraws", () => {
    const h = center({ maxOnBreak: 1 }, ["a", "b", "c", "d"]);
    h.ready("a", "b", "c", "d");
    h.send({ type: "pause-requested", operatorId: "a", reason: "break" });
    h.send({ type: "pause-requested", operatorId: "b", reason: "break" });
    h.send({ type: "pause-requested", operatorId: "c", reason: "lunch" });
    h.send({ type: "pause-requested", operatorId: "d", reason: "break" });
    const withdrawn = h.send({ type: "resume-requested", operatorId: "b" });
    expect(ofType(withdrawn, "pause-request-changed")).toEqual([
      { type: "pause-request-changed", operatorId: "b" },
      { type: "pause-request-changed", operatorId: "c", request: { reason: "lunch", position: 1 } },
      { type: "pause-request-changed", operatorId: "d", request: { reason: "break", position: 2 } },
    ]);
  });

  it("a busy operator's pause starts after the call and wrap-up", () => {
    const h = center({ wrapUpMs: 5_000 }, ["a"]);
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.send({ type: "pause-requested", operatorId: "a", reason: "break" });
    expect(h.status("a")).toBe("on-call");
    h.send({ type: "call-ended", callId: "c1" });
    h.advance(5_000);
    expect(h.engine.operatorView("a")).toMatchObject({ status: "paused", reason: "break" });
  });

  it("warns supervisors when a break runs over its maximum", () => {
    const h = new Harness({
      queues: [{ id: "q" }],
      operators: [{ id: "a", memberships: [{ queueId: "q" }] }],
      maxPauseMs: { break: 60_000 },
    });
    h.ready("a");
    h.send({ type: "pause-requested", operatorId: "a", reason: "break" });
    const warnings = ofType(h.advance(120_000), "warn-supervisors");
    expect(warnings).toEqual([{ type: "warn-supervisors", warning: "break-overrun", operatorId: "a", reason: "break", since: 0, overrunMs: 0 }]);
  });

  it("a resumed break is not warned about", () => {
    const h = new Harness({ queues: [{ id: "q" }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }], maxPauseMs: { break: 1_000 } });
    h.ready("a");
    h.send({ type: "pause-requested", operatorId: "a", reason: "break" });
    h.send({ type: "resume-requested", operatorId: "a" });
    expect(h.engine.nextDeadline()).toBeUndefined();
  });
});

describe("shifts", () => {
  it("shift end pauses the operator after the current call, and they may resume for overtime", () => {
    const h = center({ wrapUpMs: 0 }, ["a"]);
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.send({ type: "shift-ended", operatorId: "a" });
    expect(h.status("a")).toBe("on-call");
    h.call("c2");
    h.send({ type: "call-ended", callId: "c1" });
    expect(h.engine.operatorView("a")).toMatchObject({ status: "paused", reason: "shift-ended" });
    expect(h.engine.operatorView("a")?.presence.loggedIn).toBe(true);
    expect(h.engine.waitingCallIds("q")).toEqual(["c2"]);
    h.send({ type: "resume-requested", operatorId: "a" });
    expect(h.engine.operatorView("a")?.offeredCallId).toBe("c2");
  });

  it("an idle operator is paused at once when the shift ends", () => {
    const h = center({}, ["a"]);
    h.ready("a");
    h.send({ type: "shift-ended", operatorId: "a" });
    expect(h.engine.operatorView("a")).toMatchObject({ status: "paused", reason: "shift-ended" });
  });
});

describe("pause policy", () => {
  it("a reason that stops taking a break slot frees it, and the operator waiting for it starts their break", () => {
    const h = new Harness({
      queues: [{ id: "q", maxOnBreak: 1 }],
      operators: ["a", "b"].map((id) => ({ id, memberships: [{ queueId: "q" }] })),
    });
    h.ready("a");
    h.ready("b");
    h.send({ type: "pause-requested", operatorId: "a", reason: "lunch" });
    h.send({ type: "pause-requested", operatorId: "b", reason: "break" });
    expect(h.status("b")).toBe("available");
    h.send({ type: "pause-policy-configured", limitedPauseReasons: ["break"], maxPauseMs: {} });
    expect(h.engine.operatorView("b")).toMatchObject({ status: "paused", reason: "break" });
  });

  it("a shorter maximum applies to a break already running: supervisors are warned when it is over", () => {
    const h = new Harness({ queues: [{ id: "q" }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }], maxPauseMs: { break: 15 * 60_000 } });
    h.ready("a");
    h.send({ type: "pause-requested", operatorId: "a", reason: "break" });
    h.advance(5 * 60_000);
    h.send({ type: "pause-policy-configured", limitedPauseReasons: ["break", "lunch"], maxPauseMs: { break: 10 * 60_000 } });
    expect(h.engine.nextDeadline()).toBe(h.now - 5 * 60_000 + 10 * 60_000);
    const warned = h.advance(5 * 60_000).filter((e) => e.type === "warn-supervisors");
    expect(warned).toHaveLength(1);
  });
});

describe("deadlines", () => {
  it("exposes exactly the earliest deadline and fires late timers in order", () => {
    const h = center({ ringTimeoutMs: 10_000, maxWaitMs: 50_000 }, ["a"]);
    h.call("c1");
    expect(h.engine.nextDeadline()).toBe(50_000);
    h.ready("a");
    expect(h.engine.nextDeadline()).toBe(10_000);
    // A timer that fires late still processes the ring timeout before the max wait.
    h.now = 60_000;
    const effects = h.send({ type: "timer" });
    expect(effects.map((e) => e.type)).toContain("cancel-offer");
    expect(h.records("call-finished")).toEqual([expect.objectContaining({ reason: "max-wait" })]);
  });
});

describe("restart reconciliation", () => {
  it("settles ghost agents and keeps surviving calls", () => {
    const ready = { loggedIn: true, socketConnected: true, sipRegistered: true };
    const { engine, ghosts, effects } = reconcile(
      { queues: [{ id: "q" }] },
      {
        operators: [
          { id: "ghost", memberships: [{ queueId: "q" }], status: OperatorStatus.OnCall, since: 0, presence: ready },
          { id: "talking", memberships: [{ queueId: "q" }], status: OperatorStatus.OnCall, since: 0, presence: ready },
          { id: "ringing", memberships: [{ queueId: "q" }], status: OperatorStatus.Offered, since: 0, presence: { ...ready, socketConnected: false } },
          { id: "onbreak", memberships: [{ queueId: "q" }], status: OperatorStatus.Paused, since: 0, presence: ready, pause: { reason: "break", since: 5 } },
        ],
        calls: [
          { callId: "live", queueId: "q", callerNumber: "1", arrivedAt: 0, operatorId: "talking", answeredAt: 10 },
          { callId: "waiting", queueId: "q", callerNumber: "2", arrivedAt: 20 },
        ],
      },
      1_000,
    );
    expect(ghosts.sort()).toEqual(["ghost", "ringing"]);
    expect(checkInvariants(engine.state)).toEqual([]);
    expect(engine.operatorView("talking")?.status).toBe("on-call");
    expect(engine.operatorView("ringing")?.status).toBe("offline");
    expect(engine.operatorView("onbreak")).toMatchObject({ status: "paused", reason: "break" });
    // The ghost is free again and takes the surviving waiting caller.
    expect(offers(effects)).toEqual([{ callId: "waiting", operatorId: "ghost" }]);
    const ended = engine.handle({ type: "call-ended", callId: "live" }, 2_000);
    expect(ended.some((e) => e.type === "record" && e.entry.kind === "call-finished")).toBe(true);
    expect(checkInvariants(engine.state)).toEqual([]);
  });
});
