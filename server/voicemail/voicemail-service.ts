/**
 * Voicemails (issue 11, point 2): after a closed number's caller left a message, its rtpengine pcap (only the
 * caller's side: rtpengine does not capture the prompts it plays) is rendered mono and encoded as Ogg Opus like a
 * call recording (server/recordings), stored as the call record's recording file, the record's outcome becomes
 * `voicemail`, and a callback request (reason `voicemail`, with the message's length) puts it in the work list.
 * Leading and trailing silence is cut after the call ({@link trimSilence}); a message then shorter than
 * {@link MIN_MESSAGE_MS} (the caller hung up at the tone, or said nothing) leaves no file and no item, and the record
 * stays `closed`.
 *
 * Files: `<recordingsDir>/<yyyy-mm>/<record id>.opus`, served by `/api/calls/<id>/recording` (its access rules let
 * the queue's members listen; every playback is logged). A message is kept as long as its queue keeps recordings
 * (the queue's recording retention, days, from the call's end; none: kept), deleted by the recordings' sweeper.
 */
import { rm } from "node:fs/promises";
import type { Db } from "../../db/client";
import { insertCallbackRequest } from "../../db/queries/callback-requests";
import { queueAudioRetentionDays, setCallRecording } from "../../db/queries/recordings";
import { recordingExpiry, type RetentionSweeper } from "../recordings/retention";
import type { CallPatch } from "../../db/queries/calls";
import type { Logger } from "../logger";
import { findSpooledRecording, recordingRelativePath, renderCallerOnly, resolveRecordingPath, spoolDirOf, storeMonoOpus } from "../recordings/recording-files";
import { SAMPLE_RATE } from "../recordings/stereo-render";
import { trimSilence } from "./silence-trim";
import { keepsMessage } from "./voicemail-step";

/** A voicemail's call after its media was deleted in rtpengine. */
export interface VoicemailEnded {
  callId: string;
  /** rtpengine's trunk-facing port: the caller's packets arrived there. */
  callerPort: number;
  callerNumber: string;
  queueId: number;
  endedAt: Date;
}

export interface VoicemailStored {
  kept: boolean;
  durationMs: number;
  file?: string;
}

export class VoicemailService {
  private readonly spoolDir: string;
  private readonly pending = new Set<Promise<unknown>>();

  /**
   * `writeCall`: the call records' ordered writer (the outcome is written after the record's closing write).
   * `retention`: the recordings' sweeper, told when a message gets a deletion date (server/recordings/retention.ts).
   */
  constructor(
    private readonly db: Db,
    private readonly recordingsDir: string,
    private readonly writeCall: (id: string, patch: CallPatch) => void,
    private readonly logger: Logger,
    private readonly retention?: Pick<RetentionSweeper, "reschedule">,
  ) {
    this.spoolDir = spoolDirOf(recordingsDir);
  }

  /** Stores the message in the background; resolves when done (failures are logged, never thrown). */
  callEnded(call: VoicemailEnded): Promise<VoicemailStored | undefined> {
    const job = this.store(call).catch((error: unknown) => {
      this.logger.warn("voicemail not stored", { callId: call.callId, error: String(error) });
      return undefined;
    });
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
    return job;
  }

  /** Waits for messages being stored (shutdown). */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async store(call: VoicemailEnded): Promise<VoicemailStored> {
    const spool = await findSpooledRecording(this.spoolDir, call.callId);
    const removeSpool = () => Promise.all(spool.files.map((file) => rm(file, { force: true })));
    const rendered = await renderCallerOnly(spool, call.callerPort);
    // Leading and trailing silence cut (post hoc): a caller who said nothing leaves no message.
    const pcm = trimSilence(rendered.pcm, SAMPLE_RATE);
    const durationMs = (pcm.length / 2 / SAMPLE_RATE) * 1000;
    if (!keepsMessage(durationMs)) {
      await removeSpool();
      this.logger.info("voicemail too short or silent: no message", { callId: call.callId, recordedMs: Math.round(rendered.durationMs), durationMs: Math.round(durationMs) });
      return { kept: false, durationMs };
    }
    const relative = recordingRelativePath(call.callId, call.endedAt);
    await storeMonoOpus(pcm, resolveRecordingPath(this.recordingsDir, relative));
    await removeSpool();
    const expires = recordingExpiry(call.endedAt, await queueAudioRetentionDays(this.db, call.queueId)) ?? null;
    await setCallRecording(this.db, call.callId, relative, expires);
    if (expires) await this.retention?.reschedule();
    this.writeCall(call.callId, { outcome: "voicemail" });
    await insertCallbackRequest(this.db, {
      callId: call.callId,
      queueId: call.queueId,
      callerNumber: call.callerNumber,
      reason: "voicemail",
      requestedAt: call.endedAt,
      messageMs: Math.round(durationMs),
    });
    this.logger.info("voicemail stored", { callId: call.callId, file: relative, durationMs: Math.round(durationMs) });
    return { kept: true, durationMs, file: relative };
  }
}
