/**
 * The fair call-distribution engine: events in, effects out, time injected.
 *
 * `handle(event, now)` first fires the deadlines that are due at `now`, then applies the event, then dispatches
 * until no waiting caller can be matched with an idle operator. The adapter arms one timer at
 * {@link DispatchEngine.nextDeadline} and sends `{ type: "timer" }` (or calls {@link DispatchEngine.tick}) when it
 * fires: no polling, and a late timer only delays, never reorders, what it fires.
 *
 * Dispatch is incremental: only operators that just became idle and callers that just became waiting (or newly
 * eligible through a tier delay or an expired retry delay) are examined, each against the head of sorted indexes,
 * so an event costs O(queues of the operator x log n) rather than a scan of everyone.
 */
import { DeadlineHeap } from "./deadline-heap.js";
import type { AnnouncementKind, CallbackTurn, CallOutcome, Effect, LeaveReason, MissReason, RecordEntry } from "./engine-effects.js";
import type { EngineEvent, MembershipInput, TransferTarget } from "./engine-events.js";
import type {
  CallRecord,
  EngineOptions,
  EngineState,
  IdleEntry,
  OperatorRecord,
  QueueRecord,
  Timer,
} from "./engine-state.js";
import { OperatorStatus, assertTransition, isReady, isStaffed } from "./operator-state.js";
import type { PauseReason, Presence } from "./operator-state.js";
import { resolveQueueSettings, tierDelayMs } from "./queue-settings.js";
import type { QueueAction, QueueSettingsInput } from "./queue-settings.js";
import { SortedList } from "./sorted-list.js";
import { compareCallers, compareIdle, idleKey, samePriorityLevel } from "./strategy-order.js";
import { isCallbackNumber } from "./callback-number.js";

/** Initial configuration: queues, operators with memberships, and engine-wide options. */
export interface EngineConfig extends EngineOptions {
  queues?: readonly QueueSettingsInput[];
  operators?: readonly { id: string; memberships: readonly MembershipInput[] }[];
}

/** An operator as persisted before a restart. */
export interface PersistedOperator {
  id: string;
  memberships: readonly MembershipInput[];
  status: OperatorStatus;
  since: number;
  presence: Presence;
  pause?: { reason: PauseReason; since: number };
  wrapUpUntil?: number;
  idleSince?: number;
  callsToday?: number;
  talkTodayMs?: number;
}

/** A call that the media/SIP layer confirms is still up after the restart. */
export interface SurvivingCall {
  callId: string;
  queueId: string;
  callerNumber: string;
  priority?: number;
  arrivedAt: number;
  queuedAt?: number;
  /** Set when the caller is still bridged to this operator. */
  operatorId?: string;
  answeredAt?: number;
}

export interface RestoreSnapshot {
  operators: readonly PersistedOperator[];
  calls: readonly SurvivingCall[];
}

/** What a supervisor screen needs about one operator, including the presence mismatch. */
export interface OperatorView {
  id: string;
  status: OperatorStatus;
  since: number;
  reason: string | undefined;
  presence: Presence;
  /** Some but not all of logged in / socket / SIP: something is broken on the operator's side. */
  presenceMismatch: boolean;
  pauseRequest: PauseReason | undefined;
  offeredCallId: string | undefined;
  callId: string | undefined;
  consecutiveMisses: number;
  callsToday: number;
  talkTodayMs: number;
  queues: readonly string[];
}

const DEFAULT_OPTIONS: Required<EngineOptions> = {
  vipPriorities: {},
  limitedPauseReasons: ["break", "lunch"],
  maxPauseMs: { break: 15 * 60_000, lunch: 60 * 60_000 },
  maxOverflowHops: 3,
};

const LEAVE_ANNOUNCEMENT: Record<LeaveReason, AnnouncementKind> = {
  "max-wait": "max-wait",
  "queue-full": "queue-full",
  "no-operators": "no-operators",
  closed: "closed",
};

/** The presence flag each presence event sets. */
const PRESENCE_EVENTS: Partial<Record<EngineEvent["type"], Partial<Presence>>> = {
  "operator-logged-in": { loggedIn: true },
  "operator-logged-out": { loggedIn: false },
  "socket-connected": { socketConnected: true },
  "socket-disconnected": { socketConnected: false },
  "sip-registered": { sipRegistered: true },
  "sip-unregistered": { sipRegistered: false },
};

function timerKey(timer: Timer): string {
  return "operatorId" in timer && "callId" in timer
    ? `${timer.kind}|${timer.callId}|${timer.operatorId}`
    : `${timer.kind}|${"callId" in timer ? timer.callId : timer.operatorId}`;
}

function isBusy(status: OperatorStatus): boolean {
  return status === OperatorStatus.Offered || status === OperatorStatus.OnCall || status === OperatorStatus.WrapUp;
}

export class DispatchEngine {
  /** Read-only outside the engine; see {@link checkInvariants}. */
  readonly state: EngineState;
  private effects: Effect[] = [];
  private readonly pendingOperators = new Set<string>();
  private readonly pendingCalls = new Set<string>();
  private readonly pendingEmptyQueues = new Set<string>();
  private breakLineDirty = false;
  /** Operators whose pause request or place in the break line changed during this event. */
  private readonly pauseRequestsChanged = new Set<string>();

  constructor(config: EngineConfig = {}, now = 0) {
    const { queues = [], operators = [], ...options } = config;
    this.state = {
      now,
      operators: new Map(),
      calls: new Map(),
      queues: new Map(),
      timers: new DeadlineHeap<Timer>(),
      breakLine: [],
      seq: 0,
      options: { ...DEFAULT_OPTIONS, ...options },
    };
    for (const settings of queues) this.configureQueue(settings);
    for (const op of operators) this.configureOperator(op.id, op.memberships);
    this.effects = [];
  }

  /** Applies one event at time `now` and returns what the adapters must do, in order. */
  handle(event: EngineEvent, now: number): Effect[] {
    this.state.now = Math.max(this.state.now, now);
    this.effects = [];
    this.fireDue();
    this.apply(event);
    this.drain();
    this.reportPauseRequests();
    const out = this.effects;
    this.effects = [];
    return out;
  }

  /** Fires the deadlines due at `now`; same as handling `{ type: "timer" }`. */
  tick(now: number): Effect[] {
    return this.handle({ type: "timer" }, now);
  }

  /** The earliest pending deadline: the only timer the adapter needs. */
  nextDeadline(): number | undefined {
    return this.state.timers.peek();
  }

  operatorView(operatorId: string): OperatorView | undefined {
    const op = this.state.operators.get(operatorId);
    if (op === undefined) return undefined;
    const flags = [op.presence.loggedIn, op.presence.socketConnected, op.presence.sipRegistered];
    return {
      id: op.id,
      status: op.status,
      since: op.since,
      reason: op.reason,
      presence: { ...op.presence },
      presenceMismatch: flags.some(Boolean) && !flags.every(Boolean),
      pauseRequest: op.pauseRequest?.reason,
      offeredCallId: op.offer?.callId,
      callId: op.callId,
      consecutiveMisses: op.consecutiveMisses,
      callsToday: op.callsToday,
      talkTodayMs: op.talkTodayMs,
      queues: [...op.memberships.keys()],
    };
  }

  /** Waiting callers of a queue in dispatch order (ringing callers are not waiting). */
  waitingCallIds(queueId: string): string[] {
    return [...(this.state.queues.get(queueId)?.waiting ?? [])].map((c) => c.id);
  }

  /**
   * The free (available) members of a queue in its idle order (its strategy's key: longest idle first by default).
   * Not exactly whom the next caller would be offered: tier delays and per-call cooldowns are a caller's, and there
   * is no caller here. Empty for an unknown queue. Used to consult "the next free operator" of a queue.
   */
  idleOperatorIds(queueId: string): string[] {
    return [...(this.state.queues.get(queueId)?.idle.values() ?? [])].map((entry) => entry.operatorId);
  }

  /**
   * Rebuilds operators and calls after a restart; see {@link reconcile}, which is the intended entry point.
   * Only surviving calls are trusted: an operator persisted as on-call or offered without one is settled.
   */
  restore(snapshot: RestoreSnapshot, now: number): Effect[] {
    this.state.now = Math.max(this.state.now, now);
    this.effects = [];
    const byOperator = new Map<string, SurvivingCall>();
    const persisted = new Set(snapshot.operators.map((p) => p.id));
    for (const c of snapshot.calls) {
      if (c.operatorId !== undefined && persisted.has(c.operatorId)) byOperator.set(c.operatorId, c);
    }
    for (const p of snapshot.operators) {
      this.configureOperator(p.id, p.memberships);
      const op = this.state.operators.get(p.id) as OperatorRecord;
      op.callsToday = p.callsToday ?? 0;
      op.talkTodayMs = p.talkTodayMs ?? 0;
      this.applyPresence(op, p.presence);
      if (p.pause !== undefined && p.presence.loggedIn) this.setPause(op, { reason: p.pause.reason, since: p.pause.since, warned: false });
      const surviving = byOperator.get(p.id);
      if (surviving !== undefined) {
        const call = this.createCall(surviving);
        call.status = "connected";
        call.operatorId = op.id;
        call.answeredAt = surviving.answeredAt ?? now;
        op.callId = call.id;
        this.forceStatus(op, OperatorStatus.OnCall, p.since);
      } else if (p.status === OperatorStatus.WrapUp && (p.wrapUpUntil ?? 0) > now) {
        this.forceStatus(op, OperatorStatus.WrapUp, p.since);
        this.state.timers.set(`wrap-up|${op.id}`, p.wrapUpUntil ?? now, { kind: "wrap-up", operatorId: op.id });
      } else {
        this.settle(op, "restored");
      }
      op.idleSince = p.idleSince ?? now;
      this.reindexIdle(op);
    }
    for (const c of snapshot.calls) {
      if (this.state.calls.has(c.callId)) continue;
      const q = this.state.queues.get(c.queueId);
      if (q === undefined) continue;
      const call = this.createCall(c);
      // A caller who was talking when the operator side vanished is owed the same treatment as a failed leg.
      call.boosted = c.operatorId !== undefined;
      this.enqueue(call, q);
      if (q.settings.maxWaitMs !== undefined && !call.boosted) this.setCallTimer("max-wait", call, call.queuedAt + q.settings.maxWaitMs);
      this.scheduleTier(call, q);
    }
    this.drain();
    this.reportPauseRequests();
    const out = this.effects;
    this.effects = [];
    return out;
  }

  /** A new waiting call, registered but not yet in any waiting list. */
  private createCall(c: SurvivingCall): CallRecord {
    const q = this.state.queues.get(c.queueId);
    const priority = c.priority ?? this.state.options.vipPriorities[c.callerNumber] ?? 0;
    const call: CallRecord = {
      id: c.callId,
      queueId: c.queueId,
      callerNumber: c.callerNumber,
      priority,
      rank: (q?.settings.weight ?? 0) + priority,
      boosted: false,
      arrivedAt: c.arrivedAt,
      queuedAt: c.queuedAt ?? c.arrivedAt,
      seq: ++this.state.seq,
      status: "waiting",
      offers: new Set(),
      operatorId: undefined,
      answeredAt: undefined,
      talkMs: 0,
      cooldowns: new Map(),
      maxWaitDue: false,
      overflowHops: 0,
      firstAnsweredAt: undefined,
      directTransfer: false,
      transferredBy: undefined,
    };
    this.state.calls.set(call.id, call);
    return call;
  }

  /** Restore only: puts a fresh (offline) operator straight into a busy status, which no transition allows. */
  private forceStatus(op: OperatorRecord, to: OperatorStatus, since: number): void {
    const from = op.status;
    for (const queueId of op.memberships.keys()) {
      const q = this.state.queues.get(queueId);
      if (q !== undefined && isStaffed(to) && !isStaffed(from)) q.staffedCount += 1;
    }
    op.status = to;
    op.since = since;
    op.reason = "restored";
    this.emitState(op, from);
  }

  // ---------------------------------------------------------------- events

  private apply(event: EngineEvent): void {
    switch (event.type) {
      case "timer":
        return;
      case "queue-configured":
        return this.configureQueue(event.settings);
      case "pause-policy-configured":
        return this.configurePausePolicy(event.limitedPauseReasons, event.maxPauseMs);
      case "operator-configured":
        return this.configureOperator(event.operatorId, event.memberships);
      case "caller-entered":
        return this.callerEntered(event);
      case "caller-hung-up":
        return this.withCall(event, (call) => this.callerHungUp(call));
      case "call-ended":
        return this.withCall(event, (call) => this.callEnded(call));
      case "offer-answered":
        return this.withOffer(event, (op, call) => this.answer(op, call));
      case "offer-declined":
        return this.withOffer(event, (op) => this.missOffer(op, "declined", false));
      case "offer-timed-out":
        return this.withOffer(event, (op) => this.missOffer(op, "timeout", false));
      case "operator-leg-failed":
        return this.withCall(event, (call) => this.legFailed(call, event.operatorId));
      case "call-transferred":
        return this.withCall(event, (call) => this.transfer(call, event.operatorId, event.to));
      case "external-transfer-ended":
        return this.withCall(event, (call) => this.externalEnded(call, event.answered));
      default:
        return this.withOperator(event, (op) => this.operatorEvent(op, event));
    }
  }

  private operatorEvent(op: OperatorRecord, event: EngineEvent): void {
    const presence = PRESENCE_EVENTS[event.type];
    if (presence !== undefined) {
      return this.setPresence(op, presence);
    }
    switch (event.type) {
      case "pause-requested":
        return this.requestPause(op, event.reason);
      case "resume-requested":
        return this.resume(op);
      case "wrap-up-extended": {
        const key = timerKey({ kind: "wrap-up", operatorId: op.id });
        const until = this.state.timers.get(key);
        if (op.status !== OperatorStatus.WrapUp || until === undefined) return this.ignore(event.type, "operator not in a timed wrap-up");
        if (!(event.byMs > 0)) return this.ignore(event.type, "extension must be positive");
        this.state.timers.set(key, until + event.byMs, { kind: "wrap-up", operatorId: op.id });
        return;
      }
      case "outbound-call-ended":
        if (op.status !== OperatorStatus.Paused) return this.ignore(event.type, "operator not paused for an outbound call");
        if (op.pause?.reason === "outbound") this.setPause(op, undefined);
        return this.afterTalk(op, (this.state.queues.get(event.queueId ?? "")?.settings ?? resolveQueueSettings({ id: "default" })).wrapUpMs, "outbound-call-ended");
      case "wrap-up-finished":
        if (op.status !== OperatorStatus.WrapUp) return this.ignore(event.type, "operator not in wrap-up");
        this.state.timers.delete(timerKey({ kind: "wrap-up", operatorId: op.id }));
        return this.settle(op, "wrap-up-finished");
      case "shift-started":
        op.callsToday = 0;
        op.talkTodayMs = 0;
        // The fewest-calls and least-talk keys are frozen in the idle index: refresh them.
        return this.reindexIdle(op);
      case "shift-ended":
        // A pause, not a logout: the operator still sees why, and may resume to work overtime.
        return this.requestPause(op, "shift-ended");
      default:
        return;
    }
  }

  private withOperator(event: { type: string; operatorId: string }, fn: (op: OperatorRecord) => void): void {
    const op = this.state.operators.get(event.operatorId);
    if (op === undefined) return this.ignore(event.type, `unknown operator ${event.operatorId}`);
    fn(op);
  }

  private withCall(event: { type: string; callId: string }, fn: (call: CallRecord) => void): void {
    const call = this.state.calls.get(event.callId);
    if (call === undefined) return this.ignore(event.type, `unknown call ${event.callId}`);
    fn(call);
  }

  /** Answers, declines and timeouts count only for the offer the operator actually holds: late ones are ignored. */
  private withOffer(
    event: { type: string; callId: string; operatorId: string },
    fn: (op: OperatorRecord, call: CallRecord) => void,
  ): void {
    const op = this.state.operators.get(event.operatorId);
    const call = this.state.calls.get(event.callId);
    if (op === undefined || call === undefined || op.offer?.callId !== event.callId) {
      return this.ignore(event.type, `no offer of ${event.callId} to ${event.operatorId}`);
    }
    fn(op, call);
  }

  private ignore(event: string, reason: string): void {
    this.effects.push({ type: "ignored", event, reason });
  }

  // ---------------------------------------------------------------- configuration

  private configureQueue(input: QueueSettingsInput): void {
    const { queues, operators } = this.state;
    const existing = queues.get(input.id);
    const settings = resolveQueueSettings({ ...existing?.settings, ...input });
    const q: QueueRecord = existing ?? {
      settings,
      waiting: new SortedList(compareCallers),
      idle: new SortedList(compareIdle),
      members: new Set(),
      loggedInCount: 0,
      staffedCount: 0,
      onBreakCount: 0,
      avgHandleMs: settings.initialHandleTimeMs,
    };
    q.settings = settings;
    queues.set(settings.id, q);
    // Rare: recount members and rebuild both indexes, since strategy, weight or tiers may have changed.
    q.members.clear();
    q.loggedInCount = q.staffedCount = q.onBreakCount = 0;
    q.idle.clear();
    for (const op of operators.values()) {
      if (!op.memberships.has(settings.id)) continue;
      q.members.add(op.id);
      this.countOperator(op, 1, settings.id);
      op.idleEntries.delete(settings.id);
      if (op.status === OperatorStatus.Available) this.insertIdleIn(op, settings.id);
    }
    const waiting = [...q.waiting];
    q.waiting.clear();
    for (const call of waiting) {
      if (!call.boosted) call.rank = settings.weight + call.priority;
      q.waiting.insert(call);
      this.pendingCalls.add(call.id);
    }
    this.pendingEmptyQueues.add(settings.id);
    this.breakLineDirty = true;
  }

  private configureOperator(operatorId: string, memberships: readonly MembershipInput[]): void {
    let op = this.state.operators.get(operatorId);
    if (op === undefined) {
      op = {
        id: operatorId,
        memberships: new Map(),
        status: OperatorStatus.Offline,
        since: this.state.now,
        reason: undefined,
        presence: { loggedIn: false, socketConnected: false, sipRegistered: false },
        pause: undefined,
        pauseRequest: undefined,
        offer: undefined,
        callId: undefined,
        idleSince: this.state.now,
        consecutiveMisses: 0,
        callsToday: 0,
        talkTodayMs: 0,
        lastOfferSeq: new Map(),
        idleEntries: new Map(),
      };
      this.state.operators.set(operatorId, op);
    }
    this.removeIdle(op);
    for (const queueId of op.memberships.keys()) {
      this.countOperator(op, -1, queueId);
      this.state.queues.get(queueId)?.members.delete(op.id);
      this.pendingEmptyQueues.add(queueId);
    }
    op.memberships = new Map(memberships.map((m) => [m.queueId, Math.max(1, Math.floor(m.tier ?? 1))]));
    for (const queueId of op.memberships.keys()) {
      this.countOperator(op, 1, queueId);
      this.state.queues.get(queueId)?.members.add(op.id);
    }
    if (op.status === OperatorStatus.Available) {
      this.insertIdle(op);
      this.pendingOperators.add(op.id);
    }
    this.breakLineDirty = true;
  }

  /** Adds (sign 1) or removes (-1) an operator's contribution to a queue's counters. */
  private countOperator(op: OperatorRecord, sign: 1 | -1, queueId: string): void {
    const q = this.state.queues.get(queueId);
    if (q === undefined) return;
    if (op.presence.loggedIn) q.loggedInCount += sign;
    if (isStaffed(op.status)) q.staffedCount += sign;
    if (op.pause !== undefined && this.isLimited(op.pause.reason)) q.onBreakCount += sign;
  }

  // ---------------------------------------------------------------- operator status

  /** The single place where status changes: guarded by the transition table, keeps indexes and counters right. */
  private setStatus(op: OperatorRecord, to: OperatorStatus, reason: string | undefined): void {
    const from = op.status;
    if (from === to && (to !== OperatorStatus.Paused || op.reason === reason)) return;
    assertTransition(op.id, from, to);
    if (from === OperatorStatus.Available) this.removeIdle(op);
    if (isStaffed(from) !== isStaffed(to)) {
      const delta = isStaffed(to) ? 1 : -1;
      for (const queueId of op.memberships.keys()) {
        const q = this.state.queues.get(queueId);
        if (q === undefined) continue;
        q.staffedCount += delta;
        if (q.staffedCount === 0) this.pendingEmptyQueues.add(queueId);
      }
    }
    op.status = to;
    op.since = this.state.now;
    op.reason = reason;
    if (to === OperatorStatus.Available) {
      // A missed offer does not reset idle time: longest-idle is about time since the last call.
      if (from !== OperatorStatus.Offered) op.idleSince = this.state.now;
      this.insertIdle(op);
      this.pendingOperators.add(op.id);
    }
    this.emitState(op, from);
  }

  private emitState(op: OperatorRecord, previous: OperatorStatus): void {
    this.effects.push({
      type: "operator-state-changed",
      operatorId: op.id,
      status: op.status,
      previous,
      reason: op.reason,
      since: op.since,
      presence: { ...op.presence },
    });
  }

  /** Puts an operator who holds no offer and no call where presence and pause say it belongs. */
  private settle(op: OperatorRecord, reason: string | undefined): void {
    if (!isReady(op.presence)) return this.setStatus(op, OperatorStatus.Offline, reason);
    this.startRequestedPause(op);
    if (op.pause !== undefined) return this.setStatus(op, OperatorStatus.Paused, op.pause.reason);
    this.setStatus(op, OperatorStatus.Available, reason);
  }

  private setPresence(op: OperatorRecord, change: Partial<Presence>, reason = "presence"): void {
    const status = op.status;
    if (!this.applyPresence(op, change)) return;
    if (op.status === OperatorStatus.Offered) {
      if (!isReady(op.presence)) this.missOffer(op, "operator-unavailable", true);
    } else if (!isBusy(op.status)) {
      this.settle(op, reason);
    }
    // On-call and wrap-up keep their status (the call goes on); the screen still needs the new presence.
    if (op.status === status) this.emitState(op, status);
  }

  /** Updates flags and counters only; false when nothing changed. */
  private applyPresence(op: OperatorRecord, change: Partial<Presence>): boolean {
    const before = op.presence;
    const after = { ...before, ...change };
    if (after.loggedIn === before.loggedIn && after.socketConnected === before.socketConnected && after.sipRegistered === before.sipRegistered) {
      return false;
    }
    if (after.loggedIn !== before.loggedIn) {
      for (const queueId of op.memberships.keys()) {
        const q = this.state.queues.get(queueId);
        if (q === undefined) continue;
        q.loggedInCount += after.loggedIn ? 1 : -1;
        if (q.loggedInCount === 0) this.pendingEmptyQueues.add(queueId);
      }
    }
    op.presence = after;
    if (!after.loggedIn) {
      // Logging out ends any pause and withdraws a waiting break request; a new login starts fresh.
      this.withdrawPauseRequest(op);
      this.setPause(op, undefined);
      op.consecutiveMisses = 0;
    }
    return true;
  }

  // ---------------------------------------------------------------- pauses and the break line

  private isLimited(reason: PauseReason): boolean {
    return this.state.options.limitedPauseReasons.includes(reason);
  }

  private setPause(op: OperatorRecord, pause: OperatorRecord["pause"]): void {
    const old = op.pause;
    if (old !== undefined && this.isLimited(old.reason)) {
      for (const queueId of op.memberships.keys()) this.adjustBreakCount(queueId, -1);
      this.breakLineDirty = true;
    }
    op.pause = pause;
    const key = timerKey({ kind: "break-max", operatorId: op.id });
    this.state.timers.delete(key);
    if (pause === undefined) return;
    if (this.isLimited(pause.reason)) for (const queueId of op.memberships.keys()) this.adjustBreakCount(queueId, 1);
    const max = this.state.options.maxPauseMs[pause.reason];
    if (max !== undefined) this.state.timers.set(key, pause.since + max, { kind: "break-max", operatorId: op.id });
  }

  /**
   * New limits apply to pauses already running: break slots are recounted (a reason that stops being limited frees
   * its slots, the break line moves) and each running pause's overrun deadline is re-armed from its start.
   */
  private configurePausePolicy(limited: readonly PauseReason[], maxPauseMs: Readonly<Record<string, number>>): void {
    const { options, queues, operators, timers } = this.state;
    options.limitedPauseReasons = [...limited];
    options.maxPauseMs = { ...maxPauseMs };
    for (const q of queues.values()) q.onBreakCount = 0;
    for (const op of operators.values()) {
      const pause = op.pause;
      if (pause === undefined) continue;
      if (this.isLimited(pause.reason)) for (const queueId of op.memberships.keys()) this.adjustBreakCount(queueId, 1);
      const key = timerKey({ kind: "break-max", operatorId: op.id });
      timers.delete(key);
      const max = options.maxPauseMs[pause.reason];
      if (max === undefined) continue;
      if (pause.since + max > this.state.now) pause.warned = false;
      if (!pause.warned) timers.set(key, pause.since + max, { kind: "break-max", operatorId: op.id });
    }
    this.breakLineDirty = true;
  }

  private adjustBreakCount(queueId: string, delta: number): void {
    const q = this.state.queues.get(queueId);
    if (q !== undefined) q.onBreakCount += delta;
  }

  private breakSlotFree(op: OperatorRecord, reason: PauseReason): boolean {
    if (!this.isLimited(reason)) return true;
    // Switching between limited reasons keeps the slot the operator already holds.
    if (op.pause !== undefined && this.isLimited(op.pause.reason)) return true;
    for (const queueId of op.memberships.keys()) {
      const q = this.state.queues.get(queueId);
      const max = q?.settings.maxOnBreak;
      if (q !== undefined && max !== undefined && q.onBreakCount >= max) return false;
    }
    return true;
  }

  private requestPause(op: OperatorRecord, reason: PauseReason): void {
    if (!op.presence.loggedIn) return this.ignore("pause-requested", "operator not logged in");
    if (op.pause?.reason === reason) return;
    this.withdrawPauseRequest(op);
    op.pauseRequest = { reason, requestedAt: this.state.now };
    this.pauseRequestsChanged.add(op.id);
    if (!this.breakSlotFree(op, reason)) this.state.breakLine.push(op.id);
    // A busy operator pauses when the call and wrap-up are over (see settle).
    if (!isBusy(op.status)) this.settle(op, reason);
  }

  /** One effect per operator whose request changed, with where it stands now (not every step in between). */
  private reportPauseRequests(): void {
    for (const operatorId of this.pauseRequestsChanged) {
      const request = this.state.operators.get(operatorId)?.pauseRequest;
      const position = this.state.breakLine.indexOf(operatorId) + 1;
      this.effects.push({
        type: "pause-request-changed",
        operatorId,
        ...(request && { request: position > 0 ? { reason: request.reason, position } : { reason: request.reason } }),
      });
    }
    this.pauseRequestsChanged.clear();
  }

  /** Turns a pending pause request into the active pause when a slot allows. */
  private startRequestedPause(op: OperatorRecord): void {
    const request = op.pauseRequest;
    if (request === undefined || !this.breakSlotFree(op, request.reason)) return;
    this.withdrawPauseRequest(op);
    this.setPause(op, { reason: request.reason, since: this.state.now, warned: false });
  }

  private withdrawPauseRequest(op: OperatorRecord): void {
    if (op.pauseRequest === undefined) return;
    op.pauseRequest = undefined;
    this.pauseRequestsChanged.add(op.id);
    const line = this.state.breakLine;
    const index = line.indexOf(op.id);
    if (index < 0) return;
    line.splice(index, 1);
    // Everyone behind moves up one place.
    for (const behind of line.slice(index)) this.pauseRequestsChanged.add(behind);
  }

  private resume(op: OperatorRecord): void {
    this.withdrawPauseRequest(op);
    if (op.pause === undefined) return;
    this.setPause(op, undefined);
    op.consecutiveMisses = 0;
    if (!isBusy(op.status)) this.settle(op, "resumed");
  }

  /** Starts waiting breaks in request order; one blocked by a full queue does not block others. */
  private advanceBreakLine(): void {
    for (const operatorId of [...this.state.breakLine]) {
      const op = this.state.operators.get(operatorId);
      if (op === undefined || isBusy(op.status)) continue;
      const reason = op.pauseRequest?.reason;
      if (reason !== undefined && this.breakSlotFree(op, reason)) this.settle(op, reason);
    }
  }

  // ---------------------------------------------------------------- idle index

  private insertIdle(op: OperatorRecord): void {
    for (const queueId of op.memberships.keys()) this.insertIdleIn(op, queueId);
  }

  private insertIdleIn(op: OperatorRecord, queueId: string): void {
    const q = this.state.queues.get(queueId);
    if (q === undefined) return;
    const key = idleKey(q.settings.strategy, op, queueId, op.memberships.get(queueId) ?? 1);
    const entry: IdleEntry = { operatorId: op.id, ...key, seq: ++this.state.seq };
    q.idle.insert(entry);
    op.idleEntries.set(queueId, entry);
  }

  private removeIdle(op: OperatorRecord): void {
    for (const [queueId, entry] of op.idleEntries) this.state.queues.get(queueId)?.idle.remove(entry);
    op.idleEntries.clear();
  }

  private reindexIdle(op: OperatorRecord): void {
    if (op.status !== OperatorStatus.Available) return;
    this.removeIdle(op);
    this.insertIdle(op);
    this.pendingOperators.add(op.id);
  }

  // ---------------------------------------------------------------- callers

  private callerEntered(event: Extract<EngineEvent, { type: "caller-entered" }>): void {
    const { now, calls, queues, options } = this.state;
    if (calls.has(event.callId)) return this.ignore(event.type, `duplicate call ${event.callId}`);
    const q = queues.get(event.queueId);
    if (q === undefined) return this.ignore(event.type, `unknown queue ${event.queueId}`);
    const arrivedAt = Math.min(event.arrivedAt ?? now, now);
    const priority = event.priority ?? options.vipPriorities[event.callerNumber] ?? 0;
    const call = this.createCall({ ...event, priority, arrivedAt });
    if (event.keepsPlace) call.keepsPlace = true;
    this.record({ kind: "caller-entered", at: now, callId: call.id, queueId: call.queueId, callerNumber: call.callerNumber, priority });
    this.enterQueue(call, q);
  }

  /** Admission rules, then the waiting list and the caller's deadlines. */
  private enterQueue(call: CallRecord, q: QueueRecord): void {
    const s = q.settings;
    if (!s.open) return this.leave(call, { type: "hang-up", announcement: "closed" }, "closed");
    const nobody =
      (s.joinWhen === "logged-in" && q.loggedInCount === 0) || (s.joinWhen === "staffed" && q.staffedCount === 0);
    if (nobody) return this.leave(call, s.noOperatorsAction, "no-operators");
    if (s.maxQueueLength !== undefined && q.waiting.size >= s.maxQueueLength) {
      return this.leave(call, s.queueFullAction, "queue-full");
    }
    call.rank = s.weight + call.priority;
    this.enqueue(call, q);
    if (s.maxWaitMs !== undefined) this.setCallTimer("max-wait", call, call.queuedAt + s.maxWaitMs);
    this.scheduleTier(call, q);
  }

  /** Into the waiting list (keeping queuedAt, so a returning caller lands at the head of its level). */
  private enqueue(call: CallRecord, q: QueueRecord): void {
    const s = q.settings;
    call.status = "waiting";
    q.waiting.insert(call);
    this.pendingCalls.add(call.id);
    const now = this.state.now;
    // Nobody listens on a kept place: no announcements.
    if (call.keepsPlace) return;
    if (s.positionAnnounceEveryMs !== undefined && !this.state.timers.has(`position|${call.id}`)) {
      this.setCallTimer("position", call, now + s.positionAnnounceEveryMs);
    }
    if (s.periodicAnnounceEveryMs !== undefined && !this.state.timers.has(`periodic|${call.id}`)) {
      this.setCallTimer("periodic", call, now + s.periodicAnnounceEveryMs);
    }
  }

  private setCallTimer(kind: "max-wait" | "position" | "periodic" | "tier", call: CallRecord, at: number): void {
    const timer: Timer = { kind, callId: call.id };
    this.state.timers.set(timerKey(timer), at, timer);
  }

  /** Arms the deadline at which the caller becomes eligible for the next tier. */
  private scheduleTier(call: CallRecord, q: QueueRecord): void {
    if (q.settings.strategy !== "skills") return;
    const waited = this.state.now - call.queuedAt;
    const next = q.settings.tierDelaysMs.find((d) => d > waited);
    if (next !== undefined) this.setCallTimer("tier", call, call.queuedAt + next);
  }

  private clearCallTimers(call: CallRecord): void {
    const timers = this.state.timers;
    for (const kind of ["max-wait", "position", "periodic", "tier"]) timers.delete(`${kind}|${call.id}`);
    for (const operatorId of call.cooldowns.keys()) timers.delete(`retry|${call.id}|${operatorId}`);
    for (const operatorId of call.offers) timers.delete(`ring|${call.id}|${operatorId}`);
    call.cooldowns.clear();
  }

  /** Takes a caller out of its queue without an operator, by the queue's action for `reason`. */
  private leave(call: CallRecord, action: QueueAction, reason: LeaveReason): void {
    // A kept place leaves as a callback whatever the queue's action: the caller asked for one and is gone.
    if (call.keepsPlace) return this.callbackNow(call, reason);
    const { queues, options, now } = this.state;
    const from = queues.get(call.queueId);
    switch (action.type) {
      case "overflow": {
        const target = queues.get(action.queueId);
        this.effects.push({ type: "overflow", callId: call.id, fromQueueId: call.queueId, toQueueId: action.queueId, reason });
        if (target === undefined) return this.finish(call, "overflowed", reason);
        if (target === from || call.overflowHops >= options.maxOverflowHops) {
          // A loop or an overlong chain: end it rather than bounce the caller forever.
          return this.leave(call, { type: "hang-up", announcement: LEAVE_ANNOUNCEMENT[reason] }, reason);
        }
        from?.waiting.remove(call);
        this.clearCallTimers(call);
        this.record({ kind: "call-overflowed", at: now, callId: call.id, fromQueueId: call.queueId, toQueueId: action.queueId, reason });
        call.overflowHops += 1;
        call.queueId = action.queueId;
        call.queuedAt = now;
        call.boosted = false;
        call.maxWaitDue = false;
        return this.enterQueue(call, target);
      }
      case "callback":
        // No number to call back (anonymous, withheld, a test call): say so rather than promise a call.
        if (!isCallbackNumber(call.callerNumber)) {
          this.effects.push({ type: "hang-up", callId: call.id, announcement: "callback-unavailable", reason });
          return this.finish(call, "hung-up", reason);
        }
        this.effects.push({ type: "create-callback-request", callId: call.id, queueId: call.queueId, callerNumber: call.callerNumber, reason });
        this.effects.push({ type: "hang-up", callId: call.id, announcement: "callback-registered", reason });
        return this.finish(call, "callback", reason);
      case "hang-up":
        this.effects.push({ type: "hang-up", callId: call.id, announcement: action.announcement, reason });
        return this.finish(call, "hung-up", reason);
    }
  }

  /** A kept place's turn came, or it cannot wait longer: the callback request is made, and the place ends. */
  private callbackNow(call: CallRecord, reason: LeaveReason | CallbackTurn): void {
    this.effects.push({ type: "create-callback-request", callId: call.id, queueId: call.queueId, callerNumber: call.callerNumber, reason });
    this.finish(call, "callback", reason);
  }

  /** The one exit of a call from the engine: removes every trace so memory stays bounded. */
  private finish(call: CallRecord, outcome: CallOutcome, reason: LeaveReason | CallbackTurn | "caller-hung-up" | "call-ended"): void {
    const q = this.state.queues.get(call.queueId);
    if (call.status === "waiting") q?.waiting.remove(call);
    this.clearCallTimers(call);
    this.state.calls.delete(call.id);
    this.pendingCalls.delete(call.id);
    const now = this.state.now;
    const waitedMs = (call.firstAnsweredAt ?? call.answeredAt ?? now) - call.arrivedAt;
    const shortAbandonMs = q?.settings.shortAbandonMs ?? 0;
    this.record({
      kind: "call-finished",
      at: now,
      callId: call.id,
      queueId: call.queueId,
      outcome,
      reason,
      waitedMs,
      talkMs: call.talkMs,
      serviceLevelMs: q?.settings.serviceLevelMs ?? 0,
      shortAbandonMs,
      shortAbandon: outcome === "abandoned" && waitedMs < shortAbandonMs,
    });
  }

  private callerHungUp(call: CallRecord): void {
    if (call.status === "connected") return this.callEnded(call);
    // Answered before, passed to an external number: the caller was served.
    if (call.status === "external") return this.finish(call, "answered", "call-ended");
    if (call.status === "offered") {
      for (const operatorId of [...call.offers]) this.withdrawOffer(call, operatorId, "caller-hung-up");
    }
    this.finish(call, "abandoned", "caller-hung-up");
  }

  private callEnded(call: CallRecord): void {
    if (call.status !== "connected") return this.callerHungUp(call);
    const q = this.state.queues.get(call.queueId);
    const op = call.operatorId === undefined ? undefined : this.state.operators.get(call.operatorId);
    const talk = this.endTalk(call, op);
    const wrapUpMs = q?.settings.wrapUpMs ?? 0;
    if (q !== undefined) q.avgHandleMs = 0.9 * q.avgHandleMs + 0.1 * (talk + wrapUpMs);
    this.finish(call, "answered", "call-ended");
    if (op === undefined) return;
    this.afterTalk(op, wrapUpMs, "call-ended");
  }

  private endTalk(call: CallRecord, op: OperatorRecord | undefined): number {
    const talk = this.state.now - (call.answeredAt ?? this.state.now);
    call.talkMs += talk;
    if (op !== undefined) {
      op.talkTodayMs += talk;
      op.callId = undefined;
    }
    return talk;
  }

  /** The operator's leg dropped: the caller goes back, ahead of everyone, and hears an apology. */
  private legFailed(call: CallRecord, operatorId: string): void {
    if (call.status !== "connected" || call.operatorId !== operatorId) {
      return this.ignore("operator-leg-failed", `call ${call.id} is not connected to ${operatorId}`);
    }
    const op = this.state.operators.get(operatorId);
    this.endTalk(call, op);
    call.operatorId = undefined;
    call.answeredAt = undefined;
    call.boosted = true;
    if (op !== undefined) {
      // Paused, not available: a broken browser would fail the next caller too. The operator resumes by hand.
      this.setPause(op, { reason: "leg-failed", since: this.state.now, warned: false });
      this.settle(op, "leg-failed");
    }
    this.effects.push({ type: "play-announcement", callId: call.id, announcement: "apology" });
    this.record({ kind: "call-requeued", at: this.state.now, callId: call.id, queueId: call.queueId, why: "operator-leg-failed" });
    const q = this.state.queues.get(call.queueId);
    if (q !== undefined) this.enqueue(call, q);
  }

  /**
   * Blind transfer (see the `call-transferred` event). The transferring operator's talk ends and they go to wrap-up
   * (as at the end of a call); the caller keeps its arrival time and priority.
   */
  private transfer(call: CallRecord, operatorId: string, to: TransferTarget): void {
    if (call.status !== "connected" || call.operatorId !== operatorId) {
      return this.ignore("call-transferred", `call ${call.id} is not connected to ${operatorId}`);
    }
    const { queues, operators, now } = this.state;
    const targetQueue = "queueId" in to ? queues.get(to.queueId) : undefined;
    const targetOp = "operatorId" in to ? operators.get(to.operatorId) : undefined;
    if ("queueId" in to && (targetQueue === undefined || !targetQueue.settings.open)) {
      this.effects.push({ type: "transfer-refused", callId: call.id, operatorId, reason: "queue-unavailable" });
      return;
    }
    if ("operatorId" in to && (targetOp === undefined || targetOp.status !== OperatorStatus.Available || to.operatorId === operatorId)) {
      this.effects.push({ type: "transfer-refused", callId: call.id, operatorId, reason: "operator-unavailable" });
      return;
    }
    const op = operators.get(operatorId);
    const talkMs = this.endTalk(call, op);
    const fromQueue = queues.get(call.queueId);
    const target = "queueId" in to ? { toQueueId: to.queueId } : "operatorId" in to ? { toOperatorId: to.operatorId } : { toNumber: to.external };
    this.record({ kind: "call-transferred", at: now, callId: call.id, queueId: call.queueId, operatorId, talkMs, ...target });
    call.firstAnsweredAt ??= call.answeredAt;
    call.operatorId = undefined;
    call.answeredAt = undefined;
    if (op !== undefined) this.afterTalk(op, fromQueue?.settings.wrapUpMs ?? 0, "call-transferred");
    if ("external" in to) {
      // The trunk call is the session's business; the engine waits for `external-transfer-ended`.
      this.clearCallTimers(call);
      call.status = "external";
      call.transferredBy = operatorId;
      return;
    }
    if (targetOp !== undefined) {
      call.directTransfer = true;
      call.transferredBy = operatorId;
      return this.offer(call, [targetOp]);
    }
    const q = targetQueue!;
    call.queueId = q.settings.id;
    // The original arrival orders it among the callers of its level: ahead of everyone who arrived later.
    call.queuedAt = call.arrivedAt;
    call.rank = q.settings.weight + call.priority;
    call.boosted = false;
    this.enqueue(call, q);
    this.scheduleTier(call, q);
  }

  /**
   * The external party of a blind transfer answered (the call leaves the engine, answered) or did not (the caller
   * comes back as from an unanswered transfer to an operator, see {@link missOffer}).
   */
  private externalEnded(call: CallRecord, answered: boolean): void {
    if (call.status !== "external") return this.ignore("external-transfer-ended", `call ${call.id} is not with an external party`);
    if (answered) return this.finish(call, "answered", "call-ended");
    const q = this.state.queues.get(call.queueId);
    const back = call.transferredBy === undefined ? undefined : this.state.operators.get(call.transferredBy);
    call.transferredBy = undefined;
    call.boosted = true;
    call.status = "waiting";
    this.record({ kind: "call-requeued", at: this.state.now, callId: call.id, queueId: call.queueId, why: "transfer-unanswered" });
    this.effects.push({ type: "play-announcement", callId: call.id, announcement: "transfer-returned" });
    if (back !== undefined && back.status === OperatorStatus.Available) return this.offer(call, [back]);
    if (q === undefined) return this.finish(call, "answered", "call-ended");
    this.enqueue(call, q);
  }

  /** An operator's talk is over: wrap-up for `wrapUpMs`, or straight to their next state. */
  private afterTalk(op: OperatorRecord, wrapUpMs: number, reason: string): void {
    if (wrapUpMs > 0) {
      this.setStatus(op, OperatorStatus.WrapUp, reason);
      this.state.timers.set(`wrap-up|${op.id}`, this.state.now + wrapUpMs, { kind: "wrap-up", operatorId: op.id });
    } else {
      this.settle(op, reason);
    }
  }

  // ---------------------------------------------------------------- offers

  private offer(call: CallRecord, operators: readonly OperatorRecord[]): void {
    const q = this.state.queues.get(call.queueId);
    if (q === undefined) return;
    if (call.keepsPlace) {
      // The caller's turn: the callback request instead of an offer; the operators stay free for the next caller.
      this.callbackNow(call, "callback-turn");
      for (const op of operators) this.pendingOperators.add(op.id);
      return;
    }
    q.waiting.remove(call);
    call.status = "offered";
    const deadline = this.state.now + q.settings.ringTimeoutMs;
    for (const op of operators) {
      op.offer = { callId: call.id, deadline };
      op.lastOfferSeq.set(q.settings.id, ++this.state.seq);
      call.offers.add(op.id);
      this.setStatus(op, OperatorStatus.Offered, undefined);
      const timer: Timer = { kind: "ring", callId: call.id, operatorId: op.id };
      this.state.timers.set(timerKey(timer), deadline, timer);
      this.effects.push({ type: "offer", callId: call.id, operatorId: op.id, queueId: call.queueId, callerNumber: call.callerNumber, ringDeadline: deadline });
    }
    this.record({ kind: "call-offered", at: this.state.now, callId: call.id, queueId: call.queueId, operatorIds: operators.map((o) => o.id) });
  }

  /** Cancels one operator's offer without counting a miss (the caller left, or someone else answered). */
  private withdrawOffer(call: CallRecord, operatorId: string, reason: "caller-hung-up" | "answered-elsewhere"): void {
    call.offers.delete(operatorId);
    this.state.timers.delete(`ring|${call.id}|${operatorId}`);
    const op = this.state.operators.get(operatorId);
    if (op === undefined) return;
    op.offer = undefined;
    this.effects.push({ type: "cancel-offer", callId: call.id, operatorId, reason });
    this.settle(op, reason);
  }

  private answer(op: OperatorRecord, call: CallRecord): void {
    const now = this.state.now;
    call.offers.delete(op.id);
    this.state.timers.delete(`ring|${call.id}|${op.id}`);
    op.offer = undefined;
    for (const other of [...call.offers]) this.withdrawOffer(call, other, "answered-elsewhere");
    this.clearCallTimers(call);
    call.status = "connected";
    call.operatorId = op.id;
    call.answeredAt = now;
    call.directTransfer = false;
    call.transferredBy = undefined;
    call.maxWaitDue = false;
    op.callId = call.id;
    op.consecutiveMisses = 0;
    op.callsToday += 1;
    this.setStatus(op, OperatorStatus.OnCall, undefined);
    const q = this.state.queues.get(call.queueId);
    const serviceLevelMs = q?.settings.serviceLevelMs ?? 0;
    const waitedMs = now - call.arrivedAt;
    const transferred = call.firstAnsweredAt !== undefined ? { transferred: true } : {};
    this.record({ kind: "call-answered", at: now, callId: call.id, queueId: call.queueId, operatorId: op.id, waitedMs, serviceLevelMs, withinServiceLevel: waitedMs <= serviceLevelMs, ...transferred });
  }

  /**
   * Ring timeout, decline or the operator vanishing while ringing: the operator gets a miss (and maybe the
   * missed-calls pause), and once no one else rings the caller it goes straight back to the head of its queue.
   */
  private missOffer(op: OperatorRecord, why: MissReason, cancel: boolean): void {
    const callId = op.offer?.callId;
    if (callId === undefined) return;
    const call = this.state.calls.get(callId);
    const now = this.state.now;
    op.offer = undefined;
    this.state.timers.delete(`ring|${callId}|${op.id}`);
    if (cancel) {
      this.effects.push({ type: "cancel-offer", callId, operatorId: op.id, reason: why === "timeout" ? "ring-timeout" : "operator-unavailable" });
    }
    op.consecutiveMisses += 1;
    const q = call === undefined ? undefined : this.state.queues.get(call.queueId);
    if (call !== undefined) {
      call.offers.delete(op.id);
      this.record({ kind: "offer-missed", at: now, callId, queueId: call.queueId, operatorId: op.id, why });
      const retry = q?.settings.retryDelayMs ?? 0;
      if (retry > 0) {
        call.cooldowns.set(op.id, now + retry);
        const timer: Timer = { kind: "retry", callId, operatorId: op.id };
        this.state.timers.set(timerKey(timer), now + retry, timer);
      }
    }
    const maxMissed = q?.settings.maxMissedOffers ?? 0;
    if (maxMissed > 0 && op.consecutiveMisses >= maxMissed && op.presence.loggedIn) {
      this.withdrawPauseRequest(op);
      this.setPause(op, { reason: "missed-calls", since: now, warned: false });
      op.consecutiveMisses = 0;
    }
    this.settle(op, "missed-offer");
    if (call !== undefined && q !== undefined && call.offers.size === 0) {
      if (call.directTransfer) {
        // The operator it was passed to did not take it: back to the operator who transferred it when they are free,
        // else to the head of its queue; with an apology either way.
        const back = call.transferredBy === undefined ? undefined : this.state.operators.get(call.transferredBy);
        call.directTransfer = false;
        call.transferredBy = undefined;
        call.boosted = true;
        this.record({ kind: "call-requeued", at: now, callId, queueId: call.queueId, why: "transfer-unanswered" });
        this.effects.push({ type: "play-announcement", callId, announcement: "transfer-returned" });
        if (back !== undefined && back.status === OperatorStatus.Available) return this.offer(call, [back]);
        return this.enqueue(call, q);
      }
      this.record({ kind: "call-requeued", at: now, callId, queueId: call.queueId, why: "missed" });
      if (call.maxWaitDue) {
        call.status = "waiting";
        return this.leave(call, q.settings.maxWaitAction, "max-wait");
      }
      this.enqueue(call, q);
    }
  }

  // ---------------------------------------------------------------- dispatch

  /** Matches until nothing is pending. Operators first, so a freed operator takes the best caller across queues. */
  private drain(): void {
    for (;;) {
      const queueId = first(this.pendingEmptyQueues);
      if (queueId !== undefined) {
        this.pendingEmptyQueues.delete(queueId);
        this.checkEmpty(queueId);
        continue;
      }
      if (this.breakLineDirty) {
        this.breakLineDirty = false;
        this.advanceBreakLine();
        continue;
      }
      const operatorId = first(this.pendingOperators);
      if (operatorId !== undefined) {
        this.pendingOperators.delete(operatorId);
        const op = this.state.operators.get(operatorId);
        if (op?.status !== OperatorStatus.Available) continue;
        const call = this.bestCallerFor(op);
        if (call === undefined) continue;
        // Ring-all rings everyone eligible, not just the operator who happened to free up first.
        const ringAll = this.state.queues.get(call.queueId)?.settings.strategy === "ring-all";
        this.offer(call, ringAll ? this.bestOperatorsFor(call) : [op]);
        continue;
      }
      const callId = first(this.pendingCalls);
      if (callId === undefined) return;
      this.pendingCalls.delete(callId);
      const call = this.state.calls.get(callId);
      if (call?.status !== "waiting") continue;
      const operators = this.bestOperatorsFor(call);
      if (operators.length > 0) this.offer(call, operators);
    }
  }

  private checkEmpty(queueId: string): void {
    const q = this.state.queues.get(queueId);
    if (q === undefined || q.waiting.size === 0) return;
    const s = q.settings;
    const empty =
      (s.leaveWhen === "none-logged-in" && q.loggedInCount === 0) || (s.leaveWhen === "none-staffed" && q.staffedCount === 0);
    if (!empty) return;
    for (const call of [...q.waiting]) this.leave(call, s.noOperatorsAction, "no-operators");
  }

  /** The best caller, across the operator's queues, that this operator may take now. */
  private bestCallerFor(op: OperatorRecord): CallRecord | undefined {
    let best: CallRecord | undefined;
    for (const [queueId, tier] of op.memberships) {
      const q = this.state.queues.get(queueId);
      if (q === undefined) continue;
      const candidate = this.firstEligible(q, this.state.now - tierDelayMs(q.settings, tier), op.id);
      if (candidate !== undefined && (best === undefined || compareCallers(candidate, best) < 0)) best = candidate;
    }
    return best;
  }

  /**
   * First caller in queue order who has waited since `cutoff` and is not in a retry delay for this operator.
   * Within a priority level callers are in queuedAt order, so when a level's first caller is too recent the whole
   * level is skipped by binary search.
   */
  private firstEligible(q: QueueRecord, cutoff: number, operatorId: string): CallRecord | undefined {
    const list = q.waiting;
    const now = this.state.now;
    let i = 0;
    while (i < list.size) {
      const call = list.at(i) as CallRecord;
      if (call.queuedAt > cutoff) {
        i = list.firstIndexWhere(i, (other) => !samePriorityLevel(other, call));
        continue;
      }
      const until = call.cooldowns.get(operatorId);
      if (until === undefined || until <= now) return call;
      i += 1;
    }
    return undefined;
  }

  /** The operator(s) the queue's strategy picks for this caller: one, or every eligible one for ring-all. */
  private bestOperatorsFor(call: CallRecord): OperatorRecord[] {
    const q = this.state.queues.get(call.queueId);
    if (q === undefined) return [];
    const now = this.state.now;
    const waited = now - call.queuedAt;
    const ringAll = q.settings.strategy === "ring-all";
    const chosen: OperatorRecord[] = [];
    for (const entry of q.idle) {
      // Idle entries are sorted by tier first, and tier delays never decrease: the first too-high tier ends it.
      if (tierDelayMs(q.settings, entry.tier) > waited) break;
      const until = call.cooldowns.get(entry.operatorId);
      if (until !== undefined && until > now) continue;
      const op = this.state.operators.get(entry.operatorId);
      if (op === undefined) continue;
      chosen.push(op);
      if (!ringAll) break;
    }
    return chosen;
  }

  // ---------------------------------------------------------------- deadlines

  private fireDue(): void {
    const { timers, now } = this.state;
    for (let due = timers.popDue(now); due !== undefined; due = timers.popDue(now)) {
      this.fire(due.item);
      this.drain();
    }
  }

  private fire(timer: Timer): void {
    const { operators, calls, queues, now } = this.state;
    if (timer.kind === "wrap-up" || timer.kind === "break-max") {
      const op = operators.get(timer.operatorId);
      if (op === undefined) return;
      if (timer.kind === "wrap-up") {
        if (op.status === OperatorStatus.WrapUp) this.settle(op, "wrap-up-finished");
        return;
      }
      const pause = op.pause;
      if (pause === undefined || pause.warned) return;
      pause.warned = true;
      const max = this.state.options.maxPauseMs[pause.reason] ?? 0;
      this.effects.push({ type: "warn-supervisors", warning: "break-overrun", operatorId: op.id, reason: pause.reason, since: pause.since, overrunMs: now - pause.since - max });
      return;
    }
    const call = calls.get(timer.callId);
    const q = call === undefined ? undefined : queues.get(call.queueId);
    if (call === undefined || q === undefined) return;
    switch (timer.kind) {
      case "ring": {
        const op = operators.get(timer.operatorId);
        if (op?.offer?.callId === call.id) this.missOffer(op, "timeout", true);
        return;
      }
      case "retry":
        call.cooldowns.delete(timer.operatorId);
        if (call.status === "waiting") this.pendingCalls.add(call.id);
        return;
      case "tier":
        if (call.status === "waiting") this.pendingCalls.add(call.id);
        return this.scheduleTier(call, q);
      case "max-wait":
        if (call.status === "offered") call.maxWaitDue = true;
        else if (call.status === "waiting") this.leave(call, q.settings.maxWaitAction, "max-wait");
        return;
      case "position":
      case "periodic": {
        const every = timer.kind === "position" ? q.settings.positionAnnounceEveryMs : q.settings.periodicAnnounceEveryMs;
        if (call.status === "connected" || every === undefined) return;
        if (call.status === "waiting") this.announce(call, q, timer.kind);
        this.setCallTimer(timer.kind, call, now + every);
        return;
      }
    }
  }

  private announce(call: CallRecord, q: QueueRecord, kind: "position" | "periodic"): void {
    if (kind === "periodic") {
      this.effects.push({ type: "play-announcement", callId: call.id, announcement: "periodic" });
      return;
    }
    const position = q.waiting.indexOf(call) + 1;
    // Callers ahead are served by the staffed operators in parallel, one average handle time per round.
    const estimatedWaitMs = Math.ceil(position / Math.max(1, q.staffedCount)) * Math.round(q.avgHandleMs);
    this.effects.push({ type: "play-announcement", callId: call.id, announcement: "position", position, estimatedWaitMs });
  }

  private record(entry: RecordEntry): void {
    this.effects.push({ type: "record", entry });
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const value of set) return value;
  return undefined;
}
