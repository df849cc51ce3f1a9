/**
 * Small updates for the board: a queue's panel is pushed whole except its day of 15-minute slots, its hour of
 * waiting history and its calls in progress, which go as the entries that changed since the last push (absolute
 * values, keyed rows, so a board that joined in between and holds a newer snapshot stays right). Pure; the client
 * applies {@link applyPanelDelta}.
 */
import type { LiveCallView, QueuePanelView, QueueSlotsView } from "./board-view";

/** `[slot index, offered, answered, abandoned, withinSl]`. */
export type SlotChange = [number, number, number, number, number];

/** A queue's panel as pushed: the whole day's slots only when the day changed (or on the first push). */
export type QueuePanelDelta = Omit<QueuePanelView, "slots" | "waitingHistory" | "calls"> & {
  slots?: QueueSlotsView;
  /** Calls in progress: the whole list on a first push, else the rows added or changed and the ids gone. */
  calls?: LiveCallView[];
  callsChanged?: LiveCallView[];
  callsGone?: string[];
  slotChanges?: SlotChange[];
  /** Minutes of the waiting history whose count changed, `[minuteStartMs, count]`. */
  historyChanges?: Array<[number, number]>;
};

/** What was last pushed of one queue, to diff against. */
export interface PushedSeries {
  slots: QueueSlotsView;
  history: Map<number, number>;
  /** call id -> the row as pushed (JSON). */
  calls: Map<string, string>;
}

/** The delta of `view` against what was pushed before (`previous`), and what is pushed now. */
export function panelDelta(view: QueuePanelView, previous: PushedSeries | undefined): { delta: QueuePanelDelta; pushed: PushedSeries } {
  const { slots, waitingHistory, calls, ...rest } = view;
  const pushed: PushedSeries = { slots, history: new Map(waitingHistory), calls: new Map(calls.map((c) => [c.callId, JSON.stringify(c)])) };
  if (!previous || previous.slots.dayStart !== slots.dayStart || previous.slots.offered.length !== slots.offered.length) {
    return { delta: { ...rest, slots, historyChanges: waitingHistory, calls }, pushed };
  }
  const callsChanged = calls.filter((c) => previous.calls.get(c.callId) !== pushed.calls.get(c.callId));
  const callsGone = [...previous.calls.keys()].filter((id) => !pushed.calls.has(id));
  const slotChanges: SlotChange[] = [];
  for (let i = 0; i < slots.offered.length; i++) {
    const p = previous.slots;
    if (p.offered[i] !== slots.offered[i] || p.answered[i] !== slots.answered[i] || p.abandoned[i] !== slots.abandoned[i] || p.withinSl[i] !== slots.withinSl[i]) {
      slotChanges.push([i, slots.offered[i]!, slots.answered[i]!, slots.abandoned[i]!, slots.withinSl[i]!]);
    }
  }
  const historyChanges = waitingHistory.filter(([t, n]) => previous.history.get(t) !== n);
  return {
    delta: {
      ...rest,
      ...(slotChanges.length > 0 && { slotChanges }),
      ...(historyChanges.length > 0 && { historyChanges }),
      ...(callsChanged.length > 0 && { callsChanged }),
      ...(callsGone.length > 0 && { callsGone }),
    },
    pushed,
  };
}

/** Minutes of waiting history a board keeps. */
const HISTORY_MS = 60 * 60_000;

/** The panel after a delta; `current` is what the board holds (undefined before its snapshot). */
export function applyPanelDelta(current: QueuePanelView | undefined, delta: QueuePanelDelta, now: number): QueuePanelView | undefined {
  const { slots: fullSlots, slotChanges, historyChanges, calls: fullCalls, callsChanged, callsGone, ...rest } = delta;
  const base = fullSlots ?? current?.slots;
  if (!base) return current;
  const slots: QueueSlotsView = fullSlots ?? { dayStart: base.dayStart, offered: [...base.offered], answered: [...base.answered], abandoned: [...base.abandoned], withinSl: [...base.withinSl] };
  for (const [i, offered, answered, abandoned, withinSl] of slotChanges ?? []) {
    slots.offered[i] = offered;
    slots.answered[i] = answered;
    slots.abandoned[i] = abandoned;
    slots.withinSl[i] = withinSl;
  }
  const history = new Map(fullSlots ? [] : (current?.waitingHistory ?? []));
  for (const [t, n] of historyChanges ?? []) history.set(t, n);
  const from = Math.floor(now / 60_000) * 60_000 - HISTORY_MS;
  const waitingHistory = [...history].filter(([t]) => t > from).sort((a, b) => a[0] - b[0]);
  const calls = new Map((fullCalls ?? current?.calls ?? []).map((c) => [c.callId, c]));
  for (const c of callsChanged ?? []) calls.set(c.callId, c);
  for (const id of callsGone ?? []) calls.delete(id);
  return { ...rest, slots, waitingHistory, calls: [...calls.values()].sort((a, b) => a.answeredAt - b.answeredAt) };
}
