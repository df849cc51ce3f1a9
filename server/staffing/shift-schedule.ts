/**
 * Operators' shifts as instants: pure functions over plain data and an IANA zone, no timers.
 *
 * A shift is wall-clock time on some weekdays in the hotline's zone, so the same shift is a different number of
 * hours on a daylight-saving day; luxon resolves local times (a start inside the spring-forward gap moves to the
 * first valid minute). Days name the day the shift starts: a Friday 22:00–06:00 shift ends on Saturday morning.
 */
import { DateTime } from "luxon";

/** One operator's recurring working hours. */
export interface ShiftSpec {
  operatorId: string;
  /** ISO weekdays the shift starts on: 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  /** Minutes after local midnight. */
  startMinute: number;
  /** Not after the start: the shift ends the next day. */
  endMinute: number;
}

export type ShiftEventType = "shift-started" | "shift-ended";

export interface ShiftBoundary {
  at: number;
  type: ShiftEventType;
  operatorId: string;
}

function localTime(day: DateTime, minute: number): number {
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 }).toMillis();
}

/** Start and end instants of every occurrence of `shift` that starts on a local day in [firstDay, lastDay]. */
function occurrences(shift: ShiftSpec, firstDay: DateTime, lastDay: DateTime): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (let day = firstDay; day <= lastDay; day = day.plus({ days: 1 })) {
    if (!shift.days.includes(day.weekday)) continue;
    const endDay = shift.endMinute > shift.startMinute ? day : day.plus({ days: 1 });
    out.push({ start: localTime(day, shift.startMinute), end: localTime(endDay, shift.endMinute) });
  }
  return out;
}

/**
 * The shift starts and ends in (fromMs, toMs], in time order, ends before starts at the same instant.
 *
 * An operator's back-to-back or overlapping occurrences (Monday 22:00–06:00 then Tuesday 06:00–14:00) are merged
 * into one working period, so no end fires between them and pauses the operator in the middle of their day.
 */
export function shiftBoundaries(shifts: readonly ShiftSpec[], fromMs: number, toMs: number, zone: string): ShiftBoundary[] {
  const out: ShiftBoundary[] = [];
  for (const [operatorId, periods] of periodsByOperator(shifts, fromMs, toMs, zone)) {
    for (const period of mergePeriods(periods)) {
      if (period.start > fromMs && period.start <= toMs) out.push({ at: period.start, type: "shift-started", operatorId });
      if (period.end > fromMs && period.end <= toMs) out.push({ at: period.end, type: "shift-ended", operatorId });
    }
  }
  return out.sort((a, b) => a.at - b.at || (a.type === b.type ? a.operatorId.localeCompare(b.operatorId) : a.type === "shift-ended" ? -1 : 1));
}

/**
 * Each operator's occurrences that start on a local day from the one before `fromMs` (an overnight shift that ends
 * in the window started then) to the day of `toMs`.
 */
function periodsByOperator(shifts: readonly ShiftSpec[], fromMs: number, toMs: number, zone: string): Map<string, Array<{ start: number; end: number }>> {
  const firstDay = DateTime.fromMillis(fromMs, { zone }).startOf("day").minus({ days: 1 });
  const lastDay = DateTime.fromMillis(toMs, { zone }).startOf("day");
  const byOperator = new Map<string, Array<{ start: number; end: number }>>();
  for (const shift of shifts) {
    const list = byOperator.get(shift.operatorId) ?? [];
    list.push(...occurrences(shift, firstDay, lastDay));
    byOperator.set(shift.operatorId, list);
  }
  return byOperator;
}

function mergePeriods(periods: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const sorted = [...periods].sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const period of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && period.start <= last.end) last.end = Math.max(last.end, period.end);
    else merged.push({ ...period });
  }
  return merged;
}

/** Local midnights in (fromMs, toMs]: when "today" begins for operators who have no shift. */
export function dayStarts(fromMs: number, toMs: number, zone: string): number[] {
  const out: number[] = [];
  for (let day = DateTime.fromMillis(fromMs, { zone }).startOf("day").plus({ days: 1 }); day.toMillis() <= toMs; day = day.plus({ days: 1 })) {
    out.push(day.toMillis());
  }
  return out;
}

/** For each operator who has shifts: whether `at` falls inside one of them (for screens that show who should work). */
export function shiftStatus(shifts: readonly ShiftSpec[], at: number, zone: string): Map<string, boolean> {
  const status = new Map<string, boolean>();
  for (const [operatorId, periods] of periodsByOperator(shifts, at, at, zone)) {
    status.set(operatorId, periods.some((p) => p.start <= at && at < p.end));
  }
  return status;
}

/** Minutes after midnight as "HH:MM". */
export function formatMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}
