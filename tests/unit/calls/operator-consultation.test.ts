/**
 * Consultation of a colleague (attended transfer to another operator, issue 9), with fake legs and media: the caller
 * holds with music while the desk's second session rings the colleague as an internal call (server/outbound, faked
 * here as the consultation call handed to `attach`); complete ends that call and transfers the caller to the
 * colleague by the blind transfer to a named operator, whose offer carries `X-Hotline-Auto-Answer: consult`; cancel
 * or the colleague hanging up brings the first operator back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OFFER_HEADERS } from "../../../server/realtime/events";
import { deskCallHandlers } from "../../../server/calls/desk-bridge";
import { FakeMedia, settle } from "./call-fakes";
import { rig } from "./call-rig";

function fakeConsultCall() {
  const call = { ended: false, end: () => void (call.ended = true), reoffer: async () => ({ status: 481, sdp: undefined }) };
  return call;
}

/** Operator 1 (sales) talks to a caller of queue 1; operator 3 (sales and support) is available. */
async function consultingColleague() {
  const r = rig();
  r.ready(1);
  const { trunk, callId } = await r.call("100");
  const leg = r.legs.of("1")!;
  leg.answer();
  await settle();
  r.ready(3);
  await settle();
  expect(r.controller.consultOperator(1, 3)).toEqual({ ok: true });
  await settle();
  const session = r.controller.session(callId)!;
  const caller = r.media.get(callId)!;
  const claim = r.controller.claimConsult(callId, 1)!;
  const call = fakeConsultCall();
  const target = claim.attach(call);
  return { r, trunk, callId, leg, session, caller, claim, call, target };
}

describe("consultation of a colleague", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeMedia.open.clear();
  });
  afterEach(() => vi.useRealTimers());

  it("holds the caller and names the colleague in the claim; logs call.consulted with the operator target", async () => {
    const { r, session, caller, claim, callId, leg } = await consultingColleague();
    expect(claim).toMatchObject({ colleague: 3, number: "" });
    expect(session.state).toBe("consulting");
    expect(caller.held).toBe(true);
    expect(caller.playing).toBe("hold-music");
    expect(leg.reoffers).toEqual([]);
    // The colleague does not ring for the caller's queue meanwhile (the engine sees them as they are; the internal
    // call pauses them in server/outbound).
    expect(r.legs.of("3")).toBeUndefined();
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.consulted")[0]).toMatchObject({ callId, operatorId: 1, data: { operatorTarget: 3 } });
  });

  it("refuses an unavailable, unregistered or absent colleague, and oneself", async () => {
    const r = rig();
    r.ready(1);
    const { callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    expect(r.controller.consultOperator(1, 2)).toEqual({ ok: false, error: "operator-unavailable" });
    expect(r.controller.consultOperator(1, 1)).toEqual({ ok: false, error: "operator-unavailable" });
    r.ready(3);
    r.controller.dispatch({ type: "pause-requested", operatorId: "3", reason: "break" });
    expect(r.controller.consultOperator(1, 3)).toEqual({ ok: false, error: "operator-unavailable" });
    expect(r.controller.consultOperator(3, 1)).toEqual({ ok: false, error: "not-on-this-call" });
    expect(r.controller.session(callId)!.state).toBe("talking");
  });

  it("complete: the consultation call ends, the caller rings only the colleague with auto-answer, the first operator wraps up", async () => {
    const { r, session, caller, leg, call, target, callId } = await consultingColleague();
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: false, error: "not-consulting" });
    target.answered();
    r.clock.t += 5_000;
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: true });
    await settle();
    expect(call.ended).toBe(true);
    expect(leg.byeSent).toBe(true);
    expect(r.views.get(1)?.status).toBe("wrap-up");
    const colleague = r.legs.of("3")!;
    expect(colleague.headers).toContainEqual([OFFER_HEADERS.autoAnswer, "consult"]);
    expect(colleague.headers).toContainEqual([OFFER_HEADERS.callId, callId]);
    expect(session.state).toBe("queued");
    colleague.answer();
    await settle();
    expect(session.state).toBe("talking");
    expect(caller.state).toBe("bridged");
    expect(caller.playing).toBeUndefined();
    expect(r.views.get(3)?.call).toEqual({ id: callId, state: "talking" });
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.consult-ended")[0]).toMatchObject({ data: { operatorTarget: 3, reason: "completed", ms: 5_000 } });
    expect(r.store.events("call.transferred")[0]).toMatchObject({ callId, operatorId: 1 });
  });

  it("complete, the colleague does not answer: no auto-answer header on the next offer", async () => {
    const { r, target } = await consultingColleague();
    target.answered();
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: true });
    await settle();
    r.legs.of("3")!.decline(480);
    await settle();
    vi.advanceTimersByTime(6_000);
    await settle();
    const ringing = r.legs.legs.filter((l) => l.state === "inviting");
    expect(ringing.length).toBeGreaterThan(0);
    for (const leg of ringing) expect(leg.headers.map(([name]) => name)).not.toContain(OFFER_HEADERS.autoAnswer);
  });

  it("complete refused by the engine (the colleague went on a break): the first operator keeps the held caller", async () => {
    const { r, session, caller, call, target } = await consultingColleague();
    target.answered();
    r.controller.dispatch({ type: "pause-requested", operatorId: "3", reason: "break" });
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: false, error: "operator-unavailable" });
    await settle();
    expect(call.ended).toBe(true);
    expect(session.state).toBe("held");
    expect(caller.held).toBe(true);
    expect(r.controller.callRequest(1, { action: "resume" })).toEqual({ ok: true });
  });

  it("cancel: the consultation call ends and the operator talks to the caller again", async () => {
    const { r, session, caller, call, target } = await consultingColleague();
    target.answered();
    expect(r.controller.callRequest(1, { action: "consult-cancel" })).toEqual({ ok: true });
    await settle();
    expect(call.ended).toBe(true);
    expect(session.state).toBe("talking");
    expect(caller.held).toBe(false);
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.consult-ended")[0]).toMatchObject({ data: { operatorTarget: 3, reason: "cancelled" } });
  });

  it("the colleague hangs up: the first operator is back with the held caller", async () => {
    const { session, caller, target } = await consultingColleague();
    target.answered();
    target.ended("target-hung-up");
    await settle();
    expect(session.state).toBe("held");
    expect(caller.held).toBe(true);
  });

  it("the desk request: an operator target goes to consultOperator, a queue to consultQueue", async () => {
    const calls: Array<[string, number, number]> = [];
    const controller = {
      callRequest: () => ({ ok: true as const }),
      allOperatorStates: () => [],
      consultOperator: (userId: number, colleagueId: number) => (calls.push(["operator", userId, colleagueId]), { ok: true as const }),
      consultQueue: (userId: number, queueId: number) => (calls.push(["queue", userId, queueId]), { ok: true as const }),
    };
    const handlers = deskCallHandlers(controller, { queues: () => [] }, () => undefined);
    expect(await handlers.request(1, { action: "consult", target: { kind: "operator", userId: 3 } })).toEqual({ ok: true });
    expect(await handlers.request(1, { action: "consult", target: { kind: "queue", queueId: 2 } })).toEqual({ ok: true });
    expect(calls).toEqual([
      ["operator", 1, 3],
      ["queue", 1, 2],
    ]);
    const withoutConsultation = deskCallHandlers({ callRequest: controller.callRequest, allOperatorStates: () => [] }, { queues: () => [] }, () => undefined);
    expect(await withoutConsultation.request(1, { action: "consult", target: { kind: "queue", queueId: 2 } })).toEqual({ ok: false, error: "consult-unavailable" });
  });

  it("consulting a queue rings its next free operator (longest idle, not oneself, registered); none free: queue-busy", async () => {
    const r = rig();
    r.ready(1);
    const { callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    // Queue 2 (support): operator 2 and 3 are members, nobody is free yet.
    expect(r.controller.consultQueue(1, 2)).toEqual({ ok: false, error: "queue-busy" });
    expect(r.controller.consultQueue(2, 2)).toEqual({ ok: false, error: "not-on-this-call" });
    r.ready(3);
    r.clock.t += 1_000;
    r.ready(2);
    // Operator 3 has been free the longest: the engine would offer them support's next caller.
    expect(r.controller.consultQueue(1, 2)).toEqual({ ok: true });
    await settle();
    expect(r.controller.session(callId)!.state).toBe("consulting");
    expect(r.controller.claimConsult(callId, 1)).toMatchObject({ colleague: 3 });
  });

  it("consulting a queue skips a free member whose softphone is not registered", async () => {
    const r = rig();
    r.ready(1, 2);
    await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    r.legs.registered.delete(2);
    expect(r.controller.consultQueue(1, 2)).toEqual({ ok: false, error: "queue-busy" });
  });
});
