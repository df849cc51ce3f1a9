import { describe, expect, it } from "vitest";
import {
  IllegalTransitionError,
  OPERATOR_TRANSITIONS,
  OperatorStatus,
  assertTransition,
  canTransition,
} from "../../../server/queue/operator-state.js";
import { Harness } from "./engine-harness.js";

const S = OperatorStatus;

describe("operator state machine", () => {
  it.each([
    [S.Offline, S.Available, true],
    [S.Offline, S.Paused, true],
    [S.Available, S.Offered, true],
    [S.Offered, S.OnCall, true],
    [S.Offered, S.Available, true],
    [S.OnCall, S.WrapUp, true],
    [S.WrapUp, S.Available, true],
    [S.Paused, S.Available, true],
    [S.Paused, S.Paused, true],
    [S.Paused, S.WrapUp, true],
    [S.Offline, S.Offered, false],
    [S.Offline, S.OnCall, false],
    [S.Available, S.OnCall, false],
    [S.Available, S.WrapUp, false],
    [S.Paused, S.Offered, false],
    [S.WrapUp, S.Offered, false],
    [S.WrapUp, S.OnCall, false],
    [S.OnCall, S.Offered, false],
    [S.Offline, S.WrapUp, false],
  ])("%s -> %s legal: %s", (from, to, legal) => {
    expect(canTransition(from, to)).toBe(legal);
    if (legal) expect(() => assertTransition("o", from, to)).not.toThrow();
    else expect(() => assertTransition("o", from, to)).toThrow(IllegalTransitionError);
  });

  it("covers every status in the table", () => {
    expect(Object.keys(OPERATOR_TRANSITIONS).sort()).toEqual(Object.values(S).sort());
  });

  it("is available only when logged in, connected and registered, and shows the mismatch", () => {
    const h = new Harness({ queues: [{ id: "q" }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }] });
    h.send({ type: "operator-logged-in", operatorId: "a" });
    h.send({ type: "socket-connected", operatorId: "a" });
    expect(h.status("a")).toBe(S.Offline);
    expect(h.engine.operatorView("a")?.presenceMismatch).toBe(true);
    h.send({ type: "sip-registered", operatorId: "a" });
    expect(h.status("a")).toBe(S.Available);
    expect(h.engine.operatorView("a")?.presenceMismatch).toBe(false);
    h.send({ type: "sip-unregistered", operatorId: "a" });
    expect(h.status("a")).toBe(S.Offline);
    expect(h.engine.operatorView("a")?.presence).toEqual({ loggedIn: true, socketConnected: true, sipRegistered: false });
  });

  it("keeps a call going when the socket drops, and goes offline after it", () => {
    const h = new Harness({ queues: [{ id: "q", wrapUpMs: 0 }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }] });
    h.ready("a");
    h.call("c1");
    h.send({ type: "offer-answered", callId: "c1", operatorId: "a" });
    h.send({ type: "socket-disconnected", operatorId: "a" });
    expect(h.status("a")).toBe(S.OnCall);
    h.send({ type: "call-ended", callId: "c1" });
    expect(h.status("a")).toBe(S.Offline);
  });

  it("emits state changes with reason and since", () => {
    const h = new Harness({ queues: [{ id: "q" }], operators: [{ id: "a", memberships: [{ queueId: "q" }] }] });
    h.ready("a");
    h.now = 1_000;
    const effects = h.send({ type: "pause-requested", operatorId: "a", reason: "training" });
    expect(effects).toContainEqual(
      expect.objectContaining({ type: "operator-state-changed", status: S.Paused, previous: S.Available, reason: "training", since: 1_000 }),
    );
  });

  it("ignores events for unknown operators and stale offers", () => {
    const h = new Harness({ queues: [{ id: "q" }], operators: [] });
    expect(h.send({ type: "operator-logged-in", operatorId: "nobody" })).toEqual([
      expect.objectContaining({ type: "ignored" }),
    ]);
    expect(h.send({ type: "offer-answered", callId: "x", operatorId: "nobody" })[0]?.type).toBe("ignored");
  });
});
