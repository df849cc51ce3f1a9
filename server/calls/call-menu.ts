/**
 * A caller menu on one call (issue 11, point 4): plays the menu's prompts one after the other (rtpengine has no
 * playlist: each starts when the previous one's length has passed), takes digits from the caller (SIP INFO or
 * RFC 4733 through rtpengine's DTMF log, both reach {@link CallMenuRun.digit}), and hands the choice to its owner.
 * The decisions (repeat, invalid, default) are the pure {@link CallerMenu}'s; this file only keeps the timers: at
 * most one per prompt still to start plus the wait for a digit, all cleared on a choice or {@link CallMenuRun.cancel}.
 */
import { CallerMenu, MENU_DIGIT_WAIT_MS, type MenuChoice, type MenuStep } from "../hours/caller-menu";
import type { MenuPlan } from "../hours/hours-runtime";
import type { Sound } from "./call-media";
import { TimerSet } from "../timer-set";

/** What a menu run needs of its call. */
export interface CallMenuPort {
  /** Starts one prompt (replacing what plays) on the call's media chain. */
  play(sound: Sound): void;
  /** A prompt's length, ms. */
  durationMs(sound: Sound): number;
  log(type: string, data: Record<string, unknown>): void;
  /** The menu is over: carry out the choice. Called once. */
  chosen(choice: MenuChoice): void;
}

export class CallMenuRun {
  private readonly machine: CallerMenu;
  private readonly timers = new TimerSet();

  constructor(
    private readonly plan: MenuPlan,
    private readonly port: CallMenuPort,
    private readonly waitMs = MENU_DIGIT_WAIT_MS,
  ) {
    this.machine = new CallerMenu(plan.options);
  }

  get done(): boolean {
    return this.machine.done;
  }

  start(): void {
    this.carryOut(this.machine.start());
  }

  /** A digit from the caller (0-9, *, #; others are invalid choices). */
  digit(digit: string): void {
    this.carryOut(this.machine.digit(digit));
  }

  /** The call ended: no more prompts or timers. */
  cancel(): void {
    this.timers.clear();
  }

  private carryOut(step: MenuStep): void {
    if (step.type === "none") return;
    this.timers.clear();
    if (step.type === "chosen") {
      this.port.log("call.menu-choice", step.choice.kind === "option" ? { digit: step.choice.digit, action: step.choice.action } : { default: step.choice.why });
      this.port.chosen(step.choice);
      return;
    }
    const prompts = [...(step.invalid && this.plan.invalid ? [this.plan.invalid] : []), ...this.plan.prompts] as Sound[];
    this.port.log("call.announcement", { announcement: "menu", round: step.round, prompts });
    let atMs = 0;
    for (const sound of prompts) {
      this.timers.after(atMs, () => this.port.play(sound));
      atMs += this.port.durationMs(sound);
    }
    // Prompts that were still to come are not played over the caller's choice: a digit clears these timers.
    this.timers.after(atMs + this.waitMs, () => this.carryOut(this.machine.timeout()));
  }
}
