/**
 * The voicemail step of a call to a closed number (issue 11, point 2), as a pure state machine: no timer, no media.
 * Its owner ({@link VoicemailRun}) feeds it what happened and carries out the {@link VoicemailEffect} it returns.
 *
 * prompting (closed message, "leave your message after the tone", the beep) -> recording (up to the limit) ->
 * goodbye ("thank you, goodbye", then BYE) -> done. `#` during the recording, or the limit, ends the recording; a
 * hang-up ends it too (no goodbye: the caller is gone). A hang-up while prompting leaves no message.
 */

export type VoicemailState = "prompting" | "recording" | "goodbye" | "done";

/** Why the recording stopped. */
export type VoicemailStop = "hash" | "limit" | "hang-up";

export type VoicemailEffect =
  | { type: "none" }
  /** The beep has been played: start recording the caller and arm the limit. */
  | { type: "start-recording" }
  /** Stop recording; `goodbye`: play "thank you, goodbye", then hang up (false when the caller hung up). */
  | { type: "stop-recording"; why: VoicemailStop; goodbye: boolean }
  /** The goodbye has been heard: BYE. */
  | { type: "hang-up" };

/** Shortest message kept, ms: less is a caller who hung up at the tone (no item, the record stays `closed`). */
export const MIN_MESSAGE_MS = 1000;
/** Default longest message, s (a number's or the server's setting may change it). */
export const DEFAULT_VOICEMAIL_MAX_S = 120;

/** Played after the closed message: "please leave your message after the tone", then the tone (prompt names). */
export const VOICEMAIL_PROMPTS = ["voicemail-leave", "voicemail-beep"] as const;
/** "Thank you for your message, goodbye" (prompt name). */
export const VOICEMAIL_GOODBYE = "voicemail-thanks";

/** Whether a recorded message of `durationMs` is worth an item in the callbacks list. */
export const keepsMessage = (durationMs: number): boolean => durationMs >= MIN_MESSAGE_MS;

const NONE: VoicemailEffect = { type: "none" };

export class VoicemailStep {
  private current: VoicemailState = "prompting";
  /** Why the recording stopped, once it did. */
  stoppedBy: VoicemailStop | undefined;

  get state(): VoicemailState {
    return this.current;
  }

  /** The closed message, the invitation and the beep have been played. */
  promptsPlayed(): VoicemailEffect {
    if (this.current !== "prompting") return NONE;
    this.current = "recording";
    return { type: "start-recording" };
  }

  /** A digit from the caller (RFC 4733 or SIP INFO): `#` ends the recording; other digits are ignored. */
  digit(digit: string): VoicemailEffect {
    if (this.current !== "recording" || digit !== "#") return NONE;
    return this.stop("hash", true);
  }

  /** The longest message was reached. */
  limitReached(): VoicemailEffect {
    if (this.current !== "recording") return NONE;
    return this.stop("limit", true);
  }

  /** The caller hung up. */
  hungUp(): VoicemailEffect {
    const was = this.current;
    this.current = "done";
    if (was === "recording") {
      this.stoppedBy = "hang-up";
      return { type: "stop-recording", why: "hang-up", goodbye: false };
    }
    return NONE;
  }

  /** The goodbye has been played. */
  goodbyePlayed(): VoicemailEffect {
    if (this.current !== "goodbye") return NONE;
    this.current = "done";
    return { type: "hang-up" };
  }

  private stop(why: VoicemailStop, goodbye: boolean): VoicemailEffect {
    this.current = "goodbye";
    this.stoppedBy = why;
    return { type: "stop-recording", why, goodbye };
  }
}
