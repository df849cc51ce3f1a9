/**
 * Operating hours, evaluated purely: a weekly pattern (several intervals a day, overnight ones allowed), one-off
 * periods that replace the weekly pattern on their dates, closures (whole or part days, with a reason) that win over
 * both, and 24/7. Local times are read in the schedule's IANA time zone through luxon, so daylight-saving changes
 * move the instants, not the wall-clock hours: "09:00" stays 09:00 in summer and winter; a local time that does not
 * exist (the spring-forward gap) starts at the first instant after the gap; an ambiguous one (autumn) at its first
 * occurrence. All instants are Unix epoch milliseconds; no clock is read here (callers pass `at`).
 */
import { DateTime } from "luxon";

/** ISO weekday, as luxon numbers them: 1 is Monday, 7 is Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * Local minutes of a day, `[startMinute, endMinute)`. `endMinute` is 1..1440 (1440 = midnight at the day's end);
 * an `endMinute` not after `startMinute` is an overnight interval that ends on the next day (22:00-06:00).
 */
export interface DayInterval {
  startMinute: number;
  endMinute: number;
}

export interface WeeklyInterval extends DayInterval {
  day: Weekday;
}

/** Dates are local calendar dates `YYYY-MM-DD`, inclusive at both ends. */
export interface DateRange {
  from: string;
  to: string;
}

/** One-off opening hours (e.g. admissions, 1 to 20 July, 08:00-18:00): replace the weekly pattern on each date. */
export interface SchedulePeriod extends DateRange {
  intervals: readonly DayInterval[];
}

/** Closed on each date of the range: the whole day, or only `hours` on each of those days; `reason` is told. */
export interface ScheduleClosure extends DateRange {
  hours?: DayInterval;
  reason: string;
}

export interface ScheduleSpec {
  /** IANA zone (e.g. Europe/Paris) the local times are read in. */
  zone: string;
  /** Open around the clock (closures still apply); the weekly pattern and periods are then ignored. */
  alwaysOpen: boolean;
  weekly: readonly WeeklyInterval[];
  periods: readonly SchedulePeriod[];
  closures: readonly ScheduleClosure[];
}

/** The state at an instant. `until` is the next change (undefined: none, ever, or not within {@link HORIZON_DAYS}). */
export type ScheduleState =
  | { open: true; until: number | undefined }
  | { open: false; until: number | undefined; closure: string | undefined };

/** How far ahead the next change is searched at most, days: a schedule that never opens within a year is "closed". */
export const HORIZON_DAYS = 400;
/** Days evaluated per step of the search. */
const WINDOW_DAYS = 8;
const DAY_MINUTES = 1440;

interface Span {
  start: number;
  end: number;
}

const isoDate = (d: DateTime) => d.toISODate() ?? "";

/** The instant of a local date's minute in the zone; minute 1440 is the next day's midnight. */
function instant(day: DateTime, minute: number): number {
  return day.plus({ days: Math.floor(minute / DAY_MINUTES) }).set({ hour: Math.floor((minute % DAY_MINUTES) / 60), minute: minute % 60 }).toMillis();
}

function inRange(date: string, range: DateRange): boolean {
  return date >= range.from && date <= range.to;
}

function daySpans(day: DateTime, intervals: readonly DayInterval[]): Span[] {
  return intervals.map((i) => {
    const end = i.endMinute > i.startMinute ? i.endMinute : i.endMinute + DAY_MINUTES;
    return { start: instant(day, i.startMinute), end: instant(day, end) };
  });
}

/** Open spans (merged, sorted) of the local dates `[first, first + days)`, plus the day before for overnight tails. */
function openSpans(spec: ScheduleSpec, first: DateTime, days: number): Span[] {
  const open: Span[] = [];
  const closed: Span[] = [];
  for (let i = -1; i < days + 1; i++) {
    const day = first.plus({ days: i });
    const date = isoDate(day);
    if (spec.alwaysOpen) open.push({ start: instant(day, 0), end: instant(day, DAY_MINUTES) });
    else {
      const period = spec.periods.find((p) => inRange(date, p));
      const intervals = period ? period.intervals : spec.weekly.filter((w) => w.day === day.weekday);
      open.push(...daySpans(day, intervals));
    }
    for (const closure of spec.closures) {
      if (!inRange(date, closure)) continue;
      closed.push(...daySpans(day, [closure.hours ?? { startMinute: 0, endMinute: DAY_MINUTES }]));
    }
  }
  return subtract(merge(open), merge(closed));
}

function merge(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function subtract(open: Span[], closed: Span[]): Span[] {
  const out: Span[] = [];
  for (const o of open) {
    let pieces: Span[] = [o];
    for (const c of closed) {
      pieces = pieces.flatMap((p) =>
        c.end <= p.start || c.start >= p.end
          ? [p]
          : [
              ...(c.start > p.start ? [{ start: p.start, end: c.start }] : []),
              ...(c.end < p.end ? [{ start: c.end, end: p.end }] : []),
            ],
      );
    }
    out.push(...pieces);
  }
  return out;
}

/** The closure whose span covers `at`, if any (for "closed: Holidays"). */
function closureAt(spec: ScheduleSpec, at: number): ScheduleClosure | undefined {
  const here = DateTime.fromMillis(at, { zone: spec.zone });
  for (const offset of [0, -1]) {
    const day = here.plus({ days: offset }).startOf("day");
    const date = isoDate(day);
    for (const closure of spec.closures) {
      if (!inRange(date, closure)) continue;
      const span = daySpans(day, [closure.hours ?? { startMinute: 0, endMinute: DAY_MINUTES }])[0]!;
      if (at >= span.start && at < span.end) return closure;
    }
  }
  return undefined;
}

/**
 * Whether the schedule is open at `at` and until when. The next change is the end of the open span containing `at`
 * (spans that touch, like 22:00-24:00 and 00:00-06:00, are one), or the start of the next one.
 */
export function scheduleState(spec: ScheduleSpec, at: number): ScheduleState {
  const open = isOpen(spec, at);
  let first = DateTime.fromMillis(at, { zone: spec.zone }).startOf("day");
  let from = at;
  // After the last dated exception only the weekly pattern remains, which repeats every week: a change that is not
  // found within a week and a day after it never comes (24/7 without closures is decided in one window).
  const lastException = [...spec.periods, ...spec.closures].reduce((last, e) => (e.to > last ? e.to : last), isoDate(first));
  const days = Math.min(HORIZON_DAYS, Math.max(0, Math.round(DateTime.fromISO(lastException, { zone: spec.zone }).diff(first, "days").days)) + WINDOW_DAYS);
  for (let scanned = 0; scanned < days; scanned += WINDOW_DAYS - 1) {
    const spans = openSpans(spec, first, WINDOW_DAYS);
    const windowEnd = instant(first, WINDOW_DAYS * DAY_MINUTES);
    if (open) {
      const span = spans.find((s) => s.start <= from && from < s.end);
      if (span === undefined) return finish(spec, at, open, from);
      if (span.end < windowEnd) return finish(spec, at, open, span.end);
    } else {
      const next = spans.find((s) => s.start >= from && s.start < windowEnd);
      if (next !== undefined) return finish(spec, at, open, next.start);
    }
    // Nothing changes in this window: go on from its last day (the day before is evaluated too, so spans join up).
    first = first.plus({ days: WINDOW_DAYS - 1 });
    from = Math.max(from, instant(first, 0));
  }
  return finish(spec, at, open, undefined);
}

function finish(spec: ScheduleSpec, at: number, open: boolean, until: number | undefined): ScheduleState {
  return open ? { open, until } : { open, until, closure: closureAt(spec, at)?.reason };
}

/** True when the schedule is open at `at`. */
export function isOpen(spec: ScheduleSpec, at: number): boolean {
  return openSpans(spec, DateTime.fromMillis(at, { zone: spec.zone }).startOf("day"), 1).some((s) => s.start <= at && at < s.end);
}

/** The next instant after `at` when the schedule opens or closes, or undefined when nothing changes within the horizon. */
export function nextChange(spec: ScheduleSpec, at: number): number | undefined {
  return scheduleState(spec, at).until;
}

/** The next opening after `at` (undefined: none within the horizon); `at` itself when open then. */
export function nextOpening(spec: ScheduleSpec, at: number): number | undefined {
  const state = scheduleState(spec, at);
  return state.open ? at : state.until;
}
