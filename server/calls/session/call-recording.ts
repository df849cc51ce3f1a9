/**
 * The recording of a call (server/recordings): the consent notice played before the caller joins the queue, and the
 * recording itself, started with the first operator connected; rtpengine then records every later segment of the
 * call on the same call id (transfers, a second operator) until the call is deleted, when its files are complete and
 * {@link CallRecording.recordedPort} tells the recordings service which stream is the caller's.
 * @module
 */
import type { CallMedia, Sound } from "../call-media";
import type { SessionLog } from "./session-ports";

/** What a call's recording needs of its session. */
export interface CallRecordingPort {
  /** The call's media now. */
  media(): CallMedia;
  /** Runs a step on the call's media chain (skipped once the session finished; errors logged). */
  enqueueMedia(step: () => Promise<unknown>): void;
  /** Runs `run` once every step queued so far on the media chain is done (or was skipped). */
  afterQueuedSteps(run: () => void): void;
  /** True once the session ended. */
  finished(): boolean;
  /** The prompt file of `sound` in the call's language. */
  localize(sound: Sound): Sound;
  /** A sound's length, ms. */
  durationMs(sound: Sound): number;
  log: SessionLog;
}

export class CallRecording {
  /** rtpengine's caller-facing port once the recording started. */
  private callerPort: number | undefined;
  private asked = false;

  constructor(private readonly port: CallRecordingPort) {}

  /** rtpengine's caller-facing port of the recording, once started (the recordings service needs it after delete). */
  get recordedPort(): number | undefined {
    return this.callerPort;
  }

  /**
   * The consent notice ("this call may be recorded", in the number's language), played before the caller joins the
   * queue, so no operator is connected before the caller heard it. Resolves when it has been played (its length) or
   * the call ended; never rejects.
   */
  playNotice(): Promise<void> {
    const notice = this.port.localize("recording-notice");
    this.port.log("call.announcement", { announcement: "recording-notice", prompts: [notice] });
    return new Promise((resolve) => {
      this.port.enqueueMedia(async () => {
        let ms: number | undefined;
        try {
          ms = await this.port.media().playToCaller(notice);
        } catch (error) {
          resolve();
          throw error;
        }
        setTimeout(resolve, ms ?? this.port.durationMs(notice)).unref();
      });
      // A step skipped (the call ended) or failed must not leave the caller waiting.
      this.port.afterQueuedSteps(() => (this.port.finished() ? resolve() : undefined));
    });
  }

  /** Starts the recording (once; a media without recording support is left alone), logged `call.recording-started`. */
  start(): void {
    if (this.asked || !this.port.media().startRecording) return;
    this.asked = true;
    this.port.enqueueMedia(async () => {
      const started = await this.port.media().startRecording!();
      this.callerPort = started.callerPort;
      this.port.log("call.recording-started");
    });
  }
}
