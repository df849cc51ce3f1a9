/**
 * The call controller and its sessions with fake legs and fake media (no sockets, no rtpengine): the real queue
 * engine decides, the controller maps its effects to sessions, sessions drive legs and media, records go to memory.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeMedia, FakeTrunk, settle } from "./call-fakes";
import { rig } from "./call-rig";

describe("call controller with fake legs and media", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeMedia.open.clear();
  });
  afterEach(() => vi.useRealTimers());

  it("answers the caller, offers an operator, bridges on answer, and ends both legs and the media on BYE", async () => {
    const r = rig();
    r.ready(1);
    const { trunk, callId } = await r.call();
    expect(trunk.answered).toBe("v=0 answer");
    const leg = r.legs.of("1")!;
    expect(leg.sent).toBe("v=0 webrtc offer");
    leg.answer();
    await settle();
    expect(r.controller.session(callId)?.state).toBe("talking");
    expect(r.media.get(callId)!.state).toBe("bridged");
    expect(r.views.get(1)?.call).toEqual({ id: callId, state: "talking" });
    trunk.bye();
    await settle();
    expect(leg.byeSent).toBe(true);
    expect(r.controller.activeCalls).toBe(0);
    expect(FakeMedia.open.size).toBe(0);
    expect(r.views.get(1)?.call).toBeUndefined();
  });

  it("an operator's INVITE leaves while the caller's prompt is still being asked of the media; the answer waits for it", async () => {
    let release = () => {};
    FakeMedia.playsWait = new Promise<void>((resolve) => (release = resolve));
    try {
      const r = rig();
      const { callId } = await r.call();
      const media = r.media.get(callId)!;
      expect(media.calls).toEqual(["answerCaller", "play:greeting"]);
      // An operator becomes free while rtpengine has not answered the greeting's `play media` yet.
      r.ready(1);
      await settle();
      const leg = r.legs.of("1")!;
      // The offer did not wait for the greeting's reply: the INVITE is out.
      expect(media.calls).toEqual(["answerCaller", "play:greeting", `offer:${leg.localTag}`]);
      expect(leg.sent).toBe("v=0 webrtc offer");
      // Connecting the operator stops the caller's playback: it waits until the prompt asked before it is done.
      leg.answer();
      await settle();
      expect(media.state).toBe("offering");
      release();
      await settle();
      expect(media.calls.slice(3)).toEqual(["played:greeting", "operatorAnswered"]);
      expect(media.state).toBe("bridged");
    } finally {
      FakeMedia.playsWait = undefined;
    }
  });

  it("callers wait in the order they called, whatever their media set-up took", async () => {
    const r = rig();
    const slow: Array<() => void> = [];
    FakeMedia.answerWait = () => (FakeMedia.open.size === 1 ? new Promise<void>((resolve) => slow.push(() => resolve())) : undefined);
    try {
      // The first caller's answer from the media is slow; the second caller, 20 ms later, is answered at once.
      r.controller.onInboundCall(new FakeTrunk("+33100000001", "100").asTrunkLeg());
      await settle();
      const first = [...r.media.keys()][0]!;
      r.clock.t += 20;
      const { callId: second } = await r.call();
      r.clock.t += 30;
      slow[0]!();
      await settle();
      expect(r.controller.session(first)?.state).toBe("queued");
      // One operator becomes free: the first caller gets them.
      r.ready(1);
      await settle();
      expect(r.legs.of("1")!.headers).toContainEqual(["X-Hotline-Call-Id", first]);
      expect(r.controller.session(second)?.state).toBe("queued");
    } finally {
      FakeMedia.answerWait = undefined;
    }
  });

  it("a recorded call hears the consent notice before it is queued, is recorded from its first operator on (once), and is handed over for storage at its end", async () => {
    const r = rig();
    r.ready(1, 2);
    const { trunk, callId } = await r.call("300");
    const media = r.media.get(callId)!;
    // The notice plays first; nobody is offered the call before it ends.
    expect(media.calls).toEqual(["answerCaller", "play:recording-notice"]);
    expect(r.legs.of("1")).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    const first = r.legs.of("1")!;
    first.answer();
    await settle();
    expect(r.views.get(1)?.call).toEqual({ id: callId, state: "talking", recorded: true });
    expect(r.controller.callRequest(1, { action: "transfer", to: { queueId: 2 } })).toEqual({ ok: true });
    await settle();
    r.legs.of("2")!.answer();
    await settle();
    expect(media.calls.filter((c) => c === "startRecording")).toHaveLength(1);
    expect(media.calls.indexOf("play:recording-notice")).toBeLessThan(media.calls.findIndex((c) => c.startsWith("offer:")));
    trunk.bye();
    await settle();
    expect(r.recorded).toEqual([{ callId, callerPort: 40000, endedAt: new Date(r.clock.t), retentionDays: 7 }]);
  });

  it("a caller who hangs up during the recording notice is an abandoned call, never queued nor recorded", async () => {
    const r = rig();
    r.ready(1);
    const { trunk, callId } = await r.call("300");
    trunk.bye();
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    await r.controller.records.flushWithin(1000);
    expect(r.legs.of("1")).toBeUndefined();
    expect(r.controller.activeCalls).toBe(0);
    expect(FakeMedia.open.size).toBe(0);
    expect(r.store.patches(callId)).toContainEqual(expect.objectContaining({ outcome: "abandoned" }));
    expect(r.store.patches(callId)).toContainEqual(expect.objectContaining({ endedBy: "caller", endReason: "caller-hung-up" }));
    expect(r.recorded).toEqual([]);
  });

  it("an unrecorded queue's call plays no notice and records nothing", async () => {
    const r = rig();
    r.ready(1);
    const { trunk, callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    trunk.bye();
    await settle();
    expect(r.media.get(callId)!.calls).not.toContain("play:recording-notice");
    expect(r.media.get(callId)!.calls).not.toContain("startRecording");
    expect(r.recorded).toEqual([]);
    expect(r.views.get(1)?.call).toBeUndefined();
  });

  it("hold plays music to the caller, marks the leg and the desk held, and resume adds the hold to the record", async () => {
    const r = rig();
    r.ready(1);
    const { callId } = await r.call();
    r.legs.of("1")!.answer();
    await settle();
    expect(r.controller.callRequest(1, { action: "resume" })).toEqual({ ok: false, error: "not-held" });
    expect(r.controller.callRequest(1, { action: "hold" })).toEqual({ ok: true });
    await settle();
    expect(r.media.get(callId)!.held).toBe(true);
    expect(r.legs.of("1")!.state).toBe("held");
    expect(r.views.get(1)?.call).toEqual({ id: callId, state: "held" });
    expect(r.controller.callRequest(1, { action: "dtmf", digit: "5" })).toEqual({ ok: false, error: "not-talking" });
    r.clock.t += 42_000;
    expect(r.controller.callRequest(1, { action: "resume" })).toEqual({ ok: true });
    await r.controller.records.flushWithin(1000);
    expect(r.media.get(callId)!.held).toBe(false);
    expect(r.store.patches(callId)).toContainEqual({ holdMs: 42_000 });
    expect(r.store.events("call.held")).toHaveLength(1);
    expect(r.store.events("call.resumed")[0]).toMatchObject({ data: { heldMs: 42_000 } });
    // Someone who is not on the call cannot hold it.
    expect(r.controller.callRequest(2, { action: "hold" })).toEqual({ ok: false, error: "not-on-this-call" });
  });

  it("the keypad sends RFC 4733 digits through the media, or SIP INFO when the caller takes no telephone-event", async () => {
    const r = rig();
    r.ready(1);
    const { trunk, callId } = await r.call();
    r.legs.of("1")!.answer();
    await settle();
    expect(r.controller.callRequest(1, { action: "dtmf", digit: "7" })).toEqual({ ok: true });
    expect(r.controller.callRequest(1, { action: "dtmf", digit: "x" })).toEqual({ ok: false, error: "bad-digit" });
    await settle();
    expect(r.media.get(callId)!.dtmf).toEqual(["7"]);
    r.media.get(callId)!.dtmfByRtp = false;
    r.controller.callRequest(1, { action: "dtmf", digit: "#" });
    expect(trunk.infoDigits).toEqual(["#"]);
  });

  it("a blind transfer to a queue ends the first operator's leg, plays music, and the second operator gets the caller", async () => {
    const r = rig();
    r.ready(1, 2);
    const { trunk, callId } = await r.call("100");
    const first = r.legs.of("1")!;
    first.answer();
    await settle();
    r.controller.callRequest(1, { action: "hold" });
    r.clock.t += 10_000;
    expect(r.controller.callRequest(1, { action: "transfer", to: { queueId: 2 } })).toEqual({ ok: true });
    await settle();
    expect(first.byeSent).toBe(true);
    expect(r.views.get(1)?.status).toBe("wrap-up");
    const second = r.legs.of("2")!;
    expect(second.sent).toBeDefined();
    second.answer();
    await settle();
    const session = r.controller.session(callId)!;
    expect(session.operatorId).toBe("2");
    expect(session.queueName).toBe("support");
    expect(r.media.get(callId)!.state).toBe("bridged");
    trunk.bye();
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.transferred")[0]).toMatchObject({ callId, operatorId: 1, data: { toQueueId: "2" } });
    expect(r.store.patches(callId)).toContainEqual({ holdMs: 10_000 });
    // The record keeps its first answer and first operator; the second answer is in the log only.
    expect(r.store.patches(callId).filter((p) => "answeredAt" in p)).toHaveLength(1);
    expect(FakeMedia.open.size).toBe(0);
  });

  it("a transfer to an operator who does not answer brings the caller back to the head of its queue with an apology", async () => {
    const r = rig();
    r.ready(1, 3);
    const { callId } = await r.call("100");
    const talking = r.legs.legs[0]!;
    talking.answer();
    await settle();
    const target = talking.operatorId === "1" ? 3 : 1;
    r.controller.dispatch({ type: "pause-requested", operatorId: talking.operatorId, reason: "training" });
    expect(r.controller.callRequest(Number(talking.operatorId), { action: "transfer", to: { operatorId: target } })).toEqual({ ok: true });
    await settle();
    r.legs.of(String(target))!.decline();
    await settle();
    expect(r.media.get(callId)!.calls).toContain("play:apology");
    expect(r.controller.session(callId)?.state).toBe("queued");
    await r.controller.records.flushWithin(1000);
    expect(r.store.events("call.requeued").at(-1)).toMatchObject({ callId, data: { why: "transfer-unanswered" } });
    // Back in queue 1, boosted: the target (a member, available again) is offered it once more, ahead of anyone.
    expect(r.controller.engine.state.calls.get(callId)?.boosted).toBe(true);
  });

  it("a transfer to an operator who is not available is refused and the caller stays", async () => {
    const r = rig();
    r.ready(1);
    const { callId } = await r.call("100");
    r.legs.of("1")!.answer();
    await settle();
    expect(r.controller.callRequest(1, { action: "transfer", to: { operatorId: 2 } })).toEqual({ ok: false, error: "operator-unavailable" });
    expect(r.controller.session(callId)?.operatorId).toBe("1");
    expect(r.legs.of("1")!.byeSent).toBe(false);
  });

  it("an operator whose connection dies while holding the caller sends the caller back to the queue, unheld", async () => {
    const r = rig();
    r.ready(1);
    const { callId } = await r.call();
    r.legs.of("1")!.answer();
    await settle();
    r.controller.callRequest(1, { action: "hold" });
    await settle();
    r.legs.of("1")!.drop("transport-error");
    await settle();
    expect(r.controller.session(callId)?.state).toBe("queued");
    expect(r.media.get(callId)!.held).toBe(false);
    expect(r.media.get(callId)!.state).toBe("parked");
  });
});
