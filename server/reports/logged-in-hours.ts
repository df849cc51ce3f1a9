/**
 * How many operators were logged in, hour by hour: from `operator.state` events (an operator is logged in while
 * their status is anything but `offline`), the operator-seconds logged in during each local hour of `zone`
 * divided by the hour's length, so 2.5 means on average two and a half operators were there.
 */
import { DateTime } from "luxon";

export interface OperatorStateChange {
  operatorId: number;
  at: Date;
  /** The status entered (`offline` = logged out). */
  status: string;
}

/**
 * Average logged-in operators per hour slot ("YYYY-MM-DDTHH" in `zone`) over [from, to). `changes` must be each
 * operator's last change before `from`, then the changes in the range, oldest first. Hours with nobody are absent.
 */
export function loggedInByHour(changes: readonly OperatorStateChange[], from: Date, to: Date, zone: string): Map<string, number> {
  const seconds = new Map<string, number>();
  const since = new Map<number, number>();
  const add = (startMs: number, endMs: number) => {
    let cursor = Math.max(startMs, from.getTime());
    const end = Math.min(endMs, to.getTime());
    while (cursor < end) {
      const hour = DateTime.fromMillis(cursor, { zone }).startOf("hour");
      const next = Math.min(hour.plus({ hours: 1 }).toMillis(), end);
      const key = hour.toFormat("yyyy-MM-dd'T'HH");
      seconds.set(key, (seconds.get(key) ?? 0) + (next - cursor) / 1000);
      cursor = next;
    }
  };
  for (const change of changes) {
    const at = change.at.getTime();
    const start = since.get(change.operatorId);
    if (start !== undefined) add(start, at);
    if (change.status === "offline") since.delete(change.operatorId);
    else since.set(change.operatorId, at);
  }
  for (const start of since.values()) add(start, to.getTime());
  return new Map([...seconds].map(([key, total]) => [key, total / 3600]));
}
