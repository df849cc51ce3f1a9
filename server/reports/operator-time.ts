/**
 * Where each operator's logged-in time went over a period: available (idle or being offered a call), busy (on a
 * call or in wrap-up), paused (by reason). Occupancy, as db/schema.ts defines it, is busy / (busy + available).
 */
import { statusIntervals, type OperatorStateChange } from "./status-intervals";

/** Seconds per kind of time, and the occupancy (0..1, null without busy or available time). */
export interface OperatorTime {
  loggedInS: number;
  availableS: number;
  busyS: number;
  pausedS: number;
  /** Paused seconds by reason code (`break`, `lunch`, `custom:…`; "" when none was given). */
  pausedByReason: Record<string, number>;
  occupancy: number | null;
}

const BUSY = new Set(["on-call", "wrap-up"]);
const AVAILABLE = new Set(["available", "offered"]);

/** Each operator's time over [from, to), from their state changes (as for {@link statusIntervals}). */
export function operatorTime(changes: readonly OperatorStateChange[], from: Date, to: Date): Map<number, OperatorTime> {
  const times = new Map<number, OperatorTime>();
  for (const interval of statusIntervals(changes, from, to)) {
    const time = times.get(interval.operatorId) ?? { loggedInS: 0, availableS: 0, busyS: 0, pausedS: 0, pausedByReason: {}, occupancy: null };
    const seconds = (interval.endMs - interval.startMs) / 1000;
    time.loggedInS += seconds;
    if (BUSY.has(interval.status)) time.busyS += seconds;
    else if (AVAILABLE.has(interval.status)) time.availableS += seconds;
    else if (interval.status === "paused") {
      time.pausedS += seconds;
      const reason = interval.reason ?? "";
      time.pausedByReason[reason] = (time.pausedByReason[reason] ?? 0) + seconds;
    }
    times.set(interval.operatorId, time);
  }
  for (const time of times.values()) time.occupancy = time.busyS + time.availableS > 0 ? time.busyS / (time.busyS + time.availableS) : null;
  return times;
}
