/**
 * Today's queue and operator figures, kept incrementally: pure, clock passed in, no I/O.
 *
 * Two inputs, the same in a live process and at boot:
 * - call records ({@link FigureCall}: the columns of `call_records` a report reads). Live, every record write is
 *   applied to an in-memory copy of today's rows ({@link QueueFigures.applyCall}); at boot, today's rows are loaded
 *   as they are. Each call contributes to the totals through one function ({@link contribution}); a changed row takes
 *   its old contribution out and puts its new one in, so live and rebuilt figures are the same function of the rows.
 * - operator state changes (`operator.state` events of `call_events`), for occupancy.
 * - each operator's part of each call ({@link QueueFigures.applyParts}, server/calls/operator-parts.ts): who talked
 *   to the caller from when to when, as the call's segments say ({@link QueueFigures.applyPartEvents}: the segment
 *   and hold events of an inbound call), so a transferred call credits each operator with their own segment; an
 *   outbound call's part comes from its record.
 *
 * Definitions (db/schema.ts): a call counts on the day it arrived (local midnight in the zone), in the queue of its
 * record. Offered: it entered the queue (`queued_at`). Wait: `answered_at` (or `ended_at` when never answered) −
 * `queued_at`. Answered: `answered_at` set (it reached an operator). Abandoned: outcome `abandoned`; short when the
 * wait is below `short_abandon_s`, counted apart. Service level: answered with wait ≤ `sl_threshold_s` / (answered
 * + non-short abandons). ASA: mean wait of answered calls. AHT: talk + hold + wrap-up = `wrap_up_ended_at` −
 * `answered_at`, over calls whose wrap-up ended. Operators: handled = segments answered, talk = each segment's length
 * less its holds. Occupancy: time
 * ringing, talking or in wrap-up / (that + time available and idle). Longest wait today is a maximum: it only grows
 * (a row's wait only ever grows as its answer or end is written).
 */
import { DateTime } from "luxon";
import type { OperatorFiguresView, QueueFiguresView, QueueSlotsView } from "./board-view";
import { inboundParts, outboundPart, type OperatorPart, type PartEvent } from "../calls/operator-parts";

/** The columns of a call record the figures read (times epoch ms). */
export interface FigureCall {
  id: string;
  /** `call_records.direction`: an outbound call's record credits its operator (an inbound one's segments do). */
  direction: "inbound" | "outbound";
  queueId: number | null;
  operatorId: number | null;
  arrivedAt: number;
  queuedAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  wrapUpEndedAt: number | null;
  holdMs: number;
  /** `call_records.outcome`. */
  outcome: string;
  slThresholdS: number;
  shortAbandonS: number;
}

/** Operator routing states that count as busy (occupied) and as idle; the rest (paused, offline) count as away. */
const BUSY = new Set(["offered", "on-call", "wrap-up"]);
const IDLE = new Set(["available"]);

/** Length of a slot of the day's charts, ms. */
export const SLOT_MS = 15 * 60_000;

type Occupancy = "busy" | "idle" | "away";
const occupancyOf = (status: string): Occupancy => (BUSY.has(status) ? "busy" : IDLE.has(status) ? "idle" : "away");

interface Totals {
  offered: number;
  answered: number;
  answeredWithinSl: number;
  abandoned: number;
  shortAbandons: number;
  waitAnsweredMs: number;
  handled: number;
  handleMs: number;
  longestWaitMs: number;
  slots: Omit<QueueSlotsView, "dayStart">;
}

interface OperatorTotals {
  handled: number;
  talkMs: number;
  holdMs: number;
  busyMs: number;
  idleMs: number;
  current: Occupancy;
  since: number;
  /** A state event was seen (before it, the first event's `from` tells the state since midnight). */
  stateKnown: boolean;
}

/** What one call adds to its queue's and its operator's totals. */
interface Contribution {
  queueId: number;
  offered: boolean;
  answered: boolean;
  withinSl: boolean;
  abandoned: boolean;
  shortAbandon: boolean;
  waitMs: number | undefined;
  handleMs: number | undefined;
  offeredSlot: number | undefined;
  answeredSlot: number | undefined;
  abandonedSlot: number | undefined;
}

/**
 * What a call record adds to today's totals, or undefined when it counts nowhere (no queue, never queued, or not of
 * the day starting at `dayStart`).
 */
export function contribution(call: FigureCall, dayStart: number, slots: number): Contribution | undefined {
  if (call.queueId === null || call.queuedAt === null || call.arrivedAt < dayStart) return undefined;
  const slot = (t: number | null) => (t === null ? undefined : Math.min(slots - 1, Math.max(0, Math.floor((t - dayStart) / SLOT_MS))));
  const end = call.answeredAt ?? call.endedAt;
  const waitMs = end === null ? undefined : Math.max(0, end - call.queuedAt);
  const answered = call.answeredAt !== null;
  const abandonedAny = !answered && call.outcome === "abandoned";
  const shortAbandon = abandonedAny && (waitMs ?? 0) < call.shortAbandonS * 1000;
  const abandoned = abandonedAny && !shortAbandon;
  return {
    queueId: call.queueId,
    offered: true,
    answered,
    withinSl: answered && waitMs !== undefined && waitMs <= call.slThresholdS * 1000,
    abandoned,
    shortAbandon,
    waitMs,
    handleMs: answered && call.wrapUpEndedAt !== null ? Math.max(0, call.wrapUpEndedAt - call.answeredAt!) : undefined,
    offeredSlot: slot(call.queuedAt),
    answeredSlot: answered ? slot(call.answeredAt) : undefined,
    abandonedSlot: abandoned ? slot(call.endedAt) : undefined,
  };
}

/** Local midnight of the day holding `at` in `zone`, and how many 15-minute slots that day has. */
export function dayOf(at: number, zone: string): { start: number; end: number; slots: number } {
  const local = DateTime.fromMillis(at, { zone }).startOf("day");
  const start = local.toMillis();
  const end = local.plus({ days: 1 }).toMillis();
  return { start, end, slots: Math.ceil((end - start) / SLOT_MS) };
}

const sameParts = (a: readonly OperatorPart[], b: readonly OperatorPart[]) =>
  a.length === b.length && a.every((p, i) => p.operatorId === b[i]!.operatorId && p.talkMs === b[i]!.talkMs && p.holdMs === b[i]!.holdMs);

const emptySlots = (n: number): Omit<QueueSlotsView, "dayStart"> => ({
  offered: new Array<number>(n).fill(0),
  answered: new Array<number>(n).fill(0),
  abandoned: new Array<number>(n).fill(0),
  withinSl: new Array<number>(n).fill(0),
});

/**
 * Today's figures of every queue and operator. Memory: one row per call of the day (the copy of today's records),
 * the segment and hold events of the inbound calls not yet finished, and fixed-size totals; all dropped at midnight.
 */
export class QueueFigures {
  private day: { start: number; end: number; slots: number };
  private readonly calls = new Map<string, FigureCall>();
  private readonly applied = new Map<string, Contribution>();
  /** Each call's operator parts as last applied. */
  private readonly parts = new Map<string, OperatorPart[]>();
  /** The segment and hold events of each of today's inbound calls whose parts may still change, in log order. */
  private readonly partEvents = new Map<string, PartEvent[]>();
  /** Today's inbound calls whose `call.finished` was applied: their parts are final, their events dropped. */
  private readonly settled = new Set<string>();
  private readonly queues = new Map<number, Totals>();
  private readonly operators = new Map<number, OperatorTotals>();

  constructor(
    private readonly zone: string,
    now: number,
  ) {
    this.day = dayOf(now, zone);
  }

  /** Local midnight that starts the day counted now, epoch ms. */
  get dayStart(): number {
    return this.day.start;
  }

  /** The next local midnight, when {@link rollOver} must run (the feed's timer). */
  get dayEnd(): number {
    return this.day.end;
  }

  /**
   * Starts a new day when `now` is past the current one: figures and rows go, operators' current states carry on
   * from midnight. Returns true if the day changed.
   */
  rollOver(now: number): boolean {
    if (now < this.day.end) return false;
    const next = dayOf(now, this.zone);
    this.calls.clear();
    this.applied.clear();
    this.parts.clear();
    this.partEvents.clear();
    this.settled.clear();
    this.queues.clear();
    for (const op of this.operators.values()) {
      op.handled = 0;
      op.talkMs = 0;
      op.holdMs = 0;
      op.busyMs = 0;
      op.idleMs = 0;
      op.since = next.start;
    }
    this.day = next;
    return true;
  }

  /**
   * A call record as it now stands (inserted or patched); `now` is when the write happened. Returns the queue ids
   * whose figures changed.
   */
  applyCall(call: FigureCall, now: number = call.arrivedAt): number[] {
    this.rollOver(now);
    if (call.arrivedAt < this.day.start) return [];
    this.calls.set(call.id, call);
    const before = this.applied.get(call.id);
    const after = contribution(call, this.day.start, this.day.slots);
    if (before) this.add(before, -1);
    if (after) {
      this.add(after, 1);
      this.applied.set(call.id, after);
    } else this.applied.delete(call.id);
    if (call.direction === "outbound") this.applyParts(call.id, outboundPart(call));
    return [...new Set([before?.queueId, after?.queueId].filter((id): id is number => id !== undefined))];
  }

  /**
   * Segment and hold events (`PART_EVENT_TYPES`, server/calls/operator-parts.ts) of one of today's inbound calls, in
   * log order: live one at a time, at boot all of the call's events at once. The call's parts are recomputed from
   * all its events so far ({@link inboundParts}). Events of a call that is not one of today's inbound calls are
   * ignored. Once the call's `call.finished` is in, its parts can no longer change (every segment is closed there
   * and a hold counts only within a segment; wrap-up and later record patches do not touch the parts), so its events
   * are dropped and later ones ignored: this relies on a call's events never being older than its `call.finished`
   * (the log is written in time order; the boot rebuild hands a call's events all at once). Returns whether an
   * operator's figures changed.
   */
  applyPartEvents(callId: string, events: readonly PartEvent[]): boolean {
    const last = events.at(-1);
    if (!last) return false;
    this.rollOver(last.at.getTime());
    if (this.calls.get(callId)?.direction !== "inbound" || this.settled.has(callId)) return false;
    let kept = this.partEvents.get(callId);
    if (!kept) this.partEvents.set(callId, (kept = []));
    kept.push(...events);
    const changed = this.applyParts(callId, inboundParts(kept));
    if (events.some((e) => e.type === "call.finished")) {
      this.partEvents.delete(callId);
      this.settled.add(callId);
    }
    return changed;
  }

  /**
   * One of today's calls' operator parts as they now stand (replacing its previous parts). Returns whether they
   * differ from the previous ones (false, changing nothing, when they do not or for a call that did not arrive today).
   */
  applyParts(callId: string, parts: readonly OperatorPart[]): boolean {
    if (!this.calls.has(callId)) return false;
    const before = this.parts.get(callId) ?? [];
    if (sameParts(before, parts)) return false;
    for (const part of before) this.addPart(part, -1);
    for (const part of parts) this.addPart(part, 1);
    if (parts.length > 0) this.parts.set(callId, [...parts]);
    else this.parts.delete(callId);
    return true;
  }

  private addPart(part: OperatorPart, sign: 1 | -1): void {
    const op = this.operator(part.operatorId);
    op.handled += sign;
    op.talkMs += sign * part.talkMs;
    op.holdMs += sign * part.holdMs;
  }

  /** Today's row of a call, if it arrived today (the live copy patched by record writes). */
  call(id: string): FigureCall | undefined {
    return this.calls.get(id);
  }

  /**
   * An operator's routing state changed at `at` (`from` is used when the operator has no known state yet: a rebuild
   * starting from today's first event assumes that state since midnight).
   */
  applyOperatorState(operatorId: number, from: string | null, to: string, at: number): void {
    this.rollOver(at);
    if (at < this.day.start) return;
    const op = this.operator(operatorId);
    if (!op.stateKnown) {
      op.current = occupancyOf(from ?? "offline");
      op.stateKnown = true;
    }
    const span = Math.max(0, at - op.since);
    if (op.current === "busy") op.busyMs += span;
    if (op.current === "idle") op.idleMs += span;
    op.current = occupancyOf(to);
    op.since = Math.max(op.since, at);
  }

  /** Per-queue figures of today (queues without a call today have zeros). */
  queueFigures(queueId: number): QueueFiguresView {
    const t = this.queues.get(queueId);
    if (!t) return { offered: 0, answered: 0, answeredWithinSl: 0, abandoned: 0, shortAbandons: 0, serviceLevel: null, asaMs: null, ahtMs: null, longestWaitMs: 0 };
    const base = t.answered + t.abandoned;
    return {
      offered: t.offered,
      answered: t.answered,
      answeredWithinSl: t.answeredWithinSl,
      abandoned: t.abandoned,
      shortAbandons: t.shortAbandons,
      serviceLevel: base === 0 ? null : t.answeredWithinSl / base,
      asaMs: t.answered === 0 ? null : Math.round(t.waitAnsweredMs / t.answered),
      ahtMs: t.handled === 0 ? null : Math.round(t.handleMs / t.handled),
      longestWaitMs: t.longestWaitMs,
    };
  }

  /** The day's 15-minute slots of one queue (copies). */
  queueSlots(queueId: number): QueueSlotsView {
    const t = this.queues.get(queueId);
    const s = t?.slots ?? emptySlots(this.day.slots);
    return { dayStart: this.day.start, offered: [...s.offered], answered: [...s.answered], abandoned: [...s.abandoned], withinSl: [...s.withinSl] };
  }

  /** Every operator seen today (a state change or a call). */
  operatorFigures(): OperatorFiguresView[] {
    return [...this.operators].map(([operatorId, op]) => ({ operatorId, handled: op.handled, talkMs: op.talkMs, holdMs: op.holdMs, busyMs: op.busyMs, idleMs: op.idleMs, current: op.current, since: op.since }));
  }

  private operator(operatorId: number): OperatorTotals {
    let op = this.operators.get(operatorId);
    if (!op) {
      op = { handled: 0, talkMs: 0, holdMs: 0, busyMs: 0, idleMs: 0, current: "away", since: this.day.start, stateKnown: false };
      this.operators.set(operatorId, op);
    }
    return op;
  }

  private add(c: Contribution, sign: 1 | -1): void {
    let t = this.queues.get(c.queueId);
    if (!t) {
      t = { offered: 0, answered: 0, answeredWithinSl: 0, abandoned: 0, shortAbandons: 0, waitAnsweredMs: 0, handled: 0, handleMs: 0, longestWaitMs: 0, slots: emptySlots(this.day.slots) };
      this.queues.set(c.queueId, t);
    }
    t.offered += sign * Number(c.offered);
    t.answered += sign * Number(c.answered);
    t.answeredWithinSl += sign * Number(c.withinSl);
    t.abandoned += sign * Number(c.abandoned);
    t.shortAbandons += sign * Number(c.shortAbandon);
    if (c.answered) t.waitAnsweredMs += sign * (c.waitMs ?? 0);
    if (c.handleMs !== undefined) {
      t.handled += sign;
      t.handleMs += sign * c.handleMs;
    }
    if (sign > 0 && c.waitMs !== undefined) t.longestWaitMs = Math.max(t.longestWaitMs, c.waitMs);
    if (c.offeredSlot !== undefined) t.slots.offered[c.offeredSlot]! += sign;
    if (c.answeredSlot !== undefined) t.slots.answered[c.answeredSlot]! += sign;
    if (c.abandonedSlot !== undefined) t.slots.abandoned[c.abandonedSlot]! += sign;
    if (c.withinSl && c.answeredSlot !== undefined) t.slots.withinSl[c.answeredSlot]! += sign;
  }
}
