/**
 * How many operators were logged in, hour by hour: the operator-seconds not offline during each local hour of
 * `zone` divided by the hour's length, so 2.5 means on average two and a half operators were there.
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
  for (const interval of statusIntervals(changes, from, to)) {
    let cursor = interval.startMs;
    while (cursor < interval.endMs) {
      const hour = DateTime.fromMillis(cursor, { zone }).startOf("hour");
      const next = Math.min(hour.plus({ hours: 1 }).toMillis(), interval.endMs);
      const key = hour.toFormat("yyyy-MM-dd'T'HH");
      seconds.set(key, (seconds.get(key) ?? 0) + (next - cursor) / 1000);
      cursor = next;
    }
  }
  return new Map([...seconds].map(([key, total]) => [key, total / 3600]));
}
