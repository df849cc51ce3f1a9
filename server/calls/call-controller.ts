/**
 * Runs calls: the adapter between the pure queue engine (server/queue) and the world around it.
 * Trunk legs and operator legs (server/telephony), media (rtpengine through CallMedia), the
 * database (call records and the event log) and the operators' desks (Socket.IO).
 *
 * The engine decides (who gets which call, when a ring times out); this class only carries out
 * its effects and feeds it facts. One timer: the engine's next deadline. No polling.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client";
import type { CallPatch, NewCallEvent } from "../../db/queries/calls";
import type { CallOutcome as RecordOutcome, EndedBy } from "../../db/schema";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { DispatchEngine, type Effect, type EngineEvent } from "../queue";
import type { AnnouncementKind } from "../queue/engine-effects";
import type { BoardAlert, BoardOperator, OperatorStateView } from "../realtime/events";
import { OFFER_HEADERS } from "../realtime/events";
import { OperatorLeg, type B2bua, type InboundCallHandler, type TrunkLeg } from "../telephony/b2bua";
import type { CallMedia, CallMediaFactory, Sound } from "./call-media";
import { CallRecords, databaseRecordStore, systemRecordsClock, type RecordsOptions, type RecordWrite } from "./call-records";
import { positionAnnouncement } from "./queue-announcements";

/** Service-level defaults for calls that never reached a queue (issue #2's definitions). */
const DEFAULT_SL_THRESHOLD_S = 20;
const DEFAULT_SHORT_ABANDON_S = 5;

/** The routing state of an operator as the engine last reported it; see CallController.view for the rest. */
type BaseStateView = Omit<OperatorStateView, "pendingPause" | "onShift">;

export interface RoutedNumber {
  numberId: number;
  queueId: number;
  queueName: string;
  slThresholdS: number;
  shortAbandonS: number;
}

export interface CallControllerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  media: CallMediaFactory;
  /** From memory (the runtime keeps the table in step with the database): no query on the way to the operator. */
  routeNumber(dialed: string): RoutedNumber | undefined;
  publishOperatorState(userId: number, state: OperatorStateView): void;
  /** Tells supervisors something needs them (a break running over). */
  alertSupervisors(alert: BoardAlert): void;
  /** Length of each sound, to hang up after a closing announcement has been heard. */
  soundDurationMs(sound: Sound): number;
  /**
   * A VIP caller's priority (higher goes first), or undefined for everyone else. Synchronous: the
   * VIP list is held in memory and refreshed with the queues, so admitting a call costs no query.
   */
  callerPriority?(callerNumber: string): number | undefined;
  /** The record buffer's bound and spill file (see call-records.ts). */
  records?: RecordsOptions;
  /**
   * How long shutdown waits for the database to take the last record writes, ms. Default 5,000: with the media
   * deletes and the final flush, a shutdown stays under the 10 s a container runtime commonly gives before SIGKILL;
   * what is still pending then is spilled to disk, not lost.
   */
  recordsFlushDeadlineMs?: number;
}

/**
 * Setup milestones of one call, reported to {@link CallController.onTiming} (bench/calls measures setup latency
 * from them): the trunk INVITE reached the controller, our 200 OK to the trunk was handed to the transaction layer,
 * an INVITE to an operator was handed to the transaction layer (once per offer). `at` is `performance.now()`.
 */
export interface CallTiming {
  phase: "invite-received" | "trunk-answered" | "operator-invite-sent";
  /** The trunk INVITE's Call-ID. */
  sipCallId: string;
  at: number;
}

interface ActiveCall {
  id: string;
  trunk: TrunkLeg;
  media: CallMedia;
  queueId: number;
  queueName: string;
  offers: Map<string, OperatorLeg>;
  operatorId?: string;
  operator?: OperatorLeg;
  /** Media steps run one after the other per call (rtpengine commands must not overtake each other). */
  chain: Promise<unknown>;
  endedBy?: EndedBy;
  finished: boolean;
  followUp?: NodeJS.Timeout;
  holdMs: number;
  heldSince?: number;
}

/** The message a caller hears before the engine sends them away. */
const GOODBYES: Partial<Record<AnnouncementKind, Sound>> = {
  closed: "closed",
  "max-wait": "max-wait",
  "queue-full": "queue-full",
  "no-operators": "no-operators",
  "callback-registered": "callback-registered",
};

export class CallController implements InboundCallHandler {
  readonly engine: DispatchEngine;
  private readonly calls = new Map<string, ActiveCall>();
  /**
   * What each operator's desk shows is composed of three facts kept apart, so none has to be recomputed when another
   * changes: the routing state (engine effects), a pause asked for but not started (engine effects), and whether
   * they are inside a shift (the shift scheduler, through setShiftStatus). Views touched by one event are published
   * once, at its end.
   */
  private readonly states = new Map<string, BaseStateView>();
  private readonly pendingPauses = new Map<string, NonNullable<OperatorStateView["pendingPause"]>>();
  private shiftStatus = new Map<string, boolean>();
  private readonly changedViews = new Set<string>();
  private readonly lastCallOf = new Map<string, string>();
  private b2bua: B2bua | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Call records and the event log, written behind. */
  readonly records: CallRecords;
  private closing = false;
  /**
   * rtpengine deletes not finished yet, of calls that already left {@link calls}: shutdown awaits them too, so no
   * media session outlives the process.
   */
  private readonly mediaClosing = new Set<Promise<unknown>>();
  /** Optional probe for benchmarks; unset (the default) it costs nothing: its arguments are not even evaluated. */
  onTiming: ((timing: CallTiming) => void) | undefined;

  constructor(private readonly deps: CallControllerDeps) {
    this.engine = new DispatchEngine({}, deps.clock.now());
    this.records = new CallRecords({
      store: databaseRecordStore(deps.db),
      clock: systemRecordsClock(deps.clock),
      logger: deps.logger,
      options: deps.records,
    });
  }

  attach(b2bua: B2bua): void {
    this.b2bua = b2bua;
  }

  /** Feeds the engine a fact and carries out what it decides. */
  dispatch(event: EngineEvent): void {
    let effects: Effect[];
    try {
      effects = this.engine.handle(event, this.deps.clock.now());
    } catch (error) {
      this.deps.logger.error("queue engine refused an event", { event: event.type, error: String(error) });
      return;
    }
    for (const effect of effects) this.apply(effect);
    this.publishViews();
    this.schedule();
  }

  /**
   * Who is inside a shift, for operators who have shifts (the others are absent). The runtime sets it when shifts
   * are loaded and at each shift boundary; the desk and the board show it beside the routing state.
   */
  setShiftStatus(status: ReadonlyMap<string, boolean>): void {
    for (const operatorId of new Set([...this.shiftStatus.keys(), ...status.keys()])) {
      if (this.shiftStatus.get(operatorId) !== status.get(operatorId)) this.changedViews.add(operatorId);
    }
    this.shiftStatus = new Map(status);
    this.publishViews();
  }

  private view(operatorId: string): OperatorStateView | undefined {
    const base = this.states.get(operatorId);
    if (base === undefined) return undefined;
    const pendingPause = this.pendingPauses.get(operatorId);
    const onShift = this.shiftStatus.get(operatorId);
    return { ...base, ...(pendingPause && { pendingPause }), ...(onShift !== undefined && { onShift }) };
  }

  private publishViews(): void {
    for (const operatorId of this.changedViews) {
      const view = this.view(operatorId);
      if (view !== undefined) this.deps.publishOperatorState(Number(operatorId), view);
    }
    this.changedViews.clear();
  }

  operatorState(userId: number): OperatorStateView | undefined {
    return this.view(String(userId));
  }

  allOperatorStates(): BoardOperator[] {
    return [...this.states.keys()].map((id) => ({ userId: Number(id), ...this.view(id)! }));
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const next = this.engine.nextDeadline();
    if (next === undefined || this.closing) return;
    this.timer = setTimeout(() => this.dispatch({ type: "timer" }), Math.max(0, next - this.deps.clock.now()));
    this.timer.unref();
  }

  // ---- trunk side ----------------------------------------------------------------------------

  onInboundCall(trunk: TrunkLeg): void {
    this.onTiming?.({ phase: "invite-received", sipCallId: trunk.sipCallId, at: performance.now() });
    void this.admit(trunk).catch((error) => {
      this.deps.logger.error("inbound call failed", { callId: trunk.sipCallId, error: String(error) });
      trunk.reject(500, "Server Internal Error");
    });
  }

  private async admit(trunk: TrunkLeg): Promise<void> {
    if (this.closing) return trunk.reject(503, "Service Unavailable");
    const arrivedAt = new Date(this.deps.clock.now());
    let route: RoutedNumber | undefined;
    for (const candidate of trunk.dialedCandidates) {
      route = this.deps.routeNumber(candidate);
      if (route) {
        trunk.dialedNumber = candidate;
        break;
      }
    }
    // Every call gets its record, refused and cancelled ones too: wrong numbers and callers who
    // give up at once are part of what a week's review must show. Written behind, like every
    // record write, so the database is never between a caller and an operator.
    const record = { id: randomUUID() };
    this.enqueueWrite({
      op: "insert-call",
      call: {
        id: record.id,
        sipCallId: trunk.sipCallId,
        callerNumber: trunk.callerNumber,
        callerName: trunk.callerName ?? null,
        dialedNumber: trunk.dialedNumber,
        numberId: route?.numberId ?? null,
        queueId: route?.queueId ?? null,
        arrivedAt,
        slThresholdS: route?.slThresholdS ?? DEFAULT_SL_THRESHOLD_S,
        shortAbandonS: route?.shortAbandonS ?? DEFAULT_SHORT_ABANDON_S,
      },
    });
    this.log({ at: arrivedAt, type: "call.arrived", callId: record.id, queueId: route?.queueId ?? null, data: { caller: trunk.callerNumber, dialed: trunk.dialedNumber, sipCallId: trunk.sipCallId } });
    const endNow = (outcome: RecordOutcome, endedBy: EndedBy, endReason: string) =>
      this.writeCall(record.id, { outcome, endedBy, endReason, endedAt: new Date(this.deps.clock.now()) });
    if (!route) {
      this.deps.logger.info("call to an unknown number", { dialed: trunk.dialedNumber });
      trunk.reject(404, "Not Found");
      return endNow("rejected", "system", "unknown-number");
    }
    if (trunk.ended) return endNow("abandoned", "caller", "cancelled");
    const call: ActiveCall = {
      id: record.id,
      trunk,
      media: this.deps.media(record.id, trunk.remoteTag, trunk.fromBrowser ? "browser" : "trunk"),
      queueId: route.queueId,
      queueName: route.queueName,
      offers: new Map(),
      chain: Promise.resolve(),
      finished: false,
      holdMs: 0,
    };
    this.calls.set(call.id, call);
    trunk.onEnded = (reason) => this.trunkEnded(call, reason);
    trunk.onHold = (held) => this.callerHold(call, held);
    trunk.onDtmf = (digit) => this.log({ at: new Date(this.deps.clock.now()), type: "call.dtmf", callId: call.id, data: { digit } });
    // re-INVITE/UPDATE SDP and ACK answers go to the call's media (RFC 3264 §8.3.1, late offer).
    trunk.attachMedia(call.media);

    if (trunk.ended) {
      this.finishMedia(call);
      return endNow("abandoned", "caller", "cancelled");
    }
    let answer: string;
    try {
      answer = await call.media.answerCaller(trunk.offerSdp);
    } catch (error) {
      this.deps.logger.warn("media refused the caller's offer", { callId: call.id, error: String(error) });
      this.calls.delete(call.id);
      trunk.reject(488, "Not Acceptable Here");
      this.writeCall(call.id, { outcome: "failed", endedAt: new Date(this.deps.clock.now()), endedBy: "system", endReason: "media" });
      this.trackMediaClose(call.media.close().catch(() => {}));
      return;
    }
    if (trunk.ended) {
      this.finishMedia(call);
      return endNow("abandoned", "caller", "cancelled");
    }
    trunk.answer(answer);
    this.onTiming?.({ phase: "trunk-answered", sipCallId: trunk.sipCallId, at: performance.now() });
    // Queue first, greeting second: rtpengine's `play media` takes ~20 ms, and an operator who is
    // free must not wait for it (measured by bench/calls/call-setup). The greeting plays while it
    // rings, unless the engine already turned the caller away (hang-up announcement) or an
    // operator answered first.
    this.dispatch({
      type: "caller-entered",
      callId: call.id,
      queueId: String(route.queueId),
      callerNumber: trunk.callerNumber,
      // VIP priority only for a number a trusted trunk asserted (P-Asserted-Identity, RFC 3325): From is the caller's
      // own claim, which anyone can write. 0, not undefined, so the engine's own VIP table is not consulted either.
      priority: trunk.callerAsserted ? this.deps.callerPriority?.(trunk.callerNumber) : 0,
    });
    if (!call.endedBy) this.playThenMusic(call, ["greeting"]);
  }

  /** Hold time is part of AHT: count it from the caller's hold/unhold re-INVITEs. */
  private callerHold(call: ActiveCall, held: boolean): void {
    const now = this.deps.clock.now();
    if (held && call.heldSince === undefined) call.heldSince = now;
    if (!held && call.heldSince !== undefined) {
      call.holdMs += now - call.heldSince;
      call.heldSince = undefined;
      this.writeCall(call.id, { holdMs: call.holdMs });
    }
    this.log({ at: new Date(now), type: held ? "call.hold" : "call.unhold", callId: call.id });
  }

  private trunkEnded(call: ActiveCall, reason: string): void {
    if (call.heldSince !== undefined) this.callerHold(call, false);
    if (call.finished) return;
    // The session timer (RFC 4028) ending a dialog nobody refreshed is the system's doing, not the caller's.
    call.endedBy ??= reason === "local" || reason === "session-expired" ? "system" : "caller";
    this.writeCall(call.id, { endedBy: call.endedBy, endReason: reason === "bye" ? "caller-hung-up" : reason });
    if (call.operator) {
      call.operator.hangup();
      this.dispatch({ type: "call-ended", callId: call.id });
    } else {
      for (const leg of call.offers.values()) leg.cancel();
      this.dispatch({ type: "caller-hung-up", callId: call.id });
    }
    this.finishMedia(call);
  }

  /**
   * An announcement, then hold music when it ends (rtpengine has no playlist). The switch is
   * skipped when the caller reached an operator meanwhile.
   */
  private playThenMusic(call: ActiveCall, sounds: readonly Sound[]): void {
    const [sound, ...rest] = sounds;
    if (sound === undefined) {
      this.enqueueMedia(call, async () => {
        if (!call.operator && !call.finished) await call.media.playToCaller("hold-music", { loop: true });
      });
      return;
    }
    this.enqueueMedia(call, async () => {
      if (call.operator || call.finished) return;
      clearTimeout(call.followUp);
      // rtpengine tells each prompt's length; the next one starts when it ends (no completion event exists).
      const ms = await call.media.playToCaller(sound);
      call.followUp = setTimeout(() => {
        if (!call.operator && !call.finished) this.playThenMusic(call, rest);
      }, ms ?? 0);
      call.followUp.unref();
    });
  }

  private finishMedia(call: ActiveCall): void {
    if (call.finished) return;
    call.finished = true;
    clearTimeout(call.followUp);
    this.calls.delete(call.id);
    this.enqueueMedia(call, () => call.media.close());
    this.trackMediaClose(call.chain);
  }

  private trackMediaClose(done: Promise<unknown>): void {
    const tracked = done.finally(() => this.mediaClosing.delete(tracked));
    this.mediaClosing.add(tracked);
  }

  // ---- operator side -------------------------------------------------------------------------

  private offer(effect: Extract<Effect, { type: "offer" }>): void {
    const call = this.calls.get(effect.callId);
    const binding = this.b2bua?.registrar.binding(Number(effect.operatorId));
    if (!call || !this.b2bua) return;
    if (!binding) {
      // The engine believed the softphone registered; it is not (race with an unregister).
      this.dispatch({ type: "offer-declined", callId: effect.callId, operatorId: effect.operatorId });
      return;
    }
    const leg = new OperatorLeg(this.b2bua, binding);
    call.offers.set(effect.operatorId, leg);
    this.enqueueWrite({ op: "increment-offers", id: call.id });
    leg.onAnswered = (sdp) => this.operatorAnswered(call, effect.operatorId, leg, sdp);
    leg.onFailed = (status) => {
      if (call.offers.get(effect.operatorId) !== leg) return;
      call.offers.delete(effect.operatorId);
      this.enqueueMedia(call, () => call.media.abandonOperatorAttempt(leg.localTag));
      const type = status === 408 || status === 480 ? "offer-timed-out" : "offer-declined";
      this.dispatch({ type, callId: call.id, operatorId: effect.operatorId });
    };
    leg.onEnded = (reason) => this.operatorHungUp(call, effect.operatorId, leg, reason);
    this.enqueueMedia(call, async () => {
      if (leg.ended) return;
      const sdp = await call.media.offerToOperator(leg.localTag);
      // The offer may have been cancelled while rtpengine prepared it.
      if (leg.ended) return;
      leg.send(sdp, [
        [OFFER_HEADERS.callId, call.id],
        [OFFER_HEADERS.caller, call.trunk.callerNumber],
        [OFFER_HEADERS.queue, encodeURIComponent(call.queueName)],
      ], call.trunk.callerNumber);
      if (!leg.ended) this.onTiming?.({ phase: "operator-invite-sent", sipCallId: call.trunk.sipCallId, at: performance.now() });
    });
  }

  private operatorAnswered(call: ActiveCall, operatorId: string, leg: OperatorLeg, sdp: string): void {
    if (call.finished || call.operator) {
      leg.hangup();
      return;
    }
    call.offers.delete(operatorId);
    call.operator = leg;
    call.operatorId = operatorId;
    this.lastCallOf.set(operatorId, call.id);
    clearTimeout(call.followUp);
    this.enqueueMedia(call, () => call.media.operatorAnswered(leg.localTag, sdp));
    this.dispatch({ type: "offer-answered", callId: call.id, operatorId });
  }

  private operatorHungUp(call: ActiveCall, operatorId: string, leg: OperatorLeg, reason: string): void {
    if (call.operator !== leg || call.finished) return;
    // BYE from the operator ends the call; a dead connection is a failure the caller must survive.
    if (reason !== "bye") {
      call.operator = undefined;
      call.operatorId = undefined;
      this.log({ at: new Date(this.deps.clock.now()), type: "call.operator-leg-failed", callId: call.id, operatorId: Number(operatorId) });
      this.enqueueMedia(call, () => call.media.operatorLegLost({ apology: true }));
      this.dispatch({ type: "operator-leg-failed", callId: call.id, operatorId });
      return;
    }
    call.endedBy = "operator";
    this.writeCall(call.id, { endedBy: "operator", endReason: "operator-hung-up" });
    call.trunk.hangup("local");
  }

  // ---- engine effects ------------------------------------------------------------------------

  private apply(effect: Effect): void {
    switch (effect.type) {
      case "offer":
        return this.offer(effect);
      case "cancel-offer": {
        const call = this.calls.get(effect.callId);
        const leg = call?.offers.get(effect.operatorId);
        if (!call || !leg) return;
        call.offers.delete(effect.operatorId);
        leg.cancel();
        this.enqueueMedia(call, () => call.media.abandonOperatorAttempt(leg.localTag));
        return;
      }
      case "play-announcement": {
        const call = this.calls.get(effect.callId);
        if (!call) return;
        // The apology after an operator leg failure is played by operatorLegLost; the rest interrupt the music.
        if (call.operator) return;
        const prompts: Sound[] =
          effect.announcement === "periodic" ? ["periodic"]
          : effect.announcement === "position" && effect.position !== undefined ? positionAnnouncement(effect.position, effect.estimatedWaitMs ?? 0)
          : [];
        if (prompts.length === 0) return;
        this.playThenMusic(call, prompts);
        this.log({
          at: new Date(this.deps.clock.now()),
          type: "call.announcement",
          callId: call.id,
          data: { announcement: effect.announcement, prompts, position: effect.position ?? null, estimatedWaitMs: effect.estimatedWaitMs ?? null },
        });
        return;
      }
      case "hang-up": {
        const call = this.calls.get(effect.callId);
        if (!call) return;
        call.endedBy = "system";
        const goodbye = GOODBYES[effect.announcement] ?? "closed";
        this.enqueueMedia(call, () => call.media.playToCaller(goodbye));
        setTimeout(() => call.trunk.hangup("local"), this.deps.soundDurationMs(goodbye)).unref();
        return;
      }
      case "operator-state-changed": {
        this.states.set(effect.operatorId, { status: effect.status, reason: effect.reason, since: effect.since, presence: { ...effect.presence } });
        this.changedViews.add(effect.operatorId);
        this.log({
          at: new Date(effect.since),
          type: "operator.state",
          operatorId: Number(effect.operatorId),
          // Presence rides along, so logins and logouts (which may not change the status) are in the log too.
          data: { from: effect.previous, to: effect.status, reason: effect.reason ?? null, presence: effect.presence },
        });
        if (effect.previous === "wrap-up") {
          const callId = this.lastCallOf.get(effect.operatorId);
          if (callId) this.writeCall(callId, { wrapUpEndedAt: new Date(effect.since) });
          this.lastCallOf.delete(effect.operatorId);
        }
        return;
      }
      case "record":
        return this.records.record(effect.entry);
      case "warn-supervisors":
        this.deps.alertSupervisors({
          kind: effect.warning,
          userId: Number(effect.operatorId),
          reason: effect.reason,
          since: effect.since,
          overrunMs: effect.overrunMs,
        });
        this.log({ at: new Date(this.deps.clock.now()), type: "queue.warn-supervisors", operatorId: Number(effect.operatorId), data: { ...effect } });
        return;
      case "pause-request-changed":
        if (effect.request) this.pendingPauses.set(effect.operatorId, effect.request);
        else this.pendingPauses.delete(effect.operatorId);
        this.changedViews.add(effect.operatorId);
        this.log({ at: new Date(this.deps.clock.now()), type: "operator.pause-request", operatorId: Number(effect.operatorId), data: { request: effect.request ?? null } });
        return;
      case "create-callback-request": {
        const requestedAt = new Date(this.deps.clock.now());
        const { callId, queueId, callerNumber, reason } = effect;
        this.enqueueWrite({ op: "insert-callback-request", request: { callId, queueId: Number(queueId), callerNumber, reason, requestedAt } });
        this.log({ at: requestedAt, type: "queue.create-callback-request", callId, data: { ...effect } });
        return;
      }
      case "overflow":
        this.log({ at: new Date(this.deps.clock.now()), type: "queue.overflow", callId: effect.callId, data: { ...effect } });
        return;
      case "ignored":
        this.deps.logger.debug("queue engine ignored an event", { event: effect.event, reason: effect.reason });
        return;
    }
  }

  // ---- persistence ---------------------------------------------------------------------------

  private log(event: NewCallEvent): void {
    this.records.log(event);
  }

  private writeCall(id: string, patch: CallPatch): void {
    this.records.writeCall(id, patch);
  }

  private enqueueWrite(write: RecordWrite): void {
    this.records.enqueueWrite(write);
  }

  private enqueueMedia(call: ActiveCall, step: () => Promise<unknown>): void {
    call.chain = call.chain.then(step).catch((error) => this.deps.logger.warn("media step failed", { callId: call.id, error: String(error) }));
  }

  /**
   * Graceful shutdown: takes no new call (INVITEs get 503 from {@link admit}), hangs up every live call (BYE to the
   * trunk and to the operator, CANCEL to ringing operators), waits until rtpengine has deleted every media session
   * of this process (those of calls that ended earlier too), then flushes every pending record write, for at most
   * `recordsFlushDeadlineMs`. Logged. The records' final close (what is left goes to the spill file for the next
   * start) is the process's last step before the database closes, after the desks' last events (boot.ts).
   */
  async close(): Promise<void> {
    const started = performance.now();
    const deadlineMs = this.deps.recordsFlushDeadlineMs ?? 5_000;
    this.closing = true;
    clearTimeout(this.timer);
    const live = [...this.calls.values()];
    for (const call of live) {
      call.endedBy = "system";
      call.trunk.hangup("local");
    }
    // Hang-ups move each call's media delete onto its chain; calls still in the list (none normally) are awaited too.
    await Promise.all([...this.calls.values()].map((c) => c.chain));
    while (this.mediaClosing.size > 0) await Promise.all([...this.mediaClosing]);
    const mediaMs = Math.round(performance.now() - started);
    const flushed = await this.records.flushWithin(deadlineMs);
    const log = flushed ? this.deps.logger.info : this.deps.logger.error;
    log.call(this.deps.logger, "call controller stopped", { callsHungUp: live.length, mediaMs, recordsFlushed: flushed, records: this.records.status(), ms: Math.round(performance.now() - started) });
  }
}
