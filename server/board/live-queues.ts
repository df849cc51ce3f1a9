/**
 * Who is waiting and who is talking now, per queue, and each operator's routing state: pure, fed by the same facts as
 * the call records (the engine's record entries and the controller's events, see board-state.ts). Nothing here is
 * rebuilt at boot: calls do not survive the process, and every operator starts offline.
 */
import { MAX_WAITING_ROWS, type LiveCallView, type QueueStaffView, type WaitingCallerView } from "./board-view";

interface LiveCall {
  callId: string;
  queueId: number;
  callerNumber: string;
  callerName?: string;
  priority: number;
  queuedAt: number;
  callbackRequested: boolean;
  operatorId?: number;
  answeredAt?: number;
  holdMs: number;
  heldSince?: number;
}

export interface OperatorLive {
  status: string;
  loggedIn: boolean;
  since: number;
}

/** Minutes of waiting history kept per queue. */
const HISTORY_MINUTES = 60;

export class LiveQueues {
  private readonly calls = new Map<string, LiveCall>();
  /** Caller number and name from the record's insert, until the caller enters a queue. */
  private readonly arriving = new Map<string, { callerNumber: string; callerName?: string }>();
  private readonly operators = new Map<number, OperatorLive>();
  /** operator id -> queue ids they serve. */
  private members = new Map<number, readonly number[]>();
  /** queue id -> [minute start, most waiting that minute][], last hour. */
  private readonly history = new Map<number, Array<[number, number]>>();

  /** The record of a new call: remembered until it enters a queue (or ends). */
  arrived(callId: string, callerNumber: string, callerName: string | undefined): void {
    this.arriving.set(callId, { callerNumber, ...(callerName && { callerName }) });
  }

  /** The engine queued the caller. */
  entered(callId: string, queueId: number, priority: number, at: number): void {
    const who = this.arriving.get(callId);
    this.arriving.delete(callId);
    this.calls.set(callId, { callId, queueId, callerNumber: who?.callerNumber ?? "", ...(who?.callerName && { callerName: who.callerName }), priority, queuedAt: at, callbackRequested: false, holdMs: 0 });
    this.noteWaiting(queueId, at);
  }

  answered(callId: string, operatorId: number, at: number): number | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    call.operatorId = operatorId;
    call.answeredAt = at;
    this.noteWaiting(call.queueId, at);
    return call.queueId;
  }

  /** The operator's leg failed: the caller waits again, at the head (their original arrival keeps them first). */
  requeued(callId: string, at: number): number | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    delete call.operatorId;
    delete call.answeredAt;
    delete call.heldSince;
    this.noteWaiting(call.queueId, at);
    return call.queueId;
  }

  /** Moved to another queue by the engine (overflow). Returns the queues touched. */
  overflowed(callId: string, toQueueId: number, at: number): number[] {
    const call = this.calls.get(callId);
    if (!call) return [];
    const from = call.queueId;
    call.queueId = toQueueId;
    this.noteWaiting(from, at);
    this.noteWaiting(toQueueId, at);
    return [from, toQueueId];
  }

  hold(callId: string, held: boolean, at: number): number | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    if (held && call.heldSince === undefined) call.heldSince = at;
    if (!held && call.heldSince !== undefined) {
      call.holdMs += at - call.heldSince;
      delete call.heldSince;
    }
    return call.queueId;
  }

  callbackRequested(callId: string): number | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    call.callbackRequested = true;
    return call.queueId;
  }

  /** The call left the engine (answered and ended, abandoned, sent away). */
  finished(callId: string, at: number): number | undefined {
    this.arriving.delete(callId);
    const call = this.calls.get(callId);
    if (!call) return undefined;
    this.calls.delete(callId);
    if (call.operatorId === undefined) this.noteWaiting(call.queueId, at);
    return call.queueId;
  }

  /** Returns the queues the operator serves (their staff counts changed). */
  operatorState(operatorId: number, state: OperatorLive): readonly number[] {
    this.operators.set(operatorId, state);
    return this.members.get(operatorId) ?? [];
  }

  /** Which queues each operator serves (from the database, on every queue change). */
  setMembers(members: ReadonlyMap<number, readonly number[]>): void {
    this.members = new Map(members);
  }

  waitingCount(queueId: number): number {
    let n = 0;
    for (const call of this.calls.values()) if (call.queueId === queueId && call.operatorId === undefined) n += 1;
    return n;
  }

  /** Callers waiting in the queue, in the engine's order (priority, then arrival), at most {@link MAX_WAITING_ROWS}. */
  waiting(queueId: number): WaitingCallerView[] {
    return [...this.calls.values()]
      .filter((c) => c.queueId === queueId && c.operatorId === undefined)
      .sort((a, b) => b.priority - a.priority || a.queuedAt - b.queuedAt)
      .slice(0, MAX_WAITING_ROWS)
      .map((c, i) => ({
        callId: c.callId,
        callerNumber: c.callerNumber,
        ...(c.callerName && { callerName: c.callerName }),
        since: c.queuedAt,
        position: i + 1,
        vip: c.priority > 0,
        callbackRequested: c.callbackRequested,
      }));
  }

  /** Epoch ms since when the queue's longest-waiting caller waits, or undefined when nobody waits. */
  oldestWaiting(queueId: number): number | undefined {
    let oldest: number | undefined;
    for (const c of this.calls.values()) if (c.queueId === queueId && c.operatorId === undefined) oldest = Math.min(oldest ?? c.queuedAt, c.queuedAt);
    return oldest;
  }

  inProgress(queueId: number): LiveCallView[] {
    return [...this.calls.values()]
      .filter((c) => c.queueId === queueId && c.operatorId !== undefined)
      .sort((a, b) => a.answeredAt! - b.answeredAt!)
      .map((c) => ({
        callId: c.callId,
        callerNumber: c.callerNumber,
        ...(c.callerName && { callerName: c.callerName }),
        operatorId: c.operatorId!,
        answeredAt: c.answeredAt!,
        holdMs: c.holdMs,
        ...(c.heldSince !== undefined && { heldSince: c.heldSince }),
      }));
  }

  /** A live call by id (for monitoring: who talks to whom). */
  liveCall(callId: string): LiveCallView | undefined {
    return this.inProgressById(callId);
  }

  private inProgressById(callId: string): LiveCallView | undefined {
    const c = this.calls.get(callId);
    if (!c || c.operatorId === undefined) return undefined;
    return { callId, callerNumber: c.callerNumber, operatorId: c.operatorId, answeredAt: c.answeredAt!, holdMs: c.holdMs };
  }

  staff(queueId: number): QueueStaffView {
    const staff: QueueStaffView = { loggedIn: 0, available: 0, onCall: 0, wrapUp: 0, paused: 0 };
    for (const [operatorId, queues] of this.members) {
      if (!queues.includes(queueId)) continue;
      const op = this.operators.get(operatorId);
      if (!op?.loggedIn) continue;
      staff.loggedIn += 1;
      if (op.status === "available") staff.available += 1;
      else if (op.status === "offered" || op.status === "on-call") staff.onCall += 1;
      else if (op.status === "wrap-up") staff.wrapUp += 1;
      else if (op.status === "paused") staff.paused += 1;
    }
    return staff;
  }

  /** The most callers waiting in each minute of the last hour before `now`. */
  waitingHistory(queueId: number, now: number): Array<[number, number]> {
    const from = minute(now) - (HISTORY_MINUTES - 1) * 60_000;
    return (this.history.get(queueId) ?? []).filter(([t]) => t >= from).map(([t, n]) => [t, n]);
  }

  private noteWaiting(queueId: number, at: number): void {
    const count = this.waitingCount(queueId);
    const slot = minute(at);
    let list = this.history.get(queueId);
    if (!list) this.history.set(queueId, (list = []));
    const last = list.at(-1);
    if (last && last[0] === slot) last[1] = Math.max(last[1], count);
    else list.push([slot, count]);
    // Bounded: one point a minute, an hour of them.
    while (list.length > HISTORY_MINUTES + 1) list.shift();
  }
}

const minute = (t: number) => Math.floor(t / 60_000) * 60_000;
