/**
 * Consultation (attended transfer) with an external number, with fake legs, fake media and a fake consultation call:
 * the caller is held with music on its own media call (the operator's first leg held, nothing renegotiated) while the
 * desk places the consultation as a second session (server/outbound ties its INVITE through `claimConsult`);
 * complete re-INVITEs the target onto the caller's media, cancel or the target leaving brings the operator back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CALL_SESSION_TRANSITIONS } from "../../../server/calls/session/session-state";
import { CONSULT_INVITE_TIMEOUT_MS } from "../../../server/calls/session/consultation";
import { FakeDialler, FakeMedia, settle } from "./call-fakes";
import { rig } from "./call-rig";

/** The consultation's call as server/outbound hands it to the session: the operator's second session + the target. */
function fakeConsultCall() {
  const call = {
    ended: false,
    reoffers: [] as string[],
    reofferStatus: 200,
    end: () => void (call.ended = true),
    reoffer: async (sdp: string) => {
      call.reoffers.push(sdp);
      return { status: call.reofferStatus, sdp: "v=0 target re-answer" };
    },
  };
  return call;
}

async function consulting() {
  const r = rig();
  const dialler = new FakeDialler();
  r.controller.externalDialler = dialler;
  r.ready(1);
  const { trunk, callId } = await r.call("100");
  const leg = r.legs.of("1")!;
  leg.answer();
  await settle();
  await expect(r.controller.consultExternal(1, "0612345678")).resolves.toEqual({ ok: true });
  await settle();
  const session = r.controller.session(callId)!;
  const caller = r.media.get(callId)!;
  // The desk's INVITE with X-Hotline-Consult arrives.
  const claim = r.controller.claimConsult(callId, 1)!;
  const call = fakeConsultCall();
  const target = claim.attach(call);
  return { r, dialler, trunk, callId, leg, session, caller, claim, call, target };
}

describe("consultation with an external number (a second session of the operator)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeMedia.open.clear();
  });
  afterEach(() => vi.useRealTimers());

  it("holds the caller with music without moving the operator's leg, and ties the desk's INVITE to the call once", async () => {
    const { r, session, caller, leg, callId, claim, target } = await consulting();
    expect(claim).toMatchObject({ number: "0612345678" });
    expect(r.controller.claimConsult(callId, 1)).toBeUndefined();
    expect(r.controller.claimConsult(callId, 2)).toBeUndefined();
    expect(session.state).toBe("consulting");
    expect(r.views.get(1)?.call).toEqual({ id: callId, state: "consulting" });
    expect(caller.state).toBe("bridged");
    expect(caller.held).toBe(true);
    expect(caller.playing).toBe("hold-music");
    expect(leg.reoffers).toEqual([]);
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: false, error: "not-consulting" });
    target.answered();
    // Illegal moves are refused by the table: no hold, keypad or second consultation while consulting.
    expect(r.controller.callRequest(1, { action: "hold" })).toEqual({ ok: false, error: "not-talking" });
    await expect(r.controller.consultExternal(1, "0612345679")).resolves.toEqual({ ok: false, error: "not-talking" });
    expect(CALL_SESSION_TRANSITIONS.queued).not.toContain("consulting");
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.consulted")[0]).toMatchObject({ callId, operatorId: 1, data: { number: "0612345678" } });
    expect(r.store.events("call.consult-answered")).toHaveLength(1);
  });

  it("complete: the target is re-INVITEd onto the caller's media, the operator leaves for wrap-up", async () => {
    const { r, session, caller, leg, trunk, callId, call, target } = await consulting();
    target.answered();
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: true });
    await settle();
    expect(leg.byeSent).toBe(true);
    expect(r.views.get(1)?.status).toBe("wrap-up");
    expect(call.reoffers).toEqual(["v=0 plain rtp offer"]);
    expect(call.ended).toBe(false);
    expect(caller.state).toBe("bridged");
    expect(caller.held).toBe(false);
    expect(caller.playing).toBeUndefined();
    expect(session.state).toBe("external");
    trunk.bye();
    await settle();
    expect(call.ended).toBe(true);
    expect(FakeMedia.open.size).toBe(0);
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.transferred")[0]).toMatchObject({ callId, operatorId: 1, data: { toNumber: "0612345678" } });
    expect(r.store.events("call.consult-ended")[0]).toMatchObject({ data: { reason: "completed" } });
    expect(r.store.events("call.finished")[0]).toMatchObject({ data: { outcome: "answered" } });
  });

  it("complete, then the target hangs up: the caller gets BYE", async () => {
    const { r, trunk, target } = await consulting();
    target.answered();
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: true });
    await settle();
    target.hungUp();
    await settle();
    expect(trunk.ended).toBe(true);
    expect(trunk.endReason).toBe("local");
  });

  it("cancel: the consultation's session ends and the operator talks to the caller again (music stops)", async () => {
    const { r, session, caller, leg, call, target } = await consulting();
    target.answered();
    r.clock.t += 20_000;
    expect(r.controller.callRequest(1, { action: "consult-cancel" })).toEqual({ ok: true });
    await settle();
    expect(call.ended).toBe(true);
    expect(session.state).toBe("talking");
    expect(leg.reoffers).toEqual([]);
    expect(caller.held).toBe(false);
    expect(caller.playing).toBeUndefined();
    expect(r.controller.callRequest(1, { action: "consult-cancel" })).toEqual({ ok: false, error: "not-consulting" });
    await r.controller.records.flushWithin(1000);
    // The consultation counts as hold time (AHT).
    expect(r.store.patches(session.id)).toContainEqual({ holdMs: 20_000 });
  });

  it("the target hangs up (or the operator hangs up the second session): the operator is back with the held caller", async () => {
    const { r, session, caller, target } = await consulting();
    target.answered();
    target.ended("target-hung-up");
    await settle();
    expect(session.state).toBe("held");
    expect(caller.held).toBe(true);
    expect(r.controller.callRequest(1, { action: "resume" })).toEqual({ ok: true });
    await settle();
    expect(caller.held).toBe(false);
  });

  it("the desk's INVITE never arrives or is refused: the caller comes back, held", async () => {
    const r = rig();
    r.controller.externalDialler = new FakeDialler();
    r.ready(1);
    const { callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    await r.controller.consultExternal(1, "0612345678");
    // Claimed, then refused before it was placed (e.g. by the allow-list): never attached.
    expect(r.controller.claimConsult(callId, 1)).toBeDefined();
    vi.advanceTimersByTime(CONSULT_INVITE_TIMEOUT_MS - 1);
    expect(r.controller.session(callId)!.state).toBe("consulting");
    vi.advanceTimersByTime(2);
    await settle();
    expect(r.controller.session(callId)!.state).toBe("held");
    expect(r.controller.claimConsult(callId, 1)).toBeUndefined();
  });

  it("the target does not answer (busy): held caller; the caller hanging up then ends everything", async () => {
    const { session, trunk, target, r } = await consulting();
    target.ended("consult-486");
    await settle();
    expect(session.state).toBe("held");
    trunk.bye();
    await settle();
    expect(r.controller.activeCalls).toBe(0);
    expect(FakeMedia.open.size).toBe(0);
  });

  it("the caller hangs up during the consultation: the consultation's session and the operator's leg end", async () => {
    const { trunk, leg, r, call, target } = await consulting();
    target.answered();
    trunk.bye();
    await settle();
    expect(call.ended).toBe(true);
    expect(leg.byeSent).toBe(true);
    expect(r.controller.activeCalls).toBe(0);
    expect(FakeMedia.open.size).toBe(0);
  });
});
