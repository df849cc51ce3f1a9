/**
 * Generates the weekly reviews in the running server (on the active node): at start it catches up the periods that
 * are over (see review-schedule.ts), then sleeps with ONE timer until the next period ends. Each review is the same
 * as `/reports/review` shows for its period ({@link reviewOf} of {@link buildCallReport}), stored with its statements
 * as keys and values so every reader sees it in their language. A database outage only delays it: the runtime
 * tries again after {@link RETRY_MS}; a review stored twice (two nodes, a restart) is refused by the period's key.
 */
import { DateTime } from "luxon";
import type { Db } from "../../db/client";
import { firstCallArrival, insertWeeklyReview, latestReviewDay } from "../../db/queries/weekly-reviews";
import type { WeeklyReview } from "../../db/schema";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { buildCallReport } from "./call-report";
import { periodOfDays } from "./period";
import { dueAt, reviewsDue, type ReviewPeriod } from "./review-schedule";
import { reviewOf } from "./week-review";

/** Wait before trying again after a failure (the database down), ms. */
export const RETRY_MS = 5 * 60_000;
/** Longest single sleep, ms: setTimeout caps near 24.8 days, and a clock jump is noticed within this. */
const MAX_SLEEP_MS = 6 * 3_600_000;

export interface WeeklyReviewDeps {
  db: Db;
  /** The hotline's zone (`TIMEZONE`): review periods are its calendar days. */
  zone: string;
  clock: Clock;
  logger: Logger;
  /** Told of each review stored (e.g. to tell supervisors). */
  onGenerated?: (review: WeeklyReview) => void;
}

export class WeeklyReviewRuntime {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** When the runtime wakes up next (ms), for health and tests. */
  nextRunAt: number | undefined;

  constructor(private readonly deps: WeeklyReviewDeps) {}

  /** Catches up, then keeps itself armed until {@link stop}. */
  start(): void {
    this.wake();
  }

  /**
   * Generates every review that is due and not stored yet; returns the ones stored now. Throws when the database
   * fails (the timer path catches it and retries).
   */
  async catchUp(): Promise<WeeklyReview[]> {
    const { db, zone, clock } = this.deps;
    const first = await firstCallArrival(db);
    const now = clock.now();
    if (!first) {
      this.nextRunAt = DateTime.fromMillis(now, { zone }).plus({ days: 1 }).startOf("day").toMillis();
      return [];
    }
    const { due, next } = reviewsDue(first.getTime(), await latestReviewDay(db), now, zone);
    const stored: WeeklyReview[] = [];
    for (const period of due) {
      const review = await this.generate(period);
      if (review) stored.push(review);
    }
    this.nextRunAt = dueAt(next, zone);
    return stored;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async generate(period: ReviewPeriod): Promise<WeeklyReview | undefined> {
    const { db, zone, logger } = this.deps;
    const report = await buildCallReport(db, periodOfDays(period.fromDay, period.toDay, zone));
    const { strengths, weaknesses } = reviewOf(report);
    const review = await insertWeeklyReview(db, { ...period, calls: report.summary.calls, strengths, weaknesses });
    if (review) {
      logger.info("weekly review generated", { from: period.fromDay, to: period.toDay, calls: review.calls, strengths: strengths.length, weaknesses: weaknesses.length });
      this.deps.onGenerated?.(review);
    }
    return review;
  }

  private wake(): void {
    if (this.stopped) return;
    this.running = this.catchUp()
      .catch((error: unknown) => {
        this.deps.logger.error("weekly review failed, trying again later", { error: String(error) });
        this.nextRunAt = this.deps.clock.now() + RETRY_MS;
      })
      .then(() => {
        if (this.stopped) return;
        const wait = Math.min(MAX_SLEEP_MS, Math.max(0, (this.nextRunAt ?? 0) - this.deps.clock.now()));
        this.timer = setTimeout(() => this.wake(), wait);
        this.timer.unref();
      });
  }
}
