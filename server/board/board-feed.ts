/**
 * The supervisors' live board: today's figures rebuilt from the database at boot, then kept from every call record
 * write (see board-state.ts), checked against each queue's alert thresholds, and pushed over Socket.IO.
 *
 * Push, not poll: a write marks its queues changed; one short timer ({@link BOARD_FLUSH_MS}) then sends each changed
 * queue's panel once to that queue's room (`queue:<id>`), so a burst of events costs each board at most one update
 * per queue per flush (the per-board rate cap). Besides that timer, one timer for the next deadline: the next local
 * midnight or a caller passing a queue's long-wait limit, whichever comes first. No database read after boot except
 * the queue list when queues change.
 */
import type { Db } from "../../db/client";
import { listCallPartEventsSince, listOperatorStatesSince, listRecordsSince } from "../../db/queries/board";
import type { NewCallEvent } from "../../db/queries/calls";
import type { Queue } from "../../db/schema";
import type { RecordWrite } from "../calls/call-records";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { alertChanges, nextAlertDeadline, NO_ALERTS, queueAlerts, type AlertThresholds } from "./board-alerts";
import { panelDelta, type PushedSeries, type QueuePanelDelta } from "./board-delta";
import { BoardState } from "./board-state";
import { PART_EVENT_TYPES } from "../calls/operator-parts";
import type { BoardSnapshot, OperatorFiguresView, QueueAlertView, QueuePanelView, WallboardQueueView, WallboardSnapshot } from "./board-view";
import type { QueueHoursState } from "../hours/number-hours";

/**
 * How long changes gather before they are pushed, ms: the per-board rate cap (at most one update per queue per
 * window, whatever the surge) and most of the event -> board latency (see `npm run bench board`).
 */
export const BOARD_FLUSH_MS = 60;

/** Where updates go (the realtime server's `/board` namespace, or a test's list). */
export interface BoardPublisher {
  /** One queue's change (its slots and history as the entries that changed, see board-delta.ts). */
  queue(view: QueuePanelDelta, serverNow: number): void;
  operators(views: OperatorFiguresView[], serverNow: number): void;
  /** The same change as the wallboard shows it. */
  wallboard?(view: WallboardQueueView, serverNow: number): void;
}

export interface BoardFeedDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** IANA zone of the hotline's day (TIMEZONE). */
  zone: string;
  publish: BoardPublisher;
  /** Appends to the event log (alerts raised and cleared are logged as `board.alert` events). */
  log(event: NewCallEvent): void;
}

/** A queue row's alert thresholds. */
export function alertThresholds(queue: Pick<Queue, "alertSlBelowPct" | "alertWaitOverS" | "alertNobodyAvailable">): AlertThresholds {
  return {
    serviceLevelTarget: queue.alertSlBelowPct === null ? null : queue.alertSlBelowPct / 100,
    longWaitS: queue.alertWaitOverS,
    nobodyAvailable: queue.alertNobodyAvailable,
  };
}

export class BoardFeed {
  readonly state: BoardState;
  private readonly dirtyQueues = new Set<number>();
  private dirtyOperators = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private thresholds = new Map<number, AlertThresholds>();
  private readonly alerts = new Map<number, QueueAlertView[]>();
  /** What was last pushed of each queue's slots and history (deltas are taken against it). */
  private readonly pushed = new Map<number, PushedSeries>();
  private stopped = false;
  /** Each queue's operating hours (server/hours), pushed with its panel. */
  private hours: ReadonlyMap<number, QueueHoursState> = new Map();

  constructor(private readonly deps: BoardFeedDeps) {
    this.state = new BoardState(deps.zone, deps.clock.now());
  }

  /** Today's records and operator states from the database (boot, after orphans were closed). */
  async rebuild(): Promise<void> {
    const since = new Date(this.state.figures.dayStart);
    const [rows, states, parts] = await Promise.all([
      listRecordsSince(this.deps.db, since),
      listOperatorStatesSince(this.deps.db, since),
      listCallPartEventsSince(this.deps.db, since, [...PART_EVENT_TYPES]),
    ]);
    for (const row of rows) this.state.loadRecord(row);
    for (const event of states) this.state.loadOperatorEvent(event);
    // After the records: each call's events credit the operators of its segments.
    this.state.loadCallEvents(parts);
    this.deps.logger.info("board figures rebuilt from today's records", { calls: rows.length, operatorStates: states.length, segmentEvents: parts.length });
    for (const id of this.state.queueIds) this.dirtyQueues.add(id);
    this.dirtyOperators = true;
    this.scheduleFlush();
  }

  /** The queues, their alert thresholds and who serves which (on every queue change). */
  configure(queues: readonly Queue[], members: ReadonlyMap<number, readonly number[]>): void {
    this.state.setQueues(queues.map((q) => ({ id: q.id, name: q.name, slThresholdS: q.slThresholdS })), members);
    this.thresholds = new Map(queues.map((q) => [q.id, alertThresholds(q)]));
    for (const id of this.state.queueIds) this.dirtyQueues.add(id);
    this.scheduleFlush();
  }

  /** The hook on the record write path: every write, as it is queued for the database. */
  onWrite(write: RecordWrite): void {
    if (this.stopped) return;
    const change = this.state.applyWrite(write, this.deps.clock.now());
    for (const id of change.queues) this.dirtyQueues.add(id);
    if (change.operators) this.dirtyOperators = true;
    if (change.queues.size > 0 || change.operators) this.scheduleFlush();
  }

  /** The hours runtime crossed a boundary (or reloaded): the queues whose state changed are pushed. */
  setQueueHours(states: ReadonlyMap<number, QueueHoursState>): void {
    if (this.stopped) return;
    for (const id of new Set([...states.keys(), ...this.hours.keys()])) {
      if (JSON.stringify(states.get(id)) !== JSON.stringify(this.hours.get(id))) this.dirtyQueues.add(id);
    }
    this.hours = states;
    if (this.dirtyQueues.size > 0) this.scheduleFlush();
  }

  /** Everything, for a board that connects. */
  snapshot(): BoardSnapshot {
    const now = this.deps.clock.now();
    this.state.figures.rollOver(now);
    const snapshot = this.state.snapshot(now);
    for (const panel of snapshot.queues) {
      panel.alerts = this.alerts.get(panel.queueId) ?? [];
      const hours = this.hours.get(panel.queueId);
      if (hours) panel.hours = hours;
    }
    return snapshot;
  }

  /** Every queue as the wallboard shows it, for a wallboard that connects. */
  wallboardSnapshot(): WallboardSnapshot {
    const snapshot = this.snapshot();
    return { serverNow: snapshot.serverNow, queues: snapshot.queues.map((panel) => this.wallboardView(panel)) };
  }

  private wallboardView(panel: QueuePanelView): WallboardQueueView {
    const t = this.thresholds.get(panel.queueId) ?? NO_ALERTS;
    const oldest = this.state.live.oldestWaiting(panel.queueId);
    return {
      queueId: panel.queueId,
      name: panel.name,
      waitingCount: panel.waitingCount,
      ...(oldest !== undefined && { oldestWaitingSince: oldest }),
      serviceLevel: panel.today.serviceLevel,
      serviceLevelTarget: t.serviceLevelTarget,
      slThresholdS: panel.slThresholdS,
      longWaitS: t.longWaitS,
      available: panel.staff.available,
      answered: panel.today.answered,
      abandoned: panel.today.abandoned,
      alerting: panel.alerts.length > 0,
    };
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.deadlineTimer);
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, BOARD_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Pushes every changed queue once and re-arms the deadline timer. */
  flush(): void {
    const now = this.deps.clock.now();
    if (this.state.figures.rollOver(now)) {
      for (const id of this.state.queueIds) this.dirtyQueues.add(id);
      this.dirtyOperators = true;
    }
    for (const queueId of this.dirtyQueues) {
      const panel = this.state.panel(queueId, now);
      if (!panel) continue;
      panel.alerts = this.checkAlerts(panel, now);
      const hours = this.hours.get(queueId);
      if (hours) panel.hours = hours;
      const { delta, pushed } = panelDelta(panel, this.pushed.get(queueId));
      this.pushed.set(queueId, pushed);
      this.deps.publish.queue(delta, now);
      this.deps.publish.wallboard?.(this.wallboardView(panel), now);
    }
    this.dirtyQueues.clear();
    if (this.dirtyOperators) this.deps.publish.operators(this.state.figures.operatorFigures(), now);
    this.dirtyOperators = false;
    this.armDeadline(now);
  }

  private checkAlerts(panel: QueuePanelView, now: number): QueueAlertView[] {
    const before = this.alerts.get(panel.queueId) ?? [];
    const after = queueAlerts(panel, this.state.live.oldestWaiting(panel.queueId), this.thresholds.get(panel.queueId) ?? NO_ALERTS, now, before);
    const { raised, cleared } = alertChanges(before, after);
    for (const alert of raised) this.logAlert("raised", alert, now);
    for (const alert of cleared) this.logAlert("cleared", alert, now);
    this.alerts.set(panel.queueId, after);
    return after;
  }

  private logAlert(change: "raised" | "cleared", alert: QueueAlertView, now: number): void {
    this.deps.log({ at: new Date(now), type: "board.alert", queueId: alert.queueId, data: { change, kind: alert.kind, value: alert.value, threshold: alert.threshold, since: alert.since } });
  }

  /** One timer: the next midnight, or the next caller to pass a long-wait limit. */
  private armDeadline(now: number): void {
    clearTimeout(this.deadlineTimer);
    if (this.stopped) return;
    let next = this.state.figures.dayEnd;
    const due = new Set<number>();
    for (const queueId of this.state.queueIds) {
      const at = nextAlertDeadline(this.state.live.oldestWaiting(queueId), this.thresholds.get(queueId) ?? NO_ALERTS, now);
      if (at === undefined) continue;
      if (at < next) due.clear();
      if (at <= next) {
        next = at;
        due.add(queueId);
      }
    }
    this.deadlineTimer = setTimeout(() => {
      for (const id of due) this.dirtyQueues.add(id);
      this.flush();
    }, Math.max(0, next - now));
    this.deadlineTimer.unref();
  }
}
