/**
 * The recordings of one server: after a recorded call's media is deleted in rtpengine, its pcap is converted to a
 * stereo Ogg Opus file under the recordings folder and the call record points at it (with its deletion date from
 * the queue's retention); the {@link RetentionSweeper} deletes files when they are due.
 *
 * Files: `<recordingsDir>/<yyyy-mm>/<record id>.opus` (mode 0600 folder tree 0700); rtpengine's spool is
 * `<recordingsDir>/spool` (see {@link spoolDirOf}). The spool must be on rtpengine's host: recording works with the
 * supervised local rtpengine (or external ones that share this folder).
 */
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Db } from "../../db/client";
import { earliestRecordingExpiry, listDueRecordings, markRecordingDeleted, setCallRecording } from "../../db/queries/recordings";
import type { Logger } from "../logger";
import { convertRecording, findSpooledRecording, recordingRelativePath, resolveRecordingPath, spoolDirOf } from "./recording-files";
import { DAY_MS, recordingExpiry, RetentionSweeper, type RetentionStore } from "./retention";

export interface RecordedCall {
  /** The call record's id (also its rtpengine call id). */
  callId: string;
  /** rtpengine's trunk-facing port ({@link CallMedia.startRecording}). */
  callerPort: number;
  endedAt: Date;
  /** The queue's retention at the call's end; null keeps the file. */
  retentionDays: number | null;
}

export class RecordingService {
  readonly spoolDir: string;
  readonly sweeper: RetentionSweeper;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    readonly recordingsDir: string,
    private readonly clock: { now(): number },
    private readonly logger: Logger,
  ) {
    this.spoolDir = spoolDirOf(recordingsDir);
    const store: RetentionStore = {
      earliestExpiry: () => earliestRecordingExpiry(db),
      deleteDue: (now) => this.deleteDue(now),
    };
    this.sweeper = new RetentionSweeper(store, clock, logger);
  }

  /** Starts the retention sweeper, after pruning what a crash left in the spool (see {@link pruneSpool}). */
  async start(): Promise<void> {
    await this.pruneSpool();
    await this.sweeper.start();
  }

  /**
   * Spool files untouched for `maxAgeMs` (default a day) belong to calls whose conversion never ran (the server
   * stopped or crashed before their end): rtpengine appends to a live call's pcap continuously, so an old
   * modification time means no call is writing it. They are removed, with a warning, so the spool cannot grow forever.
   */
  async pruneSpool(maxAgeMs = DAY_MS): Promise<number> {
    let removed = 0;
    for (const sub of ["pcaps", "metadata"]) {
      const dir = path.join(this.spoolDir, sub);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        const file = path.join(dir, name);
        const info = await stat(file).catch(() => undefined);
        if (!info || this.clock.now() - info.mtimeMs < maxAgeMs) continue;
        await rm(file, { force: true });
        removed++;
      }
    }
    if (removed > 0) this.logger.warn("stale recording spool files removed (calls never converted)", { removed });
    return removed;
  }

  /** Stops the sweeper and waits for conversions under way. */
  async stop(): Promise<void> {
    this.sweeper.stop();
    await Promise.allSettled([...this.pending]);
  }

  /**
   * The recorded call's media is gone from rtpengine: converts and stores its recording in the background
   * (resolves when done; failures are logged, e.g. rtpengine wrote no file).
   */
  callEnded(call: RecordedCall): Promise<void> {
    const job = this.store(call).catch((error: unknown) =>
      this.logger.warn("call recording not stored", { callId: call.callId, error: String(error) }),
    );
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
    return job;
  }

  private async store(call: RecordedCall): Promise<void> {
    const spool = await findSpooledRecording(this.spoolDir, call.callId);
    const relative = recordingRelativePath(call.callId, call.endedAt);
    const converted = await convertRecording(spool, call.callerPort, resolveRecordingPath(this.recordingsDir, relative));
    const expires = recordingExpiry(call.endedAt, call.retentionDays) ?? null;
    await setCallRecording(this.db, call.callId, relative, expires);
    this.logger.info("call recording stored", { callId: call.callId, file: relative, durationMs: Math.round(converted.durationMs), ...converted.packets });
    if (expires) await this.sweeper.reschedule();
  }

  /** Deletes the files of every recording due at `now` and marks their records; resolves with the count. */
  async deleteDue(now: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      const due = await listDueRecordings(this.db, now);
      for (const recording of due) {
        try {
          await rm(resolveRecordingPath(this.recordingsDir, recording.recordingFile), { force: true });
        } catch (error) {
          this.logger.warn("recording file not deleted", { callId: recording.id, error: String(error) });
        }
        await markRecordingDeleted(this.db, recording.id, now);
        deleted++;
      }
      if (due.length < 500) return deleted;
    }
  }
}
