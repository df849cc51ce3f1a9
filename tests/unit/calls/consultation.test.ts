/**
 * Consultation (attended transfer) with an external number, with fake legs, fake media and a fake trunk dialler: the
 * caller holds with music on its own media call while the operator's leg is re-INVITEd onto a second media call with
 * the target; complete joins caller and target, cancel or the target leaving brings the operator back.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CALL_SESSION_TRANSITIONS } from "../../../server/calls/call-session";
import { FakeDialler, FakeMedia, settle } from "./call-fakes";
import { rig } from "./call-rig";

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
  const consult = r.media.get(`${callId}-k1`)!;
  return { r, dialler, trunk, callId, leg, session, caller, consult };
}

describe("consultation with an external number", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeMedia.open.clear();
  });
  afterEach(() => vi.useRealTimers());

  it("holds the caller with music, calls the target on a second media call, and moves the operator's leg there once it answers", async () => {
    const { r, dialler, session, caller, consult, leg, callId } = await consulting();
    expect(session.state).toBe("consulting");
    expect(r.views.get(1)?.call).toEqual({ id: callId, state: "consulting" });
    expect(caller.state).toBe("parked");
    expect(caller.playing).toBe("hold-music");
    expect(dialler.placed[0]).toMatchObject({ number: "0612345678", sdp: "v=0 answer" });
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: false, error: "not-consulting" });
    dialler.placed[0]!.events.answered("v=0 target");
    await settle();
    expect(consult.lateAnswers).toEqual(["v=0 target"]);
    expect(leg.reoffers).toEqual(["v=0 webrtc offer"]);
    expect(consult.state).toBe("bridged");
    // Illegal moves are refused by the table: no hold, keypad or second consultation while consulting.
    expect(r.controller.callRequest(1, { action: "hold" })).toEqual({ ok: false, error: "not-talking" });
    await expect(r.controller.consultExternal(1, "0612345679")).resolves.toEqual({ ok: false, error: "not-talking" });
    expect(CALL_SESSION_TRANSITIONS.queued).not.toContain("consulting");
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.consulted")[0]).toMatchObject({ callId, operatorId: 1, data: { number: "0612345678" } });
  });

  it("complete: the target is re-INVITEd onto the caller's media, the operator leaves for wrap-up, the consultation's media is deleted", async () => {
    const { r, dialler, session, caller, consult, leg, trunk, callId } = await consulting();
    dialler.placed[0]!.events.answered("v=0 target");
    await settle();
    expect(r.controller.callRequest(1, { action: "consult-complete" })).toEqual({ ok: true });
    await settle();
    expect(leg.byeSent).toBe(true);
    expect(r.views.get(1)?.status).toBe("wrap-up");
    expect(dialler.reoffers).toEqual(["v=0 plain rtp offer"]);
    expect(caller.state).toBe("bridged");
    expect(caller.playing).toBeUndefined();
    expect(consult.state).toBe("closed");
    expect(session.state).toBe("external");
    trunk.bye();
    await settle();
    expect(dialler.placed[0]!.ended).toBe(true);
    expect(FakeMedia.open.size).toBe(0);
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.transferred")[0]).toMatchObject({ callId, operatorId: 1, data: { toNumber: "0612345678" } });
    expect(r.store.events("call.finished")[0]).toMatchObject({ data: { outcome: "answered" } });
  });

  it("cancel: the target's leg ends and the operator talks to the caller again (music stops)", async () => {
    const { r, dialler, session, caller, consult, leg } = await consulting();
    dialler.placed[0]!.events.answered("v=0 target");
    await settle();
    r.clock.t += 20_000;
    expect(r.controller.callRequest(1, { action: "consult-cancel" })).toEqual({ ok: true });
    await settle();
    expect(dialler.placed[0]!.ended).toBe(true);
    expect(consult.state).toBe("closed");
    expect(session.state).toBe("talking");
    expect(leg.reoffers).toHaveLength(2);
    expect(caller.state).toBe("bridged");
    expect(caller.playing).toBeUndefined();
    expect(r.controller.callRequest(1, { action: "consult-cancel" })).toEqual({ ok: false, error: "not-consulting" });
    await r.controller.records.flushWithin(1000);
    // The consultation counts as hold time (AHT).
    expect(r.store.patches(session.id)).toContainEqual({ holdMs: 20_000 });
  });

  it("the target hangs up: the operator is back with the caller, who stays on hold with music", async () => {
    const { r, dialler, session, caller } = await consulting();
    dialler.placed[0]!.events.answered("v=0 target");
    await settle();
    dialler.placed[0]!.events.hungUp();
    await settle();
    expect(session.state).toBe("held");
    expect(caller.state).toBe("bridged");
    expect(caller.held).toBe(true);
    expect(r.controller.callRequest(1, { action: "resume" })).toEqual({ ok: true });
    await settle();
    expect(caller.held).toBe(false);
  });

  it("the target does not answer (busy): the operator is back with the held caller; the caller hanging up ends everything", async () => {
    const { dialler, session, trunk, consult, r } = await consulting();
    dialler.placed[0]!.events.failed(486);
    await settle();
    expect(session.state).toBe("held");
    expect(consult.state).toBe("closed");
    trunk.bye();
    await settle();
    expect(r.controller.activeCalls).toBe(0);
    expect(FakeMedia.open.size).toBe(0);
  });

  it("the caller hangs up during the consultation: the target's leg and both media calls end", async () => {
    const { dialler, trunk, leg, r } = await consulting();
    dialler.placed[0]!.events.answered("v=0 target");
    await settle();
    trunk.bye();
    await settle();
    expect(dialler.placed[0]!.ended).toBe(true);
    expect(leg.byeSent).toBe(true);
    expect(r.controller.activeCalls).toBe(0);
    expect(FakeMedia.open.size).toBe(0);
  });
});
