/**
 * The board's whole state, fed by call record writes (pure: no I/O, time passed in).
 *
 * Every fact the board needs already goes through the call records' write path (server/calls/call-records.ts): the
 * record's insert and patches (queued, answered, ended, hold, wrap-up end) and the event log (the engine's record
 * entries, hold/unhold, operator states). The runtime hands each write to {@link BoardState.applyWrite}; today's
 * figures come from the same rows a report reads, and {@link BoardState.loadRecord} / {@link loadOperatorEvent} /
 * {@link BoardState.loadCallEvents} rebuild them from the database at boot. Operators are credited with their own
 * segments of each call (server/calls/operator-parts.ts), from the same events live and at boot.
 */
import type { RecordWrite } from "../calls/call-records";
import type { NewCallEvent } from "../../db/queries/calls";
import type { CallRecord } from "../../db/schema";
import type { BoardSnapshot, QueuePanelView } from "./board-view";
import { LiveQueues } from "./live-queues";
import { PART_EVENT_TYPES, type PartEvent } from "../calls/operator-parts";
import { QueueFigures, type FigureCall } from "./queue-figures";

/** What changed with one write: the queues whose panels and whether the operators' figures must be pushed again. */
export interface BoardChange {
  queues: Set<number>;
  operators: boolean;
}

export interface QueueInfo {
  id: number;
  name: string;
  slThresholdS: number;
}

const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);

/** A record row (or the live copy's fields) as the figures read it. */
export function figureCall(row: Pick<CallRecord, "id" | "direction" | "queueId" | "operatorId" | "arrivedAt" | "queuedAt" | "answeredAt" | "endedAt" | "wrapUpEndedAt" | "holdMs" | "outcome" | "slThresholdS" | "shortAbandonS">): FigureCall {
  return {
    id: row.id,
    direction: row.direction === "outbound" ? "outbound" : "inbound",
    queueId: row.queueId,
    operatorId: row.operatorId,
    arrivedAt: row.arrivedAt.getTime(),
    queuedAt: ms(row.queuedAt),
    answeredAt: ms(row.answeredAt),
    endedAt: ms(row.endedAt),
    wrapUpEndedAt: ms(row.wrapUpEndedAt),
    holdMs: row.holdMs,
    outcome: row.outcome,
    slThresholdS: row.slThresholdS,
    shortAbandonS: row.shortAbandonS,
  };
}

export class BoardState {
  readonly figures: QueueFigures;
  readonly live = new LiveQueues();
  private queueInfo = new Map<number, QueueInfo>();
  /** Orders live events of the same millisecond (database ids order those loaded at boot, all below this). */
  private liveEventId = 2 ** 48;

  constructor(zone: string, now: number) {
    this.figures = new QueueFigures(zone, now);
  }

  /** The queues to show and their names (from the database, on every queue change). */
  setQueues(queues: readonly QueueInfo[], members: ReadonlyMap<number, readonly number[]>): void {
    this.queueInfo = new Map(queues.map((q) => [q.id, q]));
    this.live.setMembers(members);
  }

  get queueIds(): number[] {
    return [...this.queueInfo.keys()];
  }

  /** A record row loaded from the database (rebuild at boot). */
  loadRecord(row: Parameters<typeof figureCall>[0]): void {
    this.figures.applyCall(figureCall(row), row.arrivedAt.getTime());
  }

  /** An `operator.state` event loaded from the database (rebuild at boot), in log order. */
  loadOperatorEvent(event: { at: Date; operatorId: number | null; data: Record<string, unknown> }): void {
    if (event.operatorId === null) return;
    const from = typeof event.data.from === "string" ? event.data.from : null;
    const to = typeof event.data.to === "string" ? event.data.to : "offline";
    this.figures.applyOperatorState(event.operatorId, from, to, event.at.getTime());
  }

  /**
   * The segment and hold events of today's calls loaded from the database, in log order (rebuild at boot, after the
   * records): grouped by call, each call's parts computed once from all its events. Other types and calls not of
   * today are ignored.
   */
  loadCallEvents(events: Iterable<PartEvent & { callId: string | null }>): void {
    const byCall = new Map<string, PartEvent[]>();
    for (const event of events) {
      if (event.callId === null || !PART_EVENT_TYPES.has(event.type)) continue;
      let list = byCall.get(event.callId);
      if (!list) byCall.set(event.callId, (list = []));
      list.push(event);
    }
    for (const [callId, list] of byCall) this.figures.applyPartEvents(callId, list);
  }

  /** One record write as it is queued for the database; `now` is when (epoch ms). */
  applyWrite(write: RecordWrite, now: number): BoardChange {
    const change: BoardChange = { queues: new Set(), operators: false };
    const touch = (id: number | null | undefined) => id != null && change.queues.add(id);
    switch (write.op) {
      case "insert-call": {
        const c = write.call;
        this.live.arrived(c.id, c.callerNumber, c.callerName ?? undefined);
        // A consultation's leg is part of its inbound call, not a call of the day (as the rebuild's query and reports).
        if (c.consultOf) break;
        const row: FigureCall = {
          id: c.id,
          direction: c.direction ?? "inbound",
          queueId: c.queueId ?? null,
          operatorId: c.operatorId ?? null,
          arrivedAt: c.arrivedAt.getTime(),
          queuedAt: null,
          answeredAt: null,
          endedAt: null,
          wrapUpEndedAt: null,
          holdMs: 0,
          outcome: "in_progress",
          slThresholdS: c.slThresholdS,
          shortAbandonS: c.shortAbandonS,
        };
        for (const id of this.figures.applyCall(row, now)) touch(id);
        break;
      }
      case "update-call": {
        const current = this.figures.call(write.id);
        if (!current) break;
        const p = write.patch;
        const next: FigureCall = { ...current };
        // A caller menu sent the caller to another queue than the number's.
        if (p.queueId !== undefined) next.queueId = p.queueId;
        if (p.queuedAt !== undefined) next.queuedAt = ms(p.queuedAt);
        if (p.answeredAt !== undefined) next.answeredAt = ms(p.answeredAt);
        if (p.endedAt !== undefined) next.endedAt = ms(p.endedAt);
        if (p.wrapUpEndedAt !== undefined) next.wrapUpEndedAt = ms(p.wrapUpEndedAt);
        if (p.operatorId !== undefined) next.operatorId = p.operatorId;
        if (p.outcome !== undefined) next.outcome = p.outcome;
        if (p.holdMs !== undefined) next.holdMs = p.holdMs;
        // A menu caller who chose a callback left the line; their kept place waits, shown as a callback.
        if (p.endReason === "menu-callback") touch(this.live.callbackRequested(write.id));
        const touched = this.figures.applyCall(next, now);
        for (const id of touched) touch(id);
        // An outbound call's operator is credited from its record.
        if (next.direction === "outbound" && (p.answeredAt !== undefined || p.endedAt !== undefined || p.operatorId !== undefined || p.holdMs !== undefined)) change.operators = true;
        break;
      }
      case "append-events":
        for (const event of write.events) this.applyEvent(event, change);
        break;
      case "insert-callback-request":
        touch(this.live.callbackRequested(write.request.callId));
        break;
      case "increment-offers":
        break;
    }
    return change;
  }

  private applyEvent(event: NewCallEvent, change: BoardChange): void {
    const at = event.at.getTime();
    const data = event.data ?? {};
    const touch = (id: number | null | undefined) => id != null && change.queues.add(id);
    const callId = event.callId ?? "";
    if (event.callId && PART_EVENT_TYPES.has(event.type)) {
      const part: PartEvent = { id: this.liveEventId++, at: event.at, type: event.type, operatorId: event.operatorId ?? null, queueId: event.queueId ?? null, data };
      if (this.figures.applyPartEvents(event.callId, [part])) change.operators = true;
    }
    switch (event.type) {
      case "call.caller-entered":
        this.live.entered(callId, Number(data.queueId ?? event.queueId), Number(data.priority ?? 0), at);
        touch(event.queueId ?? Number(data.queueId));
        return;
      case "call.answered":
        touch(this.live.answered(callId, Number(event.operatorId ?? data.operatorId), at));
        return;
      case "call.requeued":
        touch(this.live.requeued(callId, at));
        return;
      case "call.overflowed":
        for (const id of this.live.overflowed(callId, Number(data.toQueueId), at)) touch(id);
        return;
      case "call.hold":
      case "call.unhold":
        touch(this.live.hold(callId, event.type === "call.hold", at));
        return;
      case "call.finished":
        touch(this.live.finished(callId, at));
        return;
      case "operator.state": {
        if (event.operatorId == null) return;
        const presence = data.presence as { loggedIn?: boolean } | undefined;
        const to = typeof data.to === "string" ? data.to : "offline";
        for (const id of this.live.operatorState(event.operatorId, { status: to, loggedIn: presence?.loggedIn ?? to !== "offline", since: at })) touch(id);
        this.figures.applyOperatorState(event.operatorId, typeof data.from === "string" ? data.from : null, to, at);
        change.operators = true;
        return;
      }
      default:
        return;
    }
  }

  /** One queue's panel as of `now`. */
  panel(queueId: number, now: number): QueuePanelView | undefined {
    const info = this.queueInfo.get(queueId);
    if (!info) return undefined;
    return {
      queueId,
      name: info.name,
      slThresholdS: info.slThresholdS,
      waiting: this.live.waiting(queueId),
      waitingCount: this.live.waitingCount(queueId),
      calls: this.live.inProgress(queueId),
      staff: this.live.staff(queueId),
      today: this.figures.queueFigures(queueId),
      slots: this.figures.queueSlots(queueId),
      waitingHistory: this.live.waitingHistory(queueId, now),
      alerts: [],
    };
  }

  snapshot(now: number): BoardSnapshot {
    return {
      serverNow: now,
      queues: this.queueIds.flatMap((id) => this.panel(id, now) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
      operators: this.figures.operatorFigures(),
    };
  }
}
