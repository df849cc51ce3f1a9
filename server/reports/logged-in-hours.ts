/**
 * How many operators were logged in, hour by hour: the operator-seconds not offline during each local hour of
 * `zone` divided by the part of the hour inside the range, so 2.5 means on average two and a half operators were
 * there; an hour cut by the range's end (the current hour when `to` is now) is averaged over its elapsed part only.
 */
import { DateTime } from "luxon";
import { statusIntervals, type OperatorStateChange } from "./status-intervals";

export type { OperatorStateChange };

/**
 * Average logged-in operators per hour slot ("YYYY-MM-DDTHH" in `zone`) over [from, to). `changes` must be each
 * operator's last change before `from`, then the changes in the range, oldest first. Hours with nobody are absent.
 */
export function loggedInByHour(changes: readonly OperatorStateChange[], from: Date, to: Date, zone: string): Map<string, number> {
  const seconds = new Map<string, number>();
  /** Seconds of each hour slot inside [from, to): the divisor of its average. */
  const spans = new Map<string, number>();
  for (const interval of statusIntervals(changes, from, to)) {
    let cursor = interval.startMs;
    while (cursor < interval.endMs) {
      const hour = DateTime.fromMillis(cursor, { zone }).startOf("hour");
      const next = Math.min(hour.plus({ hours: 1 }).toMillis(), interval.endMs);
      const key = hour.toFormat("yyyy-MM-dd'T'HH");
      if (!spans.has(key)) spans.set(key, (Math.min(hour.plus({ hours: 1 }).toMillis(), to.getTime()) - Math.max(hour.toMillis(), from.getTime())) / 1000);
      seconds.set(key, (seconds.get(key) ?? 0) + (next - cursor) / 1000);
      cursor = next;
    }
  }
  return new Map([...seconds].map(([key, total]) => [key, total / (spans.get(key) ?? 3600)]));
}

/** Whether the local hour slot "YYYY-MM-DDTHH" of `zone` has ended by `nowMs`. */
export function hourIsOver(slot: string, zone: string, nowMs: number): boolean {
  const start = DateTime.fromFormat(slot, "yyyy-MM-dd'T'HH", { zone });
  return !start.isValid || start.plus({ hours: 1 }).toMillis() <= nowMs;
}
