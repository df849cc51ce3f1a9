/**
 * The board's chart data from a queue's panel (pure): slot times up to now, calls per slot, the service level as it
 * stood at the end of each slot, and the waiting callers of the last hour as a step line (a minute without a change
 * keeps the last count).
 */
import type { QueuePanelView } from "../../server/board/board-view";

const SLOT_MS = 15 * 60_000;

export interface ChartSeries {
  /** Slot start times, epoch ms, from midnight to the current slot. */
  slots: number[];
  offered: number[];
  answered: number[];
  abandoned: number[];
  /** Cumulative service level at each slot's end, percent; null before any call counts. */
  serviceLevel: Array<number | null>;
  /** Minute start times of the last hour, epoch ms, and the most callers waiting in each. */
  minutes: number[];
  waiting: number[];
}

export function chartSeries(q: QueuePanelView, now: number): ChartSeries {
  const { slots } = q;
  const current = Math.max(0, Math.min(slots.offered.length - 1, Math.floor((now - slots.dayStart) / SLOT_MS)));
  const times = Array.from({ length: current + 1 }, (_, i) => slots.dayStart + i * SLOT_MS);
  let within = 0;
  let base = 0;
  const serviceLevel = times.map((_, i) => {
    within += slots.withinSl[i] ?? 0;
    base += (slots.answered[i] ?? 0) + (slots.abandoned[i] ?? 0);
    return base === 0 ? null : Math.round((within / base) * 1000) / 10;
  });
  const minute = Math.floor(now / 60_000) * 60_000;
  const minutes = Array.from({ length: 60 }, (_, i) => minute - (59 - i) * 60_000);
  const points = new Map(q.waitingHistory);
  const first = q.waitingHistory.find(([t]) => t >= minutes[0]!);
  const before = [...q.waitingHistory].reverse().find(([t]) => t < minutes[0]!);
  let last = before?.[1] ?? (first ? 0 : q.waitingCount);
  const waiting = minutes.map((t) => (last = points.get(t) ?? last));
  if (waiting.length > 0) waiting[waiting.length - 1] = Math.max(waiting.at(-1)!, q.waitingCount);
  return {
    slots: times,
    offered: slots.offered.slice(0, current + 1),
    answered: slots.answered.slice(0, current + 1),
    abandoned: slots.abandoned.slice(0, current + 1),
    serviceLevel,
    minutes,
    waiting,
  };
}
