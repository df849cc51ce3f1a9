/**
 * Retention of call recordings: each recording is due for deletion `retentionDays` after its call ended (its
 * queue's setting when it was stored; null keeps it). {@link RetentionSweeper} holds ONE timer, set for the
 * earliest due deletion (capped at a day, since timers cannot wait longer than ~24.8 days and a changed setting
 * should be seen), deletes what is due, and sets the timer again: no polling loop.
 */
import type { Logger } from "../logger";

export const DAY_MS = 86_400_000;

/** When a recording of a call that ended at `endedAt` is deleted; undefined with no retention (kept forever). */
export function recordingExpiry(endedAt: Date, retentionDays: number | null | undefined): Date | undefined {
  if (retentionDays === null || retentionDays === undefined) return undefined;
  return new Date(endedAt.getTime() + retentionDays * DAY_MS);
}

/**
 * Delay before the next sweep, ms: until the earliest due deletion (0 when one is already due), at most `maxMs`
 * (default one day), or `maxMs` when nothing is due.
 */
export function nextSweepDelayMs(nowMs: number, earliestDue: Date | undefined, maxMs = DAY_MS): number {
  if (!earliestDue) return maxMs;
  return Math.min(maxMs, Math.max(0, earliestDue.getTime() - nowMs));
}

export interface RetentionStore {
  /** The earliest expiry of a recording still stored. */
  earliestExpiry(): Promise<Date | undefined>;
  /** Deletes every recording due at `now` (files and record fields); resolves with how many. */
  deleteDue(now: Date): Promise<number>;
}

/** One timer that deletes recordings when they are due (see module doc). */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: RetentionStore,
    private readonly clock: { now(): number },
    private readonly logger: Logger,
  ) {}

  /** Sweeps now (what is already due), then schedules the next sweep. */
  start(): Promise<void> {
    return this.sweep();
  }

  /** A recording was stored or a retention changed: the next sweep may be sooner. */
  reschedule(): Promise<void> {
    return this.running ?? this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private sweep(): Promise<void> {
    this.running = (async () => {
      try {
        const deleted = await this.store.deleteDue(new Date(this.clock.now()));
        if (deleted > 0) this.logger.info("recordings deleted (retention)", { deleted });
      } catch (error) {
        this.logger.warn("recording retention sweep failed", { error: String(error) });
      }
      this.running = undefined;
      await this.schedule();
    })();
    return this.running;
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    let earliest: Date | undefined;
    try {
      earliest = await this.store.earliestExpiry();
    } catch (error) {
      this.logger.warn("recording retention lookup failed", { error: String(error) });
    }
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sweep(), nextSweepDelayMs(this.clock.now(), earliest));
    this.timer.unref();
  }
}
