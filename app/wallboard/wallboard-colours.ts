/**
 * The wallboard's colour thresholds (pure): green when the queue meets its goal, amber when close, red when not.
 * - Service level: the queue's alert target (80 % when none is set); amber down to 10 points below it.
 * - Longest wait: green within the service-level threshold, amber up to the long-wait limit (three thresholds when
 *   none is set), red beyond.
 * - Available operators: red when callers wait and nobody is available, amber when nobody is, green otherwise.
 */
import type { WallboardQueueView } from "../../server/board/board-view";

export type Level = "good" | "warn" | "bad" | "none";

export const DEFAULT_SL_TARGET = 0.8;

export function serviceLevelLevel(q: Pick<WallboardQueueView, "serviceLevel" | "serviceLevelTarget">): Level {
  if (q.serviceLevel === null) return "none";
  const target = q.serviceLevelTarget ?? DEFAULT_SL_TARGET;
  return q.serviceLevel >= target ? "good" : q.serviceLevel >= target - 0.1 ? "warn" : "bad";
}

export function waitLevel(q: Pick<WallboardQueueView, "slThresholdS" | "longWaitS">, waitMs: number): Level {
  const s = waitMs / 1000;
  if (s <= q.slThresholdS) return "good";
  return s <= (q.longWaitS ?? q.slThresholdS * 3) ? "warn" : "bad";
}

export function availableLevel(q: Pick<WallboardQueueView, "available" | "waitingCount">): Level {
  if (q.available > 0) return "good";
  return q.waitingCount > 0 ? "bad" : "warn";
}

/** Tailwind classes of each level: high contrast for a screen read from across the room. */
export const LEVEL_CLASSES: Record<Level, string> = {
  good: "bg-green-700 text-white",
  warn: "bg-amber-400 text-black",
  bad: "bg-red-700 text-white",
  none: "bg-slate-700 text-white",
};
