/**
 * The voicemail step (issue 11, point 2): the pure state machine (tone, recording, `#`, limit, hang-up), the
 * threshold under which no message is kept, and the run's timers with a fake clock (what plays when, when the
 * recording starts and stops, when Hotline hangs up).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { keepsMessage, MIN_MESSAGE_MS, VoicemailStep } from "../../../server/voicemail/voicemail-step";
import { VoicemailRun, type VoicemailPort } from "../../../server/voicemail/voicemail-run";
import type { Sound } from "../../../server/calls/call-media";

describe("VoicemailStep", () => {
  it("prompts, then records once the tone was played, then `#` stops the recording with a goodbye, then hangs up", () => {
    const step = new VoicemailStep();
    expect(step.state).toBe("prompting");
    expect(step.digit("#")).toEqual({ type: "none" });
    expect(step.promptsPlayed()).toEqual({ type: "start-recording" });
    expect(step.state).toBe("recording");
    expect(step.digit("5")).toEqual({ type: "none" });
    expect(step.digit("#")).toEqual({ type: "stop-recording", why: "hash", goodbye: true });
    expect(step.state).toBe("goodbye");
    expect(step.stoppedBy).toBe("hash");
    // A second `#` or the limit during the goodbye changes nothing.
    expect(step.digit("#")).toEqual({ type: "none" });
    expect(step.limitReached()).toEqual({ type: "none" });
    expect(step.goodbyePlayed()).toEqual({ type: "hang-up" });
    expect(step.state).toBe("done");
  });

  it("the limit stops the recording like `#`", () => {
    const step = new VoicemailStep();
    step.promptsPlayed();
    expect(step.limitReached()).toEqual({ type: "stop-recording", why: "limit", goodbye: true });
    expect(step.stoppedBy).toBe("limit");
  });

  it("a hang-up while recording stops it without a goodbye; while prompting, nothing was recorded", () => {
    const recording = new VoicemailStep();
    recording.promptsPlayed();
    expect(recording.hungUp()).toEqual({ type: "stop-recording", why: "hang-up", goodbye: false });
    expect(recording.state).toBe("done");
    expect(recording.promptsPlayed()).toEqual({ type: "none" });

    const prompting = new VoicemailStep();
    expect(prompting.hungUp()).toEqual({ type: "none" });
    expect(prompting.promptsPlayed()).toEqual({ type: "none" });
    expect(prompting.stoppedBy).toBeUndefined();
  });

  it("keeps messages of at least a second", () => {
    expect(MIN_MESSAGE_MS).toBe(1000);
    expect(keepsMessage(0)).toBe(false);
    expect(keepsMessage(999)).toBe(false);
    expect(keepsMessage(1000)).toBe(true);
    expect(keepsMessage(90_000)).toBe(true);
  });
});

describe("VoicemailRun", () => {
  const lengths: Record<string, number> = { "en/closed-now": 2000, "en/voicemail-leave": 3000, "voicemail-beep": 700, "en/voicemail-thanks": 2500 };
  let calls: string[];
  let port: VoicemailPort;

  beforeEach(() => {
    vi.useFakeTimers();
    calls = [];
    port = {
      play: (sound) => calls.push(`${Date.now()} play ${sound}`),
      durationMs: (sound: Sound) => lengths[sound] ?? 0,
      startRecording: () => calls.push(`${Date.now()} start`),
      stopRecording: () => calls.push(`${Date.now()} stop`),
      hangUp: () => calls.push(`${Date.now()} bye`),
      log: () => {},
    };
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  const run = (maxMs = 10_000) => {
    const r = new VoicemailRun({ prompts: ["en/closed-now", "en/voicemail-leave", "voicemail-beep"] as Sound[], goodbye: "en/voicemail-thanks" as Sound, maxMs }, port);
    r.start();
    return r;
  };

  it("plays the prompts one after the other, records after the tone, `#` stops it, thanks, then BYE", () => {
    const r = run();
    vi.advanceTimersByTime(5700);
    expect(calls).toEqual(["0 play en/closed-now", "2000 play en/voicemail-leave", "5000 play voicemail-beep", "5700 start"]);
    vi.advanceTimersByTime(3000);
    r.digit("#");
    vi.advanceTimersByTime(20_000);
    expect(calls.slice(4)).toEqual(["8700 stop", "8700 play en/voicemail-thanks", "11200 bye"]);
  });

  it("a `#` before the tone is ignored; the limit stops the recording", () => {
    const r = run(4000);
    vi.advanceTimersByTime(1000);
    r.digit("#");
    vi.advanceTimersByTime(5700 - 1000 + 4000);
    expect(calls.slice(3)).toEqual(["5700 start", "9700 stop", "9700 play en/voicemail-thanks"]);
    vi.advanceTimersByTime(2500);
    expect(calls.at(-1)).toBe("12200 bye");
  });

  it("a hang-up while recording stops it with no goodbye and no BYE; a hang-up while prompting plays nothing more", () => {
    const recording = run();
    vi.advanceTimersByTime(6000);
    recording.hungUp();
    vi.advanceTimersByTime(60_000);
    expect(calls.slice(3)).toEqual(["5700 start", "6000 stop"]);

    calls = [];
    vi.setSystemTime(0);
    const prompting = run();
    vi.advanceTimersByTime(1000);
    prompting.hungUp();
    vi.advanceTimersByTime(60_000);
    expect(calls).toEqual(["0 play en/closed-now"]);
  });
});
