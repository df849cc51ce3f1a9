/**
 * What a caller goes through before (or instead of) the queue, on an answered call whose media is up: the number's
 * caller menu (issue 11, point 4; ../call-menu.ts), the answer of a closed number (its message, then BYE, or the
 * voicemail step: server/voicemail/voicemail-run.ts), the goodbye of a caller who chose a callback in the menu, and
 * the goodbye of a caller the engine sends away. The engine never sees the closed and menu calls (or sees only the
 * kept place of a callback), so their record is closed here when the caller's leg ends ({@link CallerSteps.callerLeft}).
 * @module
 */
import type { CallPatch } from "../../../db/queries/calls";
import type { EndedBy } from "../../../db/schema";
import type { MenuChoice } from "../../hours/caller-menu";
import type { MenuPlan } from "../../hours/hours-runtime";
import type { AnnouncementKind } from "../../queue";
import { callerGoneOutcome, SYSTEM_END_REASONS } from "../../telephony/leg-signalling";
import { VoicemailRun, type VoicemailPlan } from "../../voicemail/voicemail-run";
import type { CallMedia, Sound } from "../call-media";
import { CallMenuRun } from "../call-menu";
import type { SessionLog } from "./session-ports";

/** A number outside its hours (server/hours): the prompts to play, then BYE with this end reason. */
export interface ClosedAnswer {
  prompts: readonly string[];
  endReason: string;
  /**
   * Closed action `voicemail`: after `prompts`, these prompts ("leave your message after the tone", the beep), the
   * recording (up to `maxMs`, `#` ends it), then `goodbye` and BYE (server/voicemail).
   */
  voicemail?: { prompts: readonly string[]; goodbye: string; maxMs: VoicemailPlan["maxMs"] };
}

/** The message a caller hears before the engine sends them away. */
const GOODBYES: Partial<Record<AnnouncementKind, Sound>> = {
  closed: "closed",
  "max-wait": "max-wait",
  "queue-full": "queue-full",
  "no-operators": "no-operators",
  "callback-registered": "callback-registered",
  "callback-unavailable": "callback-unavailable",
};

/** What the caller's steps need of their call session. */
export interface CallerStepsPort {
  /** Epoch ms (the session's clock). */
  now(): number;
  /** The call's media now. */
  media(): CallMedia;
  /** Runs a step on the call's media chain (skipped once the session finished; errors logged). */
  enqueueMedia(step: () => Promise<unknown>): void;
  /** The prompt file of `sound` in the call's language. */
  localize(sound: Sound): Sound;
  /** A sound's length, ms. */
  durationMs(sound: Sound): number;
  /** The caller's queue now (the number's queue). */
  queueId(): number;
  /** True once the session ended, or the caller's leg did. */
  over(): boolean;
  /** BYE to the caller (RFC 3261 §15), as our doing. */
  hangUp(): void;
  log: SessionLog;
  write(patch: CallPatch): void;
  /** Who ended the call so far, as the record will say. */
  endedBy(): EndedBy | undefined;
  /** Sets who ended the call (`system` when the steps send the caller away, `caller` who hangs up first). */
  setEndedBy(by: EndedBy): void;
  /** Ends the session's media (once). */
  finishMedia(): void;
}

export class CallerSteps {
  /** The caller menu while the caller chooses. */
  private menuRun: CallMenuRun | undefined;
  /** The voicemail step of a closed number's call. */
  private voicemailRun: VoicemailRun | undefined;
  /** rtpengine's caller-facing port once the voicemail's recording started. */
  private recordedPort: number | undefined;
  /** Set when the caller is sent away without the queue: the record's end reason unless the caller hangs up first. */
  private closedReason: string | undefined;

  constructor(private readonly port: CallerStepsPort) {}

  /**
   * rtpengine's caller-facing port of the voicemail's recording, once it started: after the call's media is deleted,
   * the message can be stored (server/voicemail, `VoicemailService.callEnded`).
   */
  get voicemailPort(): number | undefined {
    return this.recordedPort;
  }

  /**
   * The number's caller menu, before the caller is queued: its prompts, digits, repeats and default
   * (server/hours/caller-menu.ts). `chosen` is called once with the caller's choice; not when the caller hangs up
   * first (the record is then closed as abandoned, {@link callerLeft}).
   */
  runMenu(plan: MenuPlan, chosen: (choice: MenuChoice) => void): void {
    this.menuRun = new CallMenuRun(plan, {
      play: (sound) => this.port.enqueueMedia(() => this.port.media().playToCaller(this.port.localize(sound))),
      durationMs: (sound) => this.port.durationMs(this.port.localize(sound)),
      log: (type, data) => this.port.log(type, data, { queueId: this.port.queueId() }),
      chosen: (choice) => {
        this.menuRun = undefined;
        if (!this.port.over()) chosen(choice);
      },
    });
    this.menuRun.start();
  }

  /** A digit from the caller (SIP INFO or RFC 4733), for the menu or the voicemail step while one runs. */
  digit(digit: string): void {
    this.menuRun?.digit(digit);
    this.voicemailRun?.digit(digit);
  }

  /**
   * The caller chose "callback" in the menu: the confirmation, then BYE. `keptPlace`: a place is kept for them in the
   * number's queue (the engine makes the callback request when their turn comes); the record then stays open until
   * that turn, with end reason `menu-callback`. Otherwise (anonymous, withheld number) they are told it is
   * unavailable, and the record closes as abandoned.
   */
  leaveForCallback(keptPlace: boolean): void {
    this.port.setEndedBy("system");
    this.closedReason = keptPlace ? "menu-callback" : "callback-unavailable";
    this.goodbye(this.port.localize(keptPlace ? "callback-registered" : "callback-unavailable"));
  }

  /** The engine sends the caller away (`announcement`: why): its goodbye, then BYE once it has been heard. */
  sendAway(announcement: AnnouncementKind): void {
    this.port.setEndedBy("system");
    this.goodbye(this.port.localize(GOODBYES[announcement] ?? "closed"));
  }

  /** Plays `sound`, then BYE when its length has passed. */
  private goodbye(sound: Sound): void {
    this.port.enqueueMedia(() => this.port.media().playToCaller(sound));
    setTimeout(() => this.port.hangUp(), this.port.durationMs(sound)).unref();
  }

  /** A closed number forwards the caller (server/hours): the record closes as `closed`, end reason `forwarded`. */
  forwarding(): void {
    this.port.setEndedBy("system");
    this.closedReason = "forwarded";
  }

  /**
   * Outside the number's hours: the closed message (with the next opening), then BYE; the record is closed as
   * `closed`, ended by the system (or by the caller who hung up first). With closed action `voicemail` the voicemail
   * step follows the message; the record becomes `voicemail` once a message is stored
   * (server/voicemail/voicemail-service.ts).
   */
  answerClosed(closed: ClosedAnswer): void {
    this.port.setEndedBy("system");
    this.closedReason = closed.endReason;
    const prompts = closed.prompts.map((p) => this.port.localize(p as Sound));
    this.port.log("call.announcement", { announcement: "closed", prompts });
    if (closed.voicemail) return this.runVoicemail(prompts, closed.voicemail);
    let totalMs = 0;
    for (const sound of prompts) {
      const startMs = totalMs;
      totalMs += this.port.durationMs(sound);
      setTimeout(() => this.port.enqueueMedia(() => this.port.media().playToCaller(sound)), startMs).unref();
    }
    setTimeout(() => this.port.hangUp(), totalMs).unref();
  }

  /**
   * The caller's leg ended (`reason`: its end reason) during one of these steps: closes the record (closed, kept for
   * a callback, or abandoned in the menu) and ends the media. False when no step was under way: the session handles
   * the ending.
   */
  callerLeft(reason: string): boolean {
    if (this.closedReason === "menu-callback" || this.closedReason === "callback-unavailable") {
      const endedBy = reason === "bye" ? "caller" : "system";
      // A kept place: the engine closes the record when the caller's turn comes (outcome, end time).
      if (this.closedReason === "menu-callback") this.port.write({ endedBy, endReason: "menu-callback" });
      else this.port.write({ outcome: "abandoned", endedAt: new Date(this.port.now()), endedBy, endReason: "callback-unavailable" });
      this.port.finishMedia();
      return true;
    }
    if (this.closedReason !== undefined) {
      this.voicemailRun?.hungUp();
      const byCaller = reason === "bye";
      if (byCaller) this.port.setEndedBy("caller");
      this.port.write({ outcome: "closed", endedAt: new Date(this.port.now()), endedBy: this.port.endedBy(), endReason: byCaller ? "caller-hung-up" : this.closedReason });
      this.port.finishMedia();
      return true;
    }
    if (this.menuRun) {
      // Gone while choosing in the menu: the engine never saw the call.
      this.menuRun.cancel();
      this.menuRun = undefined;
      this.port.write({ outcome: callerGoneOutcome(reason), endedAt: new Date(this.port.now()), endedBy: SYSTEM_END_REASONS.has(reason) ? "system" : "caller", endReason: reason === "bye" ? "caller-hung-up-in-menu" : reason });
      this.port.finishMedia();
      return true;
    }
    return false;
  }

  /** The session ends: timers of the menu and the voicemail step are cleared. */
  cancel(): void {
    this.menuRun?.cancel();
    this.voicemailRun?.cancel();
  }

  /** The closed message, then the voicemail step (server/voicemail/voicemail-run.ts). */
  private runVoicemail(closedPrompts: readonly Sound[], plan: NonNullable<ClosedAnswer["voicemail"]>): void {
    const prompts = [...closedPrompts, ...plan.prompts.map((p) => this.port.localize(p as Sound))];
    const goodbye = this.port.localize(plan.goodbye as Sound);
    this.voicemailRun = new VoicemailRun(
      { prompts, goodbye, maxMs: plan.maxMs },
      {
        play: (sound) => this.port.enqueueMedia(() => this.port.media().playToCaller(sound)),
        durationMs: (sound) => this.port.durationMs(sound),
        startRecording: () =>
          this.port.enqueueMedia(async () => {
            if (!this.port.media().startRecording) throw new Error("this call's media cannot record");
            // Nothing plays while the caller speaks (the beep may still be ending).
            await this.port.media().stopCallerPlayback();
            this.recordedPort = (await this.port.media().startRecording!()).callerPort;
          }),
        stopRecording: () => this.port.enqueueMedia(async () => this.port.media().stopRecording?.()),
        hangUp: () => this.port.hangUp(),
        log: (type, data) => this.port.log(type, data, { queueId: this.port.queueId() }),
      },
    );
    this.voicemailRun.start();
  }
}
