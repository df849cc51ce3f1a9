/**
 * Blind transfer to an external number (issue 9) with fake legs, fake media and a fake trunk dialler: the real queue
 * engine decides where the caller goes when the external party does not answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EXTERNAL_RING_TIMEOUT_MS } from "../../../server/calls/external-party";
import { callSegments } from "../../../server/calls/call-segments";
import type { CallEvent } from "../../../db/schema";
import { FakeDialler, FakeMedia, settle } from "./call-fakes";
import { rig } from "./call-rig";

function setup() {
  const r = rig();
  const dialler = new FakeDialler();
  r.controller.externalDialler = dialler;
  return { r, dialler };
}

describe("blind transfer to an external number", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeMedia.open.clear();
  });
  afterEach(() => vi.useRealTimers());

  it("frees the operator, rings the number with a plain-RTP offer, bridges the caller on answer, and records the segment", async () => {
    const { r, dialler } = setup();
    r.ready(1);
    const { trunk, callId } = await r.call("100");
    const leg = r.legs.of("1")!;
    leg.answer();
    await settle();
    await expect(r.controller.transferExternal(1, "0612345678")).resolves.toEqual({ ok: true });
    await settle();
    expect(leg.byeSent).toBe(true);
    expect(r.views.get(1)?.status).toBe("wrap-up");
    const session = r.controller.session(callId)!;
    expect(session.state).toBe("external");
    expect(dialler.placed).toHaveLength(1);
    expect(dialler.placed[0]).toMatchObject({ number: "0612345678", queueId: 1, sdp: "v=0 plain rtp offer" });
    const media = r.media.get(callId)!;
    expect(media.playing).toBe("hold-music");
    dialler.placed[0]!.events.answered("v=0 external answer");
    await settle();
    expect(media.state).toBe("bridged");
    expect(media.playing).toBeUndefined();
    expect(session.bridged).toBe(true);
    // The engine no longer ever offers this caller to anyone.
    r.clock.t += 5_000;
    trunk.bye();
    await settle();
    expect(dialler.placed[0]!.ended).toBe(true);
    expect(r.controller.activeCalls).toBe(0);
    expect(FakeMedia.open.size).toBe(0);
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.transferred")[0]).toMatchObject({ callId, operatorId: 1, data: { toNumber: "0612345678" } });
    expect(r.store.events("call.finished")[0]).toMatchObject({ data: { outcome: "answered" } });
    const events = r.store.writes.flatMap((w) => (w.op === "append-events" ? w.events : [])).map((e, id) => ({ id, operatorId: null, queueId: null, data: null, ...e })) as unknown as CallEvent[];
    const segments = callSegments(events.filter((e) => e.callId === callId));
    expect(segments.map((s) => [s.operatorId, s.externalNumber, s.endedBy])).toEqual([
      [1, undefined, "transfer"],
      [null, "0612345678", "call-ended"],
    ]);
  });

  it("refuses a number outside the allow-list and the caller stays with the operator", async () => {
    const { r, dialler } = setup();
    r.ready(1);
    const { callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    await expect(r.controller.transferExternal(1, "00442071234567")).resolves.toEqual({ ok: false, error: "number-not-allowed" });
    expect(r.controller.session(callId)!.state).toBe("talking");
    expect(dialler.placed).toHaveLength(0);
    await expect(r.controller.transferExternal(2, "0612345678")).resolves.toEqual({ ok: false, error: "not-on-this-call" });
  });

  it("busy: the caller hears an apology and goes back to the transferring operator when they are available", async () => {
    const { r, dialler } = setup();
    r.ready(2);
    const { callId } = await r.call("200");
    const first = r.legs.of("2")!;
    first.answer();
    await settle();
    await r.controller.transferExternal(2, "0612345678");
    await settle();
    // Queue 2 has no wrap-up: operator 2 is available again at once.
    expect(r.views.get(2)?.status).toBe("available");
    dialler.placed[0]!.events.failed(486);
    await settle();
    const media = r.media.get(callId)!;
    expect(media.calls).toContain("abandon");
    expect(media.calls).toContain("play:apology");
    const back = r.legs.of("2")!;
    expect(back).not.toBe(first);
    expect(back.sent).toBeDefined();
    back.answer();
    await settle();
    expect(r.controller.session(callId)!.state).toBe("talking");
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.external-failed")[0]).toMatchObject({ data: { number: "0612345678", status: 486 } });
    expect(r.store.events("call.requeued").at(-1)).toMatchObject({ callId, data: { why: "transfer-unanswered" } });
  });

  it("no answer within the ring time: CANCEL, and the caller waits at the head of the queue when the operator is in wrap-up", async () => {
    const { r, dialler } = setup();
    r.ready(1);
    const { callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    await r.controller.transferExternal(1, "0612345678");
    await settle();
    expect(r.views.get(1)?.status).toBe("wrap-up");
    await vi.advanceTimersByTimeAsync(EXTERNAL_RING_TIMEOUT_MS);
    await settle();
    expect(dialler.placed[0]!.ended).toBe(true);
    const session = r.controller.session(callId)!;
    expect(session.state).toBe("queued");
    const call = r.controller.engine.state.calls.get(callId)!;
    expect(call.status).toBe("waiting");
    expect(call.boosted).toBe(true);
    // A late answer after the give-up is hung up, not bridged.
    dialler.placed[0]!.events.answered("v=0 late");
    await settle();
    expect(r.media.get(callId)!.state).toBe("parked");
  });

  it("the external party hangs up: the caller gets BYE and the record says so", async () => {
    const { r, dialler } = setup();
    r.ready(1);
    const { trunk, callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    await r.controller.transferExternal(1, "0612345678");
    await settle();
    dialler.placed[0]!.events.answered("v=0 external answer");
    await settle();
    dialler.placed[0]!.events.hungUp();
    await settle();
    expect(trunk.endReason).toBe("local");
    expect(r.controller.activeCalls).toBe(0);
    await r.controller.records.flushWithin(1000);
    expect(r.store.patches(callId)).toContainEqual(expect.objectContaining({ endedBy: "system", endReason: "external-hung-up" }));
  });

  describe("closed-hours action forward:<number>", () => {
    const closed = { prompts: ["closed"], endReason: "closed" as const };
    const forwarding = { language: "en" as const, greeting: undefined, closed, queue: undefined, menu: undefined, forward: "0140000000" };

    it("forwards the caller through the trunk; the engine never sees the call; the record says forwarded", async () => {
      const r = rig({ "100": forwarding });
      const dialler = new FakeDialler();
      r.controller.externalDialler = dialler;
      const { trunk, callId } = await r.call("100");
      await settle();
      expect(dialler.placed[0]).toMatchObject({ number: "0140000000", sdp: "v=0 plain rtp offer" });
      expect(r.controller.engine.state.calls.has(callId)).toBe(false);
      expect(r.media.get(callId)!.playing).toBe("hold-music");
      dialler.placed[0]!.events.answered("v=0 external answer");
      await settle();
      expect(r.media.get(callId)!.state).toBe("bridged");
      trunk.bye();
      await settle();
      expect(dialler.placed[0]!.ended).toBe(true);
      expect(FakeMedia.open.size).toBe(0);
      await r.controller.records.flushWithin(1000);
      expect(r.store.events("call.forwarded")[0]).toMatchObject({ callId, data: { number: "0140000000" } });
      expect(r.store.patches(callId)).toContainEqual(expect.objectContaining({ outcome: "closed", endedBy: "caller", endReason: "caller-hung-up" }));
    });

    it("a forward that fails plays the closed message, then hangs up", async () => {
      const r = rig({ "100": forwarding });
      const dialler = new FakeDialler();
      r.controller.externalDialler = dialler;
      const { trunk, callId } = await r.call("100");
      await settle();
      dialler.placed[0]!.events.failed(480);
      await vi.advanceTimersByTimeAsync(2_000);
      await settle();
      expect(r.media.get(callId)!.calls).toContain("play:closed");
      expect(trunk.endReason).toBe("local");
      await r.controller.records.flushWithin(1000);
      expect(r.store.patches(callId)).toContainEqual(expect.objectContaining({ outcome: "closed", endedBy: "system", endReason: "closed" }));
    });

    it("without a trunk route the closed message plays at once", async () => {
      const r = rig({ "100": forwarding });
      const { callId } = await r.call("100");
      await vi.advanceTimersByTimeAsync(10);
      await settle();
      expect(r.media.get(callId)!.calls).toContain("play:closed");
    });
  });
});
