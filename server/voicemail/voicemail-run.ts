/**
 * The voicemail step on one call: plays the prompts one after the other (rtpengine has no playlist: each starts when
 * the previous one's length has passed), starts and stops the recording, arms the limit, takes `#` from the caller
 * and hangs up after the goodbye. The decisions are the pure {@link VoicemailStep}'s; this file keeps the timers
 * (cleared by {@link VoicemailRun.cancel}). Times are ms.
 */
import type { Sound } from "../calls/call-media";
import { VoicemailStep, type VoicemailEffect } from "./voicemail-step";
import { TimerSet } from "../timer-set";

export interface VoicemailPlan {
  /** Played before the recording: the closed message, "leave your message after the tone", the beep. */
  prompts: readonly Sound[];
  /** "Thank you, goodbye", after the recording. */
  goodbye: Sound;
  /** Longest message, ms. */
  maxMs: number;
}

/** What a voicemail run needs of its call. */
export interface VoicemailPort {
  play(sound: Sound): void;
  durationMs(sound: Sound): number;
  /** Starts recording the caller (on the call's media chain). */
  startRecording(): void;
  stopRecording(): void;
  hangUp(): void;
  log(type: string, data: Record<string, unknown>): void;
}

export class VoicemailRun {
  readonly step = new VoicemailStep();
  private readonly timers = new TimerSet();

  constructor(
    private readonly plan: VoicemailPlan,
    private readonly port: VoicemailPort,
  ) {}

  start(): void {
    let atMs = 0;
    for (const sound of this.plan.prompts) {
      this.timers.after(atMs, () => this.port.play(sound));
      atMs += this.port.durationMs(sound);
    }
    this.timers.after(atMs, () => this.carryOut(this.step.promptsPlayed()));
  }

  digit(digit: string): void {
    this.carryOut(this.step.digit(digit));
  }

  /** The caller hung up (the session closes the record and the media). */
  hungUp(): void {
    this.carryOut(this.step.hungUp());
    this.cancel();
  }

  cancel(): void {
    this.timers.clear();
  }

  private carryOut(effect: VoicemailEffect): void {
    switch (effect.type) {
      case "none":
        return;
      case "start-recording":
        this.port.startRecording();
        this.port.log("call.voicemail-recording", { maxMs: this.plan.maxMs });
        this.timers.after(this.plan.maxMs, () => this.carryOut(this.step.limitReached()));
        return;
      case "stop-recording":
        this.cancel();
        this.port.stopRecording();
        this.port.log("call.voicemail-stopped", { why: effect.why });
        if (!effect.goodbye) return;
        this.port.play(this.plan.goodbye);
        this.timers.after(this.port.durationMs(this.plan.goodbye), () => this.carryOut(this.step.goodbyePlayed()));
        return;
      case "hang-up":
        this.port.hangUp();
        return;
    }
  }

}
