/**
 * What a waiting caller hears: announcements one after the other, then hold music (looped). rtpengine has no
 * playlist and no completion event, but tells each prompt's length: the next one starts when that time has passed
 * (one timer at a time). Nothing plays once the caller talks to someone (an operator, an external party) or the call
 * ended: each step checks {@link WaitingAudioPort.quiet} when it runs.
 * @module
 */
import type { CallMedia, Sound } from "../call-media";
import type { MediaLane } from "../media-lanes";

/** Waiting audio orders against the call's other playback only: an operator's offer may overtake it. */
const PLAYBACK: readonly MediaLane[] = ["playback"];

/** What the waiting audio needs of its call session. */
export interface WaitingAudioPort {
  /** The call's media now. */
  media(): CallMedia;
  /** Runs a step on the call's media chain after the earlier steps on `lanes` (default all; skipped once the session
   * finished; errors logged). */
  enqueueMedia(step: () => Promise<unknown>, lanes?: readonly MediaLane[]): void;
  /** The prompt file of `sound` in the call's language. */
  localize(sound: Sound): Sound;
  /** True while nothing may play: the caller is bridged to someone, or the session ended. */
  quiet(): boolean;
}

export class WaitingAudio {
  /** The start of the next prompt (or of the music). */
  private next: NodeJS.Timeout | undefined;

  constructor(private readonly port: WaitingAudioPort) {}

  /** `sounds` (localized) one after the other, then hold music; no sounds: the music at once. */
  play(sounds: readonly Sound[]): void {
    const [sound, ...rest] = sounds;
    if (sound === undefined) {
      this.port.enqueueMedia(async () => {
        if (!this.port.quiet()) await this.port.media().playToCaller("hold-music", { loop: true });
      }, PLAYBACK);
      return;
    }
    this.port.enqueueMedia(async () => {
      if (this.port.quiet()) return;
      this.stop();
      const ms = await this.port.media().playToCaller(this.port.localize(sound));
      this.musicAfter(ms ?? 0, rest);
    }, PLAYBACK);
  }

  /** After `ms` (what plays now, e.g. an apology), `then` (default: none) and the music, unless quiet by then. */
  musicAfter(ms: number, then: readonly Sound[] = []): void {
    this.next = setTimeout(() => {
      if (!this.port.quiet()) this.play(then);
    }, ms);
    this.next.unref();
  }

  /** No more prompts or music start (what plays now goes on until the media changes). */
  stop(): void {
    clearTimeout(this.next);
  }
}
