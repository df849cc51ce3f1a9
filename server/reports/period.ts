/**
 * Report periods: whole days in the hotline's time zone (`TIMEZONE`), as the half-open instant range
 * [from, to) the queries take. `from` and `to` are calendar days (YYYY-MM-DD), `to` included.
 */
import { DateTime } from "luxon";

export const PERIOD_PRESETS = ["today", "yesterday", "this-week", "last-7-days", "this-month", "last-month"] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface Period {
  /** First day, YYYY-MM-DD. */
  fromDay: string;
  /** Last day (included), YYYY-MM-DD. */
  toDay: string;
  /** Start of the first day in the zone. */
  from: Date;
  /** Start of the day after the last day in the zone (exclusive). */
  to: Date;
  zone: string;
}

/** The period of two calendar days in `zone`; throws RangeError when a day is not a date or `to` precedes `from`. */
export function periodOfDays(fromDay: string, toDay: string, zone: string): Period {
  const start = DateTime.fromISO(fromDay, { zone });
  const last = DateTime.fromISO(toDay, { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fromDay) || !/^\d{4}-\d{2}-\d{2}$/.test(toDay) || !start.isValid || !last.isValid) throw new RangeError("days must be YYYY-MM-DD");
  if (last < start) throw new RangeError("to precedes from");
  return { fromDay, toDay, from: start.startOf("day").toJSDate(), to: last.plus({ days: 1 }).startOf("day").toJSDate(), zone };
}

/** The days of a preset period as of `nowMs` in `zone` (weeks start on Monday). */
export function presetDays(preset: PeriodPreset, nowMs: number, zone: string): { from: string; to: string } {
  const today = DateTime.fromMillis(nowMs, { zone }).startOf("day");
  const day = (d: DateTime) => d.toISODate()!;
  switch (preset) {
    case "today":
      return { from: day(today), to: day(today) };
    case "yesterday":
      return { from: day(today.minus({ days: 1 })), to: day(today.minus({ days: 1 })) };
    case "this-week":
      return { from: day(today.startOf("week")), to: day(today) };
    case "last-7-days":
      return { from: day(today.minus({ days: 6 })), to: day(today) };
    case "this-month":
      return { from: day(today.startOf("month")), to: day(today) };
    case "last-month": {
      const start = today.minus({ months: 1 }).startOf("month");
      return { from: day(start), to: day(start.endOf("month")) };
    }
  }
}
