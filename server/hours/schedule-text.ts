/**
 * The textual forms of opening hours used by the CLI and the admin page, parsed and printed:
 * weekly patterns like `mon-fri 09:00-18:00; sat 10:00-13:00` (English weekday names or three-letter abbreviations,
 * ranges and comma lists of days, several intervals per day separated by commas, `22:00-06:00` overnight, `24:00` as
 * the end of the day), or `24/7`; day hours like `08:00-18:00` for periods and partial closures.
 * Parsers throw {@link ScheduleTextError} with a message naming the bad part.
 */
import type { DayInterval, Weekday, WeeklyInterval } from "./schedule";

export class ScheduleTextError extends Error {
  override name = "ScheduleTextError";
}

const DAY_NAMES: ReadonlyArray<readonly [Weekday, string]> = [
  [1, "monday"],
  [2, "tuesday"],
  [3, "wednesday"],
  [4, "thursday"],
  [5, "friday"],
  [6, "saturday"],
  [7, "sunday"],
];
const SHORT = ["", "mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

function weekday(text: string): Weekday {
  const t = text.trim().toLowerCase();
  const found = t.length >= 2 ? DAY_NAMES.find(([, name]) => name.startsWith(t)) : undefined;
  if (!found) throw new ScheduleTextError(`unknown weekday "${text.trim()}" (use mon, tue, wed, thu, fri, sat, sun)`);
  return found[0];
}

function days(text: string): Weekday[] {
  const out: Weekday[] = [];
  for (const part of text.split(",")) {
    const [a, b] = part.split("-");
    if (b === undefined) {
      out.push(weekday(a ?? ""));
      continue;
    }
    // A range may wrap round the week: fri-mon is fri, sat, sun, mon.
    let d = weekday(a ?? "");
    const last = weekday(b);
    for (;;) {
      out.push(d);
      if (d === last) break;
      d = ((d % 7) + 1) as Weekday;
    }
  }
  return out;
}

function minuteOf(text: string, allowEndOfDay: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  if (!m || minutes > 59 || hours > 24 || (hours === 24 && (minutes > 0 || !allowEndOfDay))) {
    throw new ScheduleTextError(`bad time "${text.trim()}" (use HH:MM, 00:00 to 24:00)`);
  }
  return hours * 60 + minutes;
}

/** `08:00-18:00` or `22:00-06:00` (overnight); several separated by commas. */
export function parseDayHours(text: string): DayInterval[] {
  const parts = text.split(",").map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new ScheduleTextError("no hours given (e.g. 08:00-18:00)");
  return parts.map((part) => {
    const [a, b, extra] = part.split("-");
    if (a === undefined || b === undefined || extra !== undefined) throw new ScheduleTextError(`bad interval "${part}" (use HH:MM-HH:MM)`);
    const startMinute = minuteOf(a, false);
    const endMinute = minuteOf(b, true);
    if (startMinute === endMinute) throw new ScheduleTextError(`empty interval "${part}"`);
    return { startMinute, endMinute };
  });
}

/** A weekly pattern: `;`-separated entries of days then hours. `24/7` gives `alwaysOpen`. */
export function parseWeekly(text: string): { alwaysOpen: boolean; weekly: WeeklyInterval[] } {
  const trimmed = text.trim();
  if (/^24\s*\/\s*7$/.test(trimmed)) return { alwaysOpen: true, weekly: [] };
  const weekly: WeeklyInterval[] = [];
  for (const entry of trimmed.split(";").map((e) => e.trim()).filter(Boolean)) {
    const m = /^(\S+)\s+(.+)$/.exec(entry);
    if (!m) throw new ScheduleTextError(`bad entry "${entry}" (use e.g. "mon-fri 09:00-18:00")`);
    const hours = parseDayHours(m[2]!);
    for (const day of days(m[1]!)) for (const h of hours) weekly.push({ day, ...h });
  }
  if (weekly.length === 0) throw new ScheduleTextError('no opening hours given (e.g. "mon-fri 09:00-18:00", or "24/7")');
  return { alwaysOpen: false, weekly };
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/** `08:00-18:00, 20:00-22:00`. */
export function formatDayHours(intervals: readonly DayInterval[]): string {
  return intervals.map((i) => `${hhmm(i.startMinute)}-${hhmm(i.endMinute)}`).join(", ");
}

/** The canonical text of a weekly pattern, days with identical hours grouped: `mon-fri 09:00-18:00; sat 10:00-13:00`. */
export function formatWeekly(alwaysOpen: boolean, weekly: readonly WeeklyInterval[]): string {
  if (alwaysOpen) return "24/7";
  const byDay = new Map<Weekday, string>();
  for (const w of [...weekly].sort((a, b) => a.day - b.day || a.startMinute - b.startMinute)) {
    const hours = formatDayHours([w]);
    byDay.set(w.day, byDay.has(w.day) ? `${byDay.get(w.day)}, ${hours}` : hours);
  }
  const entries: string[] = [];
  let run: Weekday[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const label = run.length === 1 ? SHORT[run[0]!] : `${SHORT[run[0]!]}-${SHORT[run[run.length - 1]!]}`;
    entries.push(`${label} ${byDay.get(run[0]!)}`);
    run = [];
  };
  for (let d = 1; d <= 7; d++) {
    const day = d as Weekday;
    const hours = byDay.get(day);
    const prev = run[run.length - 1];
    if (hours === undefined || (prev !== undefined && (byDay.get(prev) !== hours || prev !== day - 1))) flush();
    if (hours !== undefined) run.push(day);
  }
  flush();
  return entries.join("; ");
}

/** A local date `YYYY-MM-DD` that exists. */
export function parseDate(text: string): string {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || d.toISOString().slice(0, 10) !== t) throw new ScheduleTextError(`bad date "${t}" (use YYYY-MM-DD)`);
  return t;
}
