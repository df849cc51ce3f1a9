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
import { NgTimeoutError, NgUnavailableError, NoMediaInstanceError } from "../media";
import { DispatchEngine, type Effect, type EngineEvent } from "../queue";
import type { AnnouncementKind } from "../queue/engine-effects";
import type { BoardAlert, BoardOperator, OperatorStateView } from "../realtime/events";
import { OFFER_HEADERS } from "../realtime/events";
import { OperatorLeg, type B2bua, type InboundCallHandler, type ReofferResult, type TrunkLeg } from "../telephony/b2bua";
import type { CallMedia, CallMediaFactory, Sound } from "./call-media";
import { CallRecords, databaseRecordStore, systemRecordsClock, type RecordsOptions, type RecordWrite } from "./call-records";
import { positionAnnouncement } from "./queue-announcements";
import type { HoursRoute } from "../hours/hours-runtime";

/** Service-level defaults for calls that never reached a queue (issue #2's definitions). */
const DEFAULT_SL_THRESHOLD_S = 20;
const DEFAULT_SHORT_ABANDON_S = 5;

/**
 * Retry-After of the 503 a trunk gets when no media relay can take its call (RFC 3261 §21.5.4, §20.33), seconds:
 * about how long the supervisor needs to bring a dead rtpengine back, with margin.
 */
export const NO_MEDIA_RETRY_AFTER_S = 30;

/**
 * How long a call whose rtpengine died waits for an instance to be up again (the supervisor restarts a dead child
 * in about 0.3 s) before it is given up as `media-lost`, ms. The caller hears silence meanwhile.
 */
export const MEDIA_RECOVERY_WAIT_MS = 5000;

/**
 * How long a new call waits for a media instance when none is up (a supervised rtpengine restarting), ms, before
 * the trunk gets 503 (`no-media`). The trunk's INVITE transaction has already sent 100 Trying.
 */
export const ADMISSION_MEDIA_WAIT_MS = 2000;

/**
 * Why a call's media failed, as written to the record's `end_reason` (outcome `failed`):
 * - `media-timeout`: rtpengine saw no RTP from anyone within its timeout (a trunk gone without BYE);
 * - `media-lost`: the rtpengine instance holding the call died or restarted, and the call could not be moved;
 * - `no-media`: no rtpengine instance could take the call at admission (the trunk got 503).
 */
export type MediaFailure = "media-timeout" | "media-lost" | "no-media";

/** Trunk-leg end reasons that are Hotline's doing, not the caller's (the record's `ended_by` is `system`). */
const SYSTEM_END_REASONS: ReadonlySet<string> = new Set(["local", "session-expired", "server-error"]);

/** The routing state of an operator as the engine last reported it; see CallController.view for the rest. */
type BaseStateView = Omit<OperatorStateView, "pendingPause" | "onShift">;

export interface RoutedNumber {
  numberId: number;
  queueId: number;
  queueName: string;
  slThresholdS: number;
  shortAbandonS: number;
  /** Hours (issue 11): the number's language, greeting, and what a caller hears when it does not answer now. */
  hours?: HoursRoute;
  /** Hours: the prompt file of a sound in the number's language. */
  localize?(sound: Sound): Sound;
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
   * Resolves true once some media instance is up (false after `timeoutMs` ms): lets a call whose rtpengine died be
   * re-created on a live one. Without it, such calls simply end (`media-lost`).
   */
  mediaReady?(timeoutMs: number): Promise<boolean>;
  /**
   * rtpengine's media timeout (RTPENGINE_TIMEOUT_S), ms. When set, bridged calls are watched for a caller gone
   * silent (see {@link CallController.watchBridgedMedia}); queued calls are ended by rtpengine's own timeout.
   */
  mediaTimeoutMs?: number;
  /**
   * True when rtpengine reports its own media timeouts (the supervised instance, through `--b2b-url`): then only
   * bridged calls are watched. False (external instances, whose command line Hotline does not set): every call is.
   */
  mediaTimeoutEvents?: boolean;
  /**
   * rtpengine's silent timeout (RTPENGINE_SILENT_TIMEOUT_S), ms: how long a caller may stay on hold. A media timeout
   * reported while the caller holds is not a dead trunk before this (see {@link CallController.mediaTimedOut}).
   */
  mediaSilentTimeoutMs?: number;
  /**
   * A VIP caller's priority (higher goes first), or undefined for everyone else. Synchronous: the
   * VIP list is held in memory and refreshed with the queues, so admitting a call costs no query.
   */
  callerPriority?(callerNumber: string): number | undefined;
  /** An operator's wrap-up is over (Done, or its time ran out): their open wrap-up draft is saved as it stands. */
  wrapUpEnded?(operatorId: number): void;
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
  /** Set when the call ends because its media failed: the record is closed as `failed` with this reason. */
  mediaFailure?: MediaFailure;
  /** Times the call's media was re-created on a live rtpengine after its instance died. */
  mediaRecoveries?: number;
  /**
   * Operator attempts ringing when the media was lost: their INVITE's SDP points at the dead session. If one answers,
   * its media is moved by a re-INVITE (see moveOperatorMedia) instead of applying its answer.
   */
  staleOffers?: Set<OperatorLeg>;
  /**
   * rtpengine dropped the media while the caller was on hold (it was not told about the hold): re-created when the
   * caller resumes; the timer ends the call if the hold outlasts the silent timeout.
   */
  mediaExpiredOnHold?: NodeJS.Timeout;
  /** Operator media moves so far, for fresh attempt tags. */
  mediaMoves?: number;
  /** The media the operator leg was last moved onto by re-INVITE (a second move onto the same one is skipped). */
  operatorMovedOnto?: CallMedia;
  /** Hours (issue 11): the prompt file of a sound in the number's language. */
  localize?(sound: Sound): Sound;
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
  /** One timer for all bridged calls' media checks (see watchBridgedMedia); calls whose check is in flight. */
  private mediaWatch: NodeJS.Timeout | undefined;
  private readonly mediaChecks = new Set<string>();
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
    if (deps.mediaTimeoutMs !== undefined) {
      const periodMs = Math.max(1000, Math.round(deps.mediaTimeoutMs / 2));
      this.mediaWatch = setInterval(() => this.watchBridgedMedia(), periodMs);
      this.mediaWatch.unref();
    }
  }

  /**
   * A trunk gone without BYE while bridged: rtpengine's own timeout never fires then, since the operator's side still
   * sends (a call is kept while ANY of its streams receives). So one timer, every half media timeout, asks rtpengine
   * (`query`, read-only) when each bridged caller last sent media; a caller silent for the whole media timeout, and
   * not on hold (by its re-INVITE, or by rtpengine's view of its SDP), ends the call as `media-timeout`. Bounded
   * work: one query per bridged call (at most one per operator), never two in flight for one call. No event exists
   * for this in rtpengine 10.5 (no per-party timeout, and `--b2b-url` only reports whole calls). Without rtpengine's
   * own notifications ({@link CallControllerDeps.mediaTimeoutEvents} false), queued calls are checked the same way.
   */
  private watchBridgedMedia(): void {
    const timeoutMs = this.deps.mediaTimeoutMs;
    if (timeoutMs === undefined || this.closing) return;
    const queuedToo = this.deps.mediaTimeoutEvents === false;
    // rtpengine's `last packet` is wall-clock seconds: compare with the wall clock, not the injected one.
    const nowS = Math.floor(Date.now() / 1000);
    for (const call of this.calls.values()) {
      if ((!call.operator && !queuedToo) || call.finished || call.heldSince !== undefined || this.mediaChecks.has(call.id)) continue;
      const check = call.media.callerSilenceS?.(nowS);
      if (!check) continue;
      this.mediaChecks.add(call.id);
      void check
        .then((silentS) => {
          if (silentS !== undefined && silentS * 1000 >= timeoutMs && (call.operator || queuedToo) && call.heldSince === undefined) {
            this.mediaTimedOut(call.id);
          }
        })
        .finally(() => this.mediaChecks.delete(call.id));
    }
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
    const media = await this.mediaForNewCall(record.id, trunk);
    if (!media) {
      if (trunk.ended) return endNow("abandoned", "caller", "cancelled");
      this.rejectForNoMedia(trunk);
      return endNow("failed", "system", "no-media");
    }
    const call: ActiveCall = {
      id: record.id,
      trunk,
      media,
      queueId: route.queueId,
      queueName: route.queueName,
      offers: new Map(),
      chain: Promise.resolve(),
      finished: false,
      holdMs: 0,
      localize: route.localize,
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
      // The media failed the call meanwhile (its instance died): mediaFailed already ended and recorded it.
      if (call.mediaFailure) return;
      this.deps.logger.warn("media refused the caller's offer", { callId: call.id, error: String(error) });
      this.calls.delete(call.id);
      // An instance that does not answer is no media at all (503, try later), not an offer we cannot accept (488).
      const unreachable = error instanceof NgTimeoutError || error instanceof NgUnavailableError;
      if (unreachable) this.rejectForNoMedia(trunk);
      else trunk.reject(488, "Not Acceptable Here");
      this.writeCall(call.id, { outcome: "failed", endedAt: new Date(this.deps.clock.now()), endedBy: "system", endReason: unreachable ? "no-media" : "media" });
      this.trackMediaClose(call.media.close().catch(() => {}));
      return;
    }
    if (trunk.ended) {
      this.finishMedia(call);
      if (call.mediaFailure) return;
      return endNow("abandoned", "caller", "cancelled");
    }
    trunk.answer(answer);
    this.onTiming?.({ phase: "trunk-answered", sipCallId: trunk.sipCallId, at: performance.now() });
    // ---- hours (issue 11): a number outside its hours plays its closed message and hangs up (outcome closed) ----
    if (route.hours?.closed) return this.playClosed(call, route.hours.closed);
    // ---- end hours ----
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
    if (!call.endedBy) this.playThenMusic(call, [route.hours?.greeting ?? "greeting"]);
  }

  /**
   * Hours (issue 11): the closed message, with the next opening, then hang up. The engine never sees the call;
   * its record is closed here: outcome `closed`, ended by the system (or by the caller who hung up first).
   */
  private playClosed(call: ActiveCall, closed: NonNullable<HoursRoute["closed"]>): void {
    call.endedBy = "system";
    const prompts = closed.prompts.map((p) => call.localize?.(p as Sound) ?? (p as Sound));
    this.log({ at: new Date(this.deps.clock.now()), type: "call.announcement", callId: call.id, data: { announcement: "closed", prompts } });
    const ended = call.trunk.onEnded;
    call.trunk.onEnded = (reason) => {
      const byCaller = reason === "bye";
      if (byCaller) call.endedBy = "caller";
      ended?.(reason);
      this.writeCall(call.id, { outcome: "closed", endedAt: new Date(this.deps.clock.now()), ...(!byCaller && { endReason: closed.endReason }) });
    };
    let totalMs = 0;
    for (const sound of prompts) {
      const startMs = totalMs;
      totalMs += this.deps.soundDurationMs(sound);
      const timer = setTimeout(() => this.enqueueMedia(call, () => call.media.playToCaller(sound)), startMs);
      timer.unref();
    }
    setTimeout(() => call.trunk.hangup("local"), totalMs).unref();
  }

  /**
   * The media of a new call, on an instance that is up; when none is, waits up to {@link ADMISSION_MEDIA_WAIT_MS} for
   * one (a restart in progress) and tries once more. Undefined: no media relay for this call.
   */
  private async mediaForNewCall(callId: string, trunk: TrunkLeg): Promise<CallMedia | undefined> {
    const create = () => this.deps.media(callId, trunk.remoteTag, trunk.fromBrowser ? "browser" : "trunk");
    try {
      return create();
    } catch (error) {
      if (!(error instanceof NoMediaInstanceError)) throw error;
    }
    if (this.deps.mediaReady && (await this.deps.mediaReady(ADMISSION_MEDIA_WAIT_MS)) && !trunk.ended) {
      try {
        return create();
      } catch (error) {
        if (!(error instanceof NoMediaInstanceError)) throw error;
      }
    }
    this.deps.logger.warn("no media relay for a new call", { callId, sipCallId: trunk.sipCallId });
    return undefined;
  }

  /**
   * Gives a connected operator leg the call's current media: a new WebRTC offer from rtpengine (a fresh attempt tag),
   * sent by re-INVITE (RFC 3261 §14.1), and the softphone's answer applied. Used after the media moved to another
   * rtpengine, for the bridged operator or for one who answers an offer made before the move. Resolves true when
   * bridged; if the softphone refuses, that leg ends and the caller, after an apology, is queued again (as when an
   * operator's line drops), and it resolves false.
   */
  private async moveOperatorMedia(call: ActiveCall, operatorId: string, operator: OperatorLeg): Promise<boolean> {
    if (call.finished || call.operator !== operator) return false;
    const media = call.media;
    if (call.operatorMovedOnto === media) return true;
    call.mediaMoves = (call.mediaMoves ?? 0) + 1;
    const attempt = `${operator.localTag}-m${call.mediaMoves}`;
    const offer = await media.offerToOperator(attempt);
    // We generated the operator dialog's Call-ID: 2.1 to 4 s after a glare (§14.1).
    const reply = await retryAfterGlare(() => operator.reoffer(offer), 2100);
    if (call.finished || call.operator !== operator) return false;
    if (reply.status < 300 && reply.sdp) {
      await media.operatorAnswered(attempt, reply.sdp);
      call.operatorMovedOnto = media;
      return true;
    }
    this.deps.logger.warn("operator refused the re-INVITE moving the media", { callId: call.id, status: reply.status });
    operator.hangup();
    call.operator = undefined;
    call.operatorId = undefined;
    await media.abandonOperatorAttempt(attempt);
    this.log({ at: new Date(this.deps.clock.now()), type: "call.operator-leg-failed", callId: call.id, operatorId: Number(operatorId) });
    this.dispatch({ type: "operator-leg-failed", callId: call.id, operatorId });
    if (!call.operator && !call.finished) {
      const ms = await media.playToCaller("apology");
      call.followUp = setTimeout(() => !call.operator && !call.finished && this.playThenMusic(call, []), ms ?? 0);
      call.followUp.unref();
    }
    return false;
  }

  /** RFC 3261 §21.5.4: 503 tells the trunk we cannot take calls now; Retry-After (§20.33) says when to try again. */
  private rejectForNoMedia(trunk: TrunkLeg): void {
    trunk.reject(503, "Service Unavailable", [["Retry-After", String(NO_MEDIA_RETRY_AFTER_S)]]);
  }

  /**
   * rtpengine dropped the call for lack of RTP (its `--timeout`; streams on hold use `--silent-timeout`): the trunk is
   * gone without a BYE. Ends the call with BYE on both legs; the record is closed as failed, `media-timeout`.
   * `callId` is rtpengine's call id, i.e. the call record's id. Unknown or finished calls are ignored.
   *
   * A caller on hold (by re-INVITE) is not dead media: if rtpengine dropped such a call (it applies `--timeout` when
   * the hold's SDP did not reach it with a mirrored answer), the media is re-created when the caller resumes
   * ({@link mediaLost}'s path), and the call ends only if the hold outlasts the silent timeout.
   */
  mediaTimedOut(callId: string): void {
    const call = this.calls.get(callId);
    if (call && call.heldSince !== undefined && !call.finished && call.mediaExpiredOnHold === undefined) {
      const heldMs = this.deps.clock.now() - call.heldSince;
      const leftMs = Math.max(0, (this.deps.mediaSilentTimeoutMs ?? 0) - heldMs);
      this.log({ at: new Date(this.deps.clock.now()), type: "call.media-expired-on-hold", callId, queueId: call.queueId, data: { heldMs } });
      call.mediaExpiredOnHold = setTimeout(() => {
        if (call.heldSince !== undefined) this.mediaFailed(callId, "media-timeout");
      }, leftMs);
      call.mediaExpiredOnHold.unref();
      return;
    }
    this.mediaFailed(callId, "media-timeout");
  }

  /**
   * The rtpengine instance holding the call died or restarted: its media is gone. The call is re-created on a live
   * instance when one is up within {@link MEDIA_RECOVERY_WAIT_MS} (see {@link recoverMedia}): offer/answer again, then
   * a re-INVITE of the trunk and of a bridged operator with the new SDP. If that fails, the call ends with BYE on
   * both legs (the caller leaves the queue, so no operator is offered it) and the record is closed as failed,
   * `media-lost`. Runs on the call's media chain, so no other media step of the call interleaves.
   */
  mediaLost(callId: string): void {
    const call = this.calls.get(callId);
    if (!call || call.finished || call.mediaFailure) return;
    if (!this.deps.mediaReady) return this.mediaFailed(callId, "media-lost");
    this.log({ at: new Date(this.deps.clock.now()), type: "call.media-lost", callId, queueId: call.queueId, data: { bridged: call.operator !== undefined } });
    // Operators still ringing were offered media that is gone: they keep ringing, and the one who answers gets the
    // new media by re-INVITE.
    for (const leg of call.offers.values()) (call.staleOffers ??= new Set()).add(leg);
    call.chain = call.chain
      .then(() => this.recoverMedia(call))
      .catch((error: unknown) => {
        this.deps.logger.warn("call media could not be re-created", { callId, error: String(error) });
        this.mediaFailed(callId, "media-lost");
      });
  }

  /**
   * Re-creates a call's media on a live rtpengine: the caller's offer again (a new session, new ports), a re-INVITE
   * of the trunk with the new SDP (RFC 3261 §14.1; the o= line continues our previous one, RFC 3264 §8), then, for a
   * bridged call, a new WebRTC offer re-INVITEd to the operator and its answer applied. A queued caller hears hold
   * music again. If the operator's re-INVITE fails, the operator leg ends and the caller, after an apology, is
   * queued again (as when an operator's line drops). Throws when the call cannot be kept (no instance, rtpengine
   * error, trunk refused): the caller then ends the call as `media-lost`.
   */
  private async recoverMedia(call: ActiveCall): Promise<void> {
    if (call.finished) return;
    if (!(await this.deps.mediaReady!(MEDIA_RECOVERY_WAIT_MS))) throw new Error("no media instance came up");
    if (call.finished) return;
    const browser = call.trunk.fromBrowser;
    const media = this.deps.media(call.id, call.trunk.remoteTag, browser ? "browser" : "trunk");
    call.media = media;
    // A trunk caller gets a fresh offer from the new instance (as for a late offer: RFC 3264's offer in our re-INVITE,
    // the trunk's answer back to rtpengine), so what the trunk says now counts, not its first INVITE. A browser
    // caller's ICE/DTLS description is re-used as the offer.
    const offer = await media.answerCaller(browser ? call.trunk.offerSdp : "");
    if (call.finished) return;
    // The trunk generated the dialog's Call-ID, so after a glare (491) we wait 0 to 2 s before trying again (§14.1).
    const trunk = await retryAfterGlare(() => call.trunk.reoffer(offer), 0);
    if (trunk.status >= 300) throw new Error(`trunk refused the re-INVITE: ${trunk.status}`);
    if (call.finished) return;
    if (!browser) {
      if (!trunk.sdp) throw new Error("the trunk's 2xx to our re-INVITE had no SDP answer");
      await media.callerAnswered!(trunk.sdp);
    }
    call.mediaRecoveries = (call.mediaRecoveries ?? 0) + 1;
    const operator = call.operator;
    const operatorId = call.operatorId;
    let bridged = false;
    if (operator && operatorId) bridged = await this.moveOperatorMedia(call, operatorId, operator);
    else if (!call.operator) await media.playToCaller("hold-music", { loop: true });
    this.log({ at: new Date(this.deps.clock.now()), type: "call.media-recovered", callId: call.id, queueId: call.queueId, data: { bridged, recoveries: call.mediaRecoveries } });
  }

  private mediaFailed(callId: string, failure: MediaFailure): void {
    const call = this.calls.get(callId);
    if (!call || call.finished || call.mediaFailure) return;
    call.mediaFailure = failure;
    call.endedBy = "system";
    const at = new Date(this.deps.clock.now());
    this.deps.logger.warn("call media failed", { callId, failure, sipCallId: call.trunk.sipCallId, bridged: call.operator !== undefined });
    this.log({ at, type: "call.media-failed", callId, queueId: call.queueId, data: { failure, bridged: call.operator !== undefined } });
    // BYE to the trunk (480 if not answered yet); trunkEnded then ends the operator leg and takes the caller out of
    // the engine, whose call-finished record is written first: this patch, queued after it, has the last word.
    call.trunk.hangup("local");
    this.writeCall(callId, { outcome: "failed", endedBy: "system", endReason: failure, endedAt: at });
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
    if (!held && call.mediaExpiredOnHold !== undefined) {
      clearTimeout(call.mediaExpiredOnHold);
      call.mediaExpiredOnHold = undefined;
      // rtpengine dropped the media during the hold: the caller is back, so the media is re-created and re-INVITEd.
      if (!call.trunk.ended && !call.finished) this.mediaLost(call.id);
    }
  }

  private trunkEnded(call: ActiveCall, reason: string): void {
    if (call.heldSince !== undefined) this.callerHold(call, false);
    if (call.finished) return;
    // The session timer (RFC 4028) or an error answered by the transaction layer is the system's doing too.
    call.endedBy ??= SYSTEM_END_REASONS.has(reason) ? "system" : "caller";
    const endReason = this.closing ? "shutdown" : reason === "bye" ? "caller-hung-up" : reason;
    this.writeCall(call.id, { endedBy: call.endedBy, endReason });
    if (call.operator) {
      call.operator.hangup();
      this.dispatch({ type: "call-ended", callId: call.id });
    } else {
      for (const leg of call.offers.values()) leg.cancel();
      this.dispatch({ type: "caller-hung-up", callId: call.id });
      // A queued caller cut off by our shutdown did not give up: not an abandon in the figures (written after the
      // engine's record, in order).
      if (this.closing) this.writeCall(call.id, { outcome: "failed" });
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
      const ms = await call.media.playToCaller(call.localize?.(sound) ?? sound);
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
    clearTimeout(call.mediaExpiredOnHold);
    this.calls.delete(call.id);
    // Not behind the call's chain: a step there may be waiting on the media itself (a late offer's answer that will
    // never come now), and the media orders its own rtpengine commands. Steps still queued see `finished` and skip.
    this.trackMediaClose(call.media.close().catch((error) => this.deps.logger.warn("media close failed", { callId: call.id, error: String(error) })));
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
    if (call.staleOffers?.delete(leg)) this.enqueueMedia(call, () => this.moveOperatorMedia(call, operatorId, leg));
    else this.enqueueMedia(call, () => call.media.operatorAnswered(leg.localTag, sdp));
    this.dispatch({ type: "offer-answered", callId: call.id, operatorId });
  }

  private operatorHungUp(call: ActiveCall, operatorId: string, leg: OperatorLeg, reason: string): void {
    if (call.operator !== leg || call.finished) return;
    // BYE from the operator ends the call; a dead connection is a failure the caller must survive.
    if (reason !== "bye") {
      call.operator = undefined;
      call.operatorId = undefined;
      this.log({ at: new Date(this.deps.clock.now()), type: "call.operator-leg-failed", callId: call.id, operatorId: Number(operatorId) });
      this.enqueueMedia(call, () => call.media.operatorLegLost({ apology: call.localize?.("apology") ?? true }));
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
          // Hours (issue 11): the log names the files of the number's language.
          data: { announcement: effect.announcement, prompts: prompts.map((p) => call.localize?.(p) ?? p), position: effect.position ?? null, estimatedWaitMs: effect.estimatedWaitMs ?? null },
        });
        return;
      }
      case "hang-up": {
        const call = this.calls.get(effect.callId);
        if (!call) return;
        call.endedBy = "system";
        const base = GOODBYES[effect.announcement] ?? "closed";
        const goodbye = call.localize?.(base) ?? base;
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
          this.deps.wrapUpEnded?.(Number(effect.operatorId));
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
    call.chain = call.chain.then(() => (call.finished ? undefined : step())).catch((error) => this.deps.logger.warn("media step failed", { callId: call.id, error: String(error) }));
  }

  /**
   * Graceful shutdown: takes no new call (INVITEs get 503 from {@link admit}), hangs up every live call (BYE to the
   * trunk and to the operator, CANCEL to ringing operators), logs every operator out of the queues, waits until rtpengine has deleted every media session
   * of this process (those of calls that ended earlier too), then flushes every pending record write, for at most
   * `recordsFlushDeadlineMs`. Logged. The records' final close (what is left goes to the spill file for the next
   * start) is the process's last step before the database closes, after the desks' last events (boot.ts).
   */
  async close(): Promise<void> {
    const started = performance.now();
    const deadlineMs = this.deps.recordsFlushDeadlineMs ?? 5_000;
    this.closing = true;
    clearTimeout(this.timer);
    clearInterval(this.mediaWatch);
    const live = [...this.calls.values()];
    for (const call of live) {
      call.endedBy = "system";
      call.trunk.hangup("local");
    }
    // Operators still logged in go offline in the log now, so a clean restart finds no state left open.
    for (const [operatorId, view] of this.states) {
      if (view.status !== "offline") this.dispatch({ type: "operator-logged-out", operatorId });
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

/**
 * Sends a re-INVITE and, if it meets a re-INVITE of the other side (491 Request Pending), sends it once more after a
 * random wait of `minMs` to `minMs + 1900` ms (RFC 3261 §14.1: 2.1-4 s when we own the Call-ID, 0-2 s when not).
 */
async function retryAfterGlare(send: () => Promise<ReofferResult>, minMs: number): Promise<ReofferResult> {
  const first = await send();
  if (first.status !== 491) return first;
  await new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * 1900));
  return send();
}
