/**
 * When the automatic weekly reviews are due (issue 13: "generated automatically 7 days after the first call, then
 * weekly"). Pure: days are calendar days (YYYY-MM-DD) in the hotline's zone, instants are epoch milliseconds.
 *
 * The first review covers the 7 days from the day of the first call, each next one the 7 days after the previous;
 * a review is due at the start of the day after its period (its last day is over), so every period is complete and
 * covered once. Day arithmetic is done on calendar days (luxon), so a daylight-saving change does not shift it.
 */
import { DateTime } from "luxon";

/** Days in a review period. */
export const REVIEW_DAYS = 7;

/** A review period: first and last day (included), YYYY-MM-DD. */
export interface ReviewPeriod {
  fromDay: string;
  toDay: string;
}

function addDays(day: string, days: number, zone: string): string {
  return DateTime.fromISO(day, { zone }).plus({ days }).toISODate()!;
}

/** The period that starts on `fromDay`. */
export function periodStarting(fromDay: string, zone: string): ReviewPeriod {
  return { fromDay, toDay: addDays(fromDay, REVIEW_DAYS - 1, zone) };
}

/** The instant (ms) a period's review is due: the start of the day after its last day, in `zone`. */
export function dueAt(period: ReviewPeriod, zone: string): number {
  return DateTime.fromISO(addDays(period.toDay, 1, zone), { zone }).startOf("day").toMillis();
}

/**
 * The periods due at `nowMs` and not generated yet, oldest first, at most `max` (the latest ones: a hotline that ran
 * a year without this feature gets its recent weeks, not 52 reviews at once), and the next period (not due yet).
 *
 * @param firstCallAtMs when the first call arrived (ms); the first period starts on its day in `zone`.
 * @param latestFromDay first day of the latest review stored, or null.
 */
export function reviewsDue(firstCallAtMs: number, latestFromDay: string | null, nowMs: number, zone: string, max = 8): { due: ReviewPeriod[]; next: ReviewPeriod } {
  const firstDay = DateTime.fromMillis(firstCallAtMs, { zone }).toISODate()!;
  let period = periodStarting(latestFromDay ? addDays(latestFromDay, REVIEW_DAYS, zone) : firstDay, zone);
  const due: ReviewPeriod[] = [];
  while (dueAt(period, zone) <= nowMs) {
    due.push(period);
    period = periodStarting(addDays(period.fromDay, REVIEW_DAYS, zone), zone);
  }
  return { due: due.slice(-max), next: period };
}
