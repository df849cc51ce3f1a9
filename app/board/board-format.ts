/**
 * How the board writes its figures: a service level as a whole percent (`80%`), durations as desk clocks (`m:ss`),
 * an absent figure as a dash. Digits only, so they read the same in every language.
 */
import { formatElapsed } from "../desk/format-elapsed";

export const NONE = "–";

/** 0..1 as a whole percent, or a dash. */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? NONE : `${Math.round(ratio * 100)}%`;
}

/** Milliseconds as `m:ss` (or `h:mm:ss`), or a dash. */
export function formatDuration(ms: number | null): string {
  return ms === null ? NONE : formatElapsed(ms);
}

/** Occupancy of an operator at `now`: busy / (busy + idle), the current open span included. */
export function occupancy(op: { busyMs: number; idleMs: number; current: "busy" | "idle" | "away"; since: number }, now: number): number | null {
  const open = Math.max(0, now - op.since);
  const busy = op.busyMs + (op.current === "busy" ? open : 0);
  const idle = op.idleMs + (op.current === "idle" ? open : 0);
  return busy + idle === 0 ? null : busy / (busy + idle);
}
