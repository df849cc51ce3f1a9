/**
 * Runs calls: the adapter between the pure queue engine (server/queue) and the calls it decides about.
 * Each call is a {@link CallSession} (its legs, media steps and hold timing); this class admits new calls, maps the
 * engine's effects to sessions (offer, cancel, announce, send away) and to the operators' views
 * ({@link OperatorViews}) and records, and feeds the engine what sessions report. One timer: the engine's next
 * deadline. No polling.
 */
import { callerGoneOutcome } from "../telephony/leg-signalling";
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client";
import type { CallOutcome as RecordOutcome, EndedBy } from "../../db/schema";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { NoMediaInstanceError } from "../media";
import { DispatchEngine, type Effect, type EngineEvent } from "../queue";
import { isCallbackNumber } from "../queue/callback-number";
import type { BoardAlert, BoardOperator, OperatorStateView } from "../realtime/events";
import type { InboundCallHandler } from "../telephony/b2bua";
import type { Binding } from "../telephony/registrar";
import type { TrunkLeg } from "../telephony/trunk-leg";
import type { CallMedia, CallMediaFactory, Sound } from "./call-media";
import { CallRecords, databaseRecordStore, systemRecordsClock, type RecordStore, type RecordsOptions } from "./call-records";
import type { ExternalDialler } from "./external-party";
import { CallSession } from "./call-session";
import { mediaRefusal } from "./media-refusal";
import type { ConsultClaim } from "./session/consultation";
import type { CallRequestResult, CallSessionHost, CallSessionInit, CallerLeg, OperatorLegPort } from "./session/session-ports";
import type { HoursRoute } from "../hours/hours-runtime";
import type { MenuChoice } from "../hours/caller-menu";
import type { PromptLanguage } from "../../db/enums";
import { OperatorViews } from "./operator-views";
import { positionAnnouncement } from "./queue-announcements";
import { shouldRecord } from "../recordings/sampling";
import type { RecordedCall } from "../recordings/recording-service";
import type { VoicemailEnded } from "../voicemail/voicemail-service";

export { MEDIA_RECOVERY_WAIT_MS } from "./session/media-recovery";
export type { MediaFailure } from "./session/session-ports";

/** Service-level defaults for calls that never reached a queue (issue #2's definitions). */
const DEFAULT_SL_THRESHOLD_S = 20;
const DEFAULT_SHORT_ABANDON_S = 5;

/**
 * Retry-After of the 503 a trunk gets when no media relay can take its call (RFC 3261 §21.5.4, §20.33), seconds:
 * about how long the supervisor needs to bring a dead rtpengine back, with margin.
 */
export const NO_MEDIA_RETRY_AFTER_S = 30;

/**
 * How long a new call waits for a media instance when none is up (a supervised rtpengine restarting), ms, before
 * the trunk gets 503 (`no-media`). The trunk's INVITE transaction has already sent 100 Trying.
 */
export const ADMISSION_MEDIA_WAIT_MS = 2000;

/** What an operator asks of the call they are on (the desk's requests, validated in desk-bridge.ts). */
export type CallRequest =
  | { action: "hold" }
  | { action: "resume" }
  | { action: "dtmf"; digit: string }
  | { action: "transfer"; to: { queueId: number } | { operatorId: number } }
  | { action: "consult-complete" }
  | { action: "consult-cancel" };

export interface RoutedNumber {
  numberId: number;
  queueId: number;
  queueName: string;
  slThresholdS: number;
  shortAbandonS: number;
  /** The number's language, greeting, and what a caller hears when it does not answer now (server/hours). */
  hours?: HoursRoute;
  /** The prompt file of a sound in the number's language (server/hours). */
  localize?(sound: Sound): Sound;
  /** The queue records its calls (server/recordings): the share recorded (percent) and the retention (days, null: kept). */
  recording?: { samplePct: number; retentionDays: number | null };
  /** The prompt file of a sound in another language (a caller menu's language option). */
  localizeIn?(language: PromptLanguage): (sound: Sound) => Sound;
}

export interface CallControllerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  media: CallMediaFactory;
  /** Where call records go; default the database (`db`). Unit tests give an in-memory store. */
  recordStore?: RecordStore;
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
  /** Stores recorded calls' recordings (server/recordings); without it no call is recorded. */
  recordings?: { callEnded(call: RecordedCall): unknown };
  /** Stores voicemails (server/voicemail); without it a message is recorded but not kept. */
  voicemail?: { callEnded(call: VoicemailEnded): unknown };
  /** A draw in [0, 1) for recording sampling. Default Math.random. */
  random?(): number;
  /** A queue's name by id (transfers name the queue to the next operator's softphone). */
  queueName?(queueId: number): string | undefined;
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
 * the queue engine offered the call to an operator, an INVITE to an operator was handed to the transaction layer
 * (these two once per offer). `at` is `performance.now()`.
 */
export interface CallTiming {
  phase: "invite-received" | "trunk-answered" | "operator-offered" | "operator-invite-sent";
  /** The trunk INVITE's Call-ID. */
  sipCallId: string;
  /** The call record's id (also the call's rtpengine call id), once the call has one. */
  callId?: string;
  at: number;
}

/** Where the controller gets operator legs: the B2BUA (its registrar's bindings); a fake in unit tests. */
export interface OperatorLegSource {
  registrar: { binding(userId: number): Binding | undefined };
  createOperatorLeg(binding: Binding): OperatorLegPort;
}

export class CallController implements InboundCallHandler {
  readonly engine: DispatchEngine;
  private readonly sessions = new Map<string, CallSession>();
  /** Told when a call ends or leaves its operator (listen and whisper end then, server/monitoring). */
  readonly callChanges = new Set<(callId: string, reason: "call-ended" | "operator-changed" | "media-lost") => void>();
  /** What each operator's desk and the board show. */
  private readonly views: OperatorViews;
  /** operatorId -> the call they talked on last (its record gets the wrap-up's end). */
  private readonly lastCallOf = new Map<string, string>();
  private legs: OperatorLegSource | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Call records and the event log, written behind. */
  readonly records: CallRecords;
  private closing = false;
  /**
   * rtpengine deletes not finished yet, of calls that already left {@link sessions}: shutdown awaits them too, so no
   * media session outlives the process.
   */
  private readonly mediaClosing = new Set<Promise<unknown>>();
  /** One timer for all bridged calls' media checks (see watchBridgedMedia); calls whose check is in flight. */
  private mediaWatch: NodeJS.Timeout | undefined;
  private readonly mediaChecks = new Set<string>();
  /** Calls to external numbers through the trunk (set by server/outbound once a trunk route exists). */
  externalDialler: ExternalDialler | undefined;
  /** Optional probe for benchmarks; unset (the default) it costs nothing: its arguments are not even evaluated. */
  onTiming: ((timing: CallTiming) => void) | undefined;

  constructor(private readonly deps: CallControllerDeps) {
    this.engine = new DispatchEngine({}, deps.clock.now());
    this.views = new OperatorViews((userId, view) => deps.publishOperatorState(userId, view));
    this.records = new CallRecords({
      store: deps.recordStore ?? databaseRecordStore(deps.db),
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
    for (const call of this.sessions.values()) {
      if ((!call.bridged && !queuedToo) || call.finished || call.heldSince !== undefined || this.mediaChecks.has(call.id)) continue;
      const check = call.media.callerSilenceS?.(nowS);
      if (!check) continue;
      this.mediaChecks.add(call.id);
      void check
        .then((silentS) => {
          if (silentS !== undefined && silentS * 1000 >= timeoutMs && (call.bridged || queuedToo) && call.heldSince === undefined) {
            this.mediaTimedOut(call.id);
          }
        })
        .finally(() => this.mediaChecks.delete(call.id));
    }
  }

  /** Gives the controller its source of operator legs (the B2BUA, once it listens). */
  attach(legs: OperatorLegSource): void {
    this.legs = legs;
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
    this.views.publish();
    this.schedule();
  }

  /**
   * Who is inside a shift, for operators who have shifts (the others are absent). The runtime sets it when shifts
   * are loaded and at each shift boundary; the desk and the board show it beside the routing state.
   */
  setShiftStatus(status: ReadonlyMap<string, boolean>): void {
    this.views.setShiftStatus(status);
    this.views.publish();
  }

  operatorState(userId: number): OperatorStateView | undefined {
    return this.views.view(String(userId));
  }

  allOperatorStates(): BoardOperator[] {
    return this.views.all();
  }

  get activeCalls(): number {
    return this.sessions.size;
  }

  /** A digit the caller sent as RFC 4733 events, reported by rtpengine's DTMF log (its call id is the record id). */
  callerDtmf(callId: string, digit: string, sourceTag?: string): void {
    const session = this.sessions.get(callId);
    // Digits the operator's keypad sent toward the caller are logged by rtpengine too: only the caller's count.
    if (!session || (sourceTag !== undefined && sourceTag !== session.trunk.remoteTag)) return;
    session.callerDigit(digit, "rfc4733");
  }

  /** The live session of a call record id (desk requests, tests). */
  session(callId: string): CallSession | undefined {
    return this.sessions.get(callId);
  }

  /** An operator's request about the call they are on (hold, resume, keypad, blind transfer). */
  callRequest(userId: number, request: CallRequest): CallRequestResult {
    const operatorId = String(userId);
    const session = [...this.sessions.values()].find((s) => s.operatorId === operatorId);
    if (!session) return { ok: false, error: "not-on-this-call" };
    switch (request.action) {
      case "hold":
        return session.hold(operatorId);
      case "resume":
        return session.resume(operatorId);
      case "dtmf":
        return session.sendDtmf(operatorId, request.digit);
      case "consult-complete":
        return session.completeConsult(operatorId);
      case "consult-cancel":
        return session.cancelConsult(operatorId);
      case "transfer":
        return session.transfer(
          operatorId,
          "queueId" in request.to ? { queueId: String(request.to.queueId) } : { operatorId: String(request.to.operatorId) },
        );
    }
  }

  /**
   * Blind transfer of the operator's call to an external number (a typed one, or a directory contact's): the number
   * must pass the outbound allow-list first (toll-fraud guard), then the session carries it out.
   */
  transferExternal(userId: number, number: string): Promise<CallRequestResult> {
    return this.withAllowedNumber(userId, number, (session, operatorId, allowed) => session.transferExternal(operatorId, allowed));
  }

  /** Consultation (attended transfer) with an external number, after the allow-list (see {@link CallSession.consult}). */
  consultExternal(userId: number, number: string): Promise<CallRequestResult> {
    return this.withAllowedNumber(userId, number, (session, operatorId, allowed) => session.consult(operatorId, allowed));
  }

  /** Runs `act` on the operator's call once `number` passed the outbound allow-list (normalised as dialled). */
  private async withAllowedNumber(
    userId: number,
    number: string,
    act: (session: CallSession, operatorId: string, allowed: string) => CallRequestResult,
  ): Promise<CallRequestResult> {
    const dialler = this.externalDialler;
    if (!dialler) return { ok: false, error: "external-transfer-unavailable" };
    const operatorId = String(userId);
    if (!this.sessionOf(operatorId)) return { ok: false, error: "not-on-this-call" };
    const check = await dialler.check(number, userId);
    if (!check.ok) return { ok: false, error: "number-not-allowed" };
    // The allow-list check awaited: the call may have ended or moved meanwhile.
    const session = this.sessionOf(operatorId);
    return session ? act(session, operatorId, check.number) : { ok: false, error: "not-on-this-call" };
  }

  /**
   * Consultation of a colleague (issue 9): `colleagueId` must be available (routing state `available`) with a
   * registered softphone, else `operator-unavailable`; then the session holds the caller and waits for the desk's
   * INVITE (see {@link CallSession.consultOperator}).
   */
  consultOperator(userId: number, colleagueId: number): CallRequestResult {
    const operatorId = String(userId);
    const session = this.sessionOf(operatorId);
    if (!session) return { ok: false, error: "not-on-this-call" };
    if (colleagueId === userId || !this.reachableColleague(colleagueId)) return { ok: false, error: "operator-unavailable" };
    return session.consultOperator(operatorId, String(colleagueId));
  }

  /** Free to be consulted: routing state `available` and a registered softphone (none checked without legs: tests). */
  private reachableColleague(userId: number): boolean {
    return this.operatorState(userId)?.status === "available" && (!this.legs || this.legs.registrar.binding(userId) !== undefined);
  }

  /**
   * Consultation of a queue (issue 9): "the next free operator of Support": the first of the queue's free members in
   * its strategy order (longest idle by default; see {@link DispatchEngine.idleOperatorIds}) other than the
   * consulting operator with a registered softphone; then as {@link consultOperator}. `queue-busy` when nobody in
   * the queue is free now (the caller stays with the operator, who may transfer blind to queue them instead).
   */
  consultQueue(userId: number, queueId: number): CallRequestResult {
    if (!this.sessionOf(String(userId))) return { ok: false, error: "not-on-this-call" };
    const free = this.engine
      .idleOperatorIds(String(queueId))
      .map(Number)
      .find((id) => id !== userId && this.reachableColleague(id));
    return free === undefined ? { ok: false, error: "queue-busy" } : this.consultOperator(userId, free);
  }

  /**
   * An answered outbound call of `userId` ended (record `callId`, server/outbound): after-call work as after an inbound
   * call (engine event `outbound-call-ended`), for the wrap-up time of `queueId` (the queue whose caller ID was used),
   * else the default queue setting. As after an inbound call, the wrap-up's end is written on that record and the
   * desk's open draft saved as it stands (see `operator-state-changed` in {@link apply}).
   */
  outboundCallEnded(userId: number, callId: string, queueId: number | null | undefined): void {
    const operatorId = String(userId);
    this.lastCallOf.set(operatorId, callId);
    this.dispatch({ type: "outbound-call-ended", operatorId, ...(queueId != null && { queueId: String(queueId) }) });
    if (this.engine.operatorView(operatorId)?.status !== "wrap-up") this.lastCallOf.delete(operatorId);
  }

  /**
   * The operator's consultation INVITE (server/outbound, `X-Hotline-Consult: <call id>`) tied to the consultation
   * they asked for on that call; undefined when there is none (the INVITE is refused).
   */
  claimConsult(callId: string, userId: number): ConsultClaim | undefined {
    return this.sessions.get(callId)?.claimConsult(String(userId));
  }

  private sessionOf(operatorId: string): CallSession | undefined {
    return [...this.sessions.values()].find((s) => s.operatorId === operatorId);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const next = this.engine.nextDeadline();
    if (next === undefined || this.closing) return;
    this.timer = setTimeout(() => this.dispatch({ type: "timer" }), Math.max(0, next - this.deps.clock.now()));
    this.timer.unref();
  }

  // ---- admission -----------------------------------------------------------------------------

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
    this.records.enqueueWrite({
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
    this.records.log({ at: arrivedAt, type: "call.arrived", callId: record.id, queueId: route?.queueId ?? null, data: { caller: trunk.callerNumber, dialed: trunk.dialedNumber, sipCallId: trunk.sipCallId } });
    const endNow = (outcome: RecordOutcome, endedBy: EndedBy, endReason: string) =>
      this.records.writeCall(record.id, { outcome, endedBy, endReason, endedAt: new Date(this.deps.clock.now()) });
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
    const recorded =
      this.deps.recordings !== undefined &&
      route.recording !== undefined &&
      shouldRecord({ recordingEnabled: true, recordingSamplePct: route.recording.samplePct }, (this.deps.random ?? Math.random)());
    const call = this.startSession({
      id: record.id,
      trunk,
      media,
      queueId: route.queueId,
      queueName: route.queueName,
      localize: route.localize,
      ...(recorded && { recording: { retentionDays: route.recording!.retentionDays } }),
    });
    if (trunk.ended) {
      call.finishMedia();
      return endNow("abandoned", "caller", "cancelled");
    }
    let answer: string;
    try {
      answer = await call.media.answerCaller(trunk.offerSdp);
    } catch (error) {
      // The media failed the call meanwhile (its instance died): mediaFailed already ended and recorded it.
      if (call.mediaFailure) return;
      this.deps.logger.warn("media refused the caller's offer", { callId: call.id, error: String(error) });
      this.sessions.delete(call.id);
      // Only an offer we cannot accept is 488; rtpengine out of ports, at a limit or unreachable is 503, try later.
      const refusal = mediaRefusal(error);
      if (refusal.status === 503) this.rejectForNoMedia(trunk);
      else trunk.reject(488, "Not Acceptable Here");
      this.records.writeCall(call.id, { outcome: "failed", endedAt: new Date(this.deps.clock.now()), endedBy: "system", endReason: refusal.endReason });
      this.trackMediaClose(call.media.close().catch(() => {}));
      return;
    }
    if (trunk.ended) {
      call.finishMedia();
      if (call.mediaFailure) return;
      return endNow("abandoned", "caller", "cancelled");
    }
    trunk.answer(answer);
    this.onTiming?.({ phase: "trunk-answered", sipCallId: trunk.sipCallId, callId: call.id, at: performance.now() });
    // A number outside its hours plays its closed message and hangs up (server/hours; outcome closed).
    if (route.hours?.closed) {
      // `forward:<number>`: through the trunk like a transfer to a number; the closed message if that fails.
      if (route.hours.forward && call.forwardClosed(route.hours.forward, route.hours.closed)) return;
      return call.answerClosed(route.hours.closed);
    }
    // A recorded call: the consent notice first, so no operator is connected before the caller heard it (issue 13).
    if (call.recording) {
      await call.playRecordingNotice();
      if (trunk.ended || call.finished) {
        // Gone during the notice: abandoned, unless the call failed (never ACKed).
        if (!call.mediaFailure) this.records.writeCall(call.id, { outcome: callerGoneOutcome(call.trunkEndReason), endedAt: new Date(this.deps.clock.now()) });
        return;
      }
    }
    // The number's caller menu comes before the queue: the engine sees the call once the caller chose.
    const menu = route.hours?.menu;
    if (menu) return call.runMenu(menu, (choice) => this.menuChosen(call, trunk, route, menu.queues, choice));
    // Straight to the queue: the caller's place is when their INVITE came, so the media set-up's varying round trips
    // do not reorder callers who dialled a few ms apart (measured in a surge: up to 160 ms late for the earlier one).
    // After a notice or a menu the place is when the caller came out of it.
    this.enterQueue(call, trunk, route.queueId, route.hours?.greeting, call.recording ? undefined : arrivedAt.getTime());
  }

  /** Carries out a caller's menu choice: a queue, a language (then the number's queue), a callback, or the default. */
  private menuChosen(call: CallSession, trunk: TrunkLeg, route: RoutedNumber, queues: ReadonlyMap<string, { queueId: number; queueName: string }>, choice: MenuChoice): void {
    if (choice.kind === "option" && choice.action.kind === "callback") {
      // The caller keeps their place in the number's queue without staying on the line: the engine makes the callback
      // request when their turn comes (or at once if the queue cannot keep them).
      const keep = isCallbackNumber(trunk.callerNumber);
      if (keep) this.dispatch({ type: "caller-entered", callId: call.id, queueId: String(call.queueId), callerNumber: trunk.callerNumber, priority: this.priorityOf(trunk), keepsPlace: true });
      return call.leaveForCallback(keep);
    }
    let greeting: Sound | undefined = route.hours?.greeting;
    if (choice.kind === "option" && choice.action.kind === "queue") {
      const target = queues.get(choice.digit);
      if (target && target.queueId !== call.queueId) {
        call.queueId = target.queueId;
        call.queueName = target.queueName;
        this.records.writeCall(call.id, { queueId: target.queueId });
      }
    }
    if (choice.kind === "option" && choice.action.kind === "language" && route.localizeIn) {
      call.setLocalizer(route.localizeIn(choice.action.language));
      // The number's own greeting is in its language: the standard one of the chosen language plays instead.
      greeting = undefined;
    }
    this.enterQueue(call, trunk, call.queueId, greeting);
  }

  /** `arrivedAt` (ms, the clock's): the caller's place in the queue; default now. */
  private enterQueue(call: CallSession, trunk: TrunkLeg, queueId: number, greeting: Sound | undefined, arrivedAt?: number): void {
    // Queue first, greeting second: rtpengine's `play media` takes ~20 ms, and an operator who is
    // free must not wait for it (measured by bench/calls/call-setup). The greeting plays while it
    // rings, unless the engine already turned the caller away (hang-up announcement) or an
    // operator answered first.
    this.dispatch({
      type: "caller-entered",
      callId: call.id,
      queueId: String(queueId),
      callerNumber: trunk.callerNumber,
      priority: this.priorityOf(trunk),
      ...(arrivedAt !== undefined && { arrivedAt }),
    });
    call.greet(greeting);
  }

  /**
   * VIP priority only for a number a trusted trunk asserted (P-Asserted-Identity, RFC 3325): From is the caller's own
   * claim, which anyone can write. 0, not undefined, so the engine's own VIP table is not consulted either.
   */
  private priorityOf(trunk: TrunkLeg): number | undefined {
    return trunk.callerAsserted ? this.deps.callerPriority?.(trunk.callerNumber) : 0;
  }

  /**
   * A session for an admitted caller, filed until its media finishes. `trunk` may be any {@link CallerLeg} (unit
   * tests give a fake); its media is the one given.
   */
  startSession(init: CallSessionInit): CallSession {
    const session = new CallSession(this.sessionHost(init.id, init.trunk), init);
    this.sessions.set(session.id, session);
    session.on("finished", () => {
      if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
      for (const listener of this.callChanges) listener(session.id, "call-ended");
    });
    session.on("state", (state, operatorId) => {
      // Back in a queue (transferred) or over: whoever monitored the operator's conversation stops (server/monitoring).
      if (state === "queued") for (const listener of this.callChanges) listener(session.id, "operator-changed");
      if (operatorId === undefined) return;
      this.views.setCall(
        operatorId,
        state === "talking" || state === "held" || state === "consulting" ? { id: session.id, state, ...(session.recording && { recorded: true }) } : undefined,
      );
      this.views.publish();
    });
    return session;
  }

  private sessionHost(callId: string, trunk: CallerLeg): CallSessionHost {
    const isClosing = () => this.closing;
    return {
      clock: this.deps.clock,
      logger: this.deps.logger,
      get closing() {
        return isClosing();
      },
      dispatch: (event) => this.dispatch(event),
      log: (event) => this.records.log(event),
      writeCall: (id, patch) => this.records.writeCall(id, patch),
      enqueueWrite: (write) => this.records.enqueueWrite(write),
      operatorLeg: (operatorId) => {
        const binding = this.legs?.registrar.binding(Number(operatorId));
        return binding && this.legs ? this.legs.createOperatorLeg(binding) : undefined;
      },
      newMedia: () => this.deps.media(callId, trunk.remoteTag, trunk.fromBrowser ? "browser" : "trunk"),
      mediaReady: this.deps.mediaReady && ((timeoutMs) => this.deps.mediaReady!(timeoutMs)),
      soundDurationMs: (sound) => this.deps.soundDurationMs(sound),
      trackMediaClose: (done) => this.trackMediaClose(done),
      recordingEnded: (recorded) => void this.deps.recordings?.callEnded(recorded),
      voicemailEnded: (ended) => void this.deps.voicemail?.callEnded(ended),
      operatorInviteSent: (sipCallId) => this.onTiming?.({ phase: "operator-invite-sent", sipCallId, at: performance.now() }),
      external: this.externalDialler,
    };
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

  /** RFC 3261 §21.5.4: 503 tells the trunk we cannot take calls now; Retry-After (§20.33) says when to try again. */
  private rejectForNoMedia(trunk: TrunkLeg): void {
    trunk.reject(503, "Service Unavailable", [["Retry-After", String(NO_MEDIA_RETRY_AFTER_S)]]);
  }

  // ---- media failures (rtpengine's reports, by call record id) --------------------------------

  /**
   * rtpengine dropped the call for lack of RTP (its `--timeout`; streams on hold use `--silent-timeout`): the trunk is
   * gone without a BYE. Ends the call with BYE on both legs; the record is closed as failed, `media-timeout`. A caller
   * on hold is given until the silent timeout (see {@link CallSession.mediaTimedOut}). Unknown calls are ignored.
   */
  mediaTimedOut(callId: string): void {
    this.sessions.get(callId)?.mediaTimedOut(this.deps.mediaSilentTimeoutMs ?? 0);
  }

  /**
   * The rtpengine instance holding the call died or restarted: its media is re-created on a live instance, or the
   * call ends as `media-lost` (see {@link CallSession.mediaLost}).
   */
  mediaLost(callId: string): void {
    // The monitoring's copies died with the instance; the call itself may be re-created elsewhere.
    for (const listener of this.callChanges) listener(callId, "media-lost");
    this.sessions.get(callId)?.mediaLost();
  }

  private trackMediaClose(done: Promise<unknown>): void {
    const tracked = done.finally(() => this.mediaClosing.delete(tracked));
    this.mediaClosing.add(tracked);
  }

  // ---- engine effects ------------------------------------------------------------------------

  private apply(effect: Effect): void {
    switch (effect.type) {
      case "offer": {
        const call = this.sessions.get(effect.callId);
        if (call && this.onTiming) this.onTiming({ phase: "operator-offered", sipCallId: call.trunk.sipCallId, callId: call.id, at: performance.now() });
        return call?.offer(effect.operatorId);
      }
      case "cancel-offer":
        return this.sessions.get(effect.callId)?.cancelOffer(effect.operatorId);
      case "play-announcement": {
        const call = this.sessions.get(effect.callId);
        if (!call) return;
        // The apology after an operator leg failure is played by the media's operatorLegLost; the rest interrupt the music.
        const prompts: Sound[] =
          effect.announcement === "periodic" ? ["periodic"]
          : effect.announcement === "transfer-returned" ? ["apology"]
          : effect.announcement === "position" && effect.position !== undefined ? positionAnnouncement(effect.position, effect.estimatedWaitMs ?? 0)
          : [];
        if (!call.announce(prompts)) return;
        this.records.log({
          at: new Date(this.deps.clock.now()),
          type: "call.announcement",
          callId: call.id,
          data: { announcement: effect.announcement, prompts: prompts.map((p) => call.localize(p)), position: effect.position ?? null, estimatedWaitMs: effect.estimatedWaitMs ?? null },
        });
        return;
      }
      case "hang-up":
        return this.sessions.get(effect.callId)?.sendAway(effect.announcement);
      case "operator-state-changed": {
        this.views.stateChanged(effect);
        this.records.log({
          at: new Date(effect.since),
          type: "operator.state",
          operatorId: Number(effect.operatorId),
          // Presence rides along, so logins and logouts (which may not change the status) are in the log too.
          data: { from: effect.previous, to: effect.status, reason: effect.reason ?? null, presence: effect.presence },
        });
        if (effect.status === "on-call" && effect.previous !== "on-call") {
          const callId = [...this.sessions.values()].find((s) => s.operatorId === effect.operatorId)?.id;
          if (callId) this.lastCallOf.set(effect.operatorId, callId);
        }
        if (effect.status !== "on-call") this.views.setCall(effect.operatorId, undefined);
        if (effect.previous === "wrap-up") {
          const callId = this.lastCallOf.get(effect.operatorId);
          if (callId) this.records.writeCall(callId, { wrapUpEndedAt: new Date(effect.since) });
          this.lastCallOf.delete(effect.operatorId);
          this.deps.wrapUpEnded?.(Number(effect.operatorId));
        }
        return;
      }
      case "record":
        if (effect.entry.kind === "call-transferred") {
          // The record's wrap-up end is its last operator's: one who passed the caller on files their wrap-up (notes,
          // topic) but does not end the record's (their Done could come before the call ends: a negative wrap-up).
          if (this.lastCallOf.get(effect.entry.operatorId) === effect.entry.callId) this.lastCallOf.delete(effect.entry.operatorId);
          const queueId = effect.entry.toQueueId === undefined ? undefined : Number(effect.entry.toQueueId);
          const name = queueId === undefined ? undefined : this.deps.queueName?.(queueId);
          this.sessions.get(effect.entry.callId)?.transferredOut(queueId === undefined ? undefined : { id: queueId, name: name ?? String(queueId) });
        }
        return this.records.record(effect.entry);
      case "transfer-refused":
        return this.sessions.get(effect.callId)?.transferRefused(effect.reason);
      case "warn-supervisors":
        this.deps.alertSupervisors({
          kind: effect.warning,
          userId: Number(effect.operatorId),
          reason: effect.reason,
          since: effect.since,
          overrunMs: effect.overrunMs,
        });
        this.records.log({ at: new Date(this.deps.clock.now()), type: "queue.warn-supervisors", operatorId: Number(effect.operatorId), data: { ...effect } });
        return;
      case "pause-request-changed":
        this.views.pauseRequestChanged(effect);
        this.records.log({ at: new Date(this.deps.clock.now()), type: "operator.pause-request", operatorId: Number(effect.operatorId), data: { request: effect.request ?? null } });
        return;
      case "create-callback-request": {
        const requestedAt = new Date(this.deps.clock.now());
        const { callId, queueId, callerNumber, reason } = effect;
        this.records.enqueueWrite({ op: "insert-callback-request", request: { callId, queueId: Number(queueId), callerNumber, reason, requestedAt } });
        this.records.log({ at: requestedAt, type: "queue.create-callback-request", callId, data: { ...effect } });
        return;
      }
      case "overflow":
        this.records.log({ at: new Date(this.deps.clock.now()), type: "queue.overflow", callId: effect.callId, data: { ...effect } });
        return;
      case "ignored":
        this.deps.logger.debug("queue engine ignored an event", { event: effect.event, reason: effect.reason });
        return;
    }
  }

  /**
   * Graceful shutdown: takes no new call (INVITEs get 503 from {@link admit}), hangs up every live call (BYE to the
   * trunk and to the operator, CANCEL to ringing operators), logs every operator out of the queues, waits until
   * rtpengine has deleted every media session of this process (those of calls that ended earlier too), then flushes
   * every pending record write, for at most `recordsFlushDeadlineMs`. Logged. The records' final close (what is left
   * goes to the spill file for the next start) is the process's last step before the database closes, after the
   * desks' last events (boot.ts).
   */
  async close(): Promise<void> {
    const started = performance.now();
    const deadlineMs = this.deps.recordsFlushDeadlineMs ?? 5_000;
    this.closing = true;
    clearTimeout(this.timer);
    clearInterval(this.mediaWatch);
    const live = [...this.sessions.values()];
    for (const call of live) call.hangUpForShutdown();
    // Operators still logged in go offline in the log now, so a clean restart finds no state left open.
    for (const operatorId of this.views.online()) this.dispatch({ type: "operator-logged-out", operatorId });
    // Hang-ups move each call's media delete onto its chain; calls still in the list (none normally) are awaited too.
    await Promise.all([...this.sessions.values()].map((c) => c.mediaIdle()));
    while (this.mediaClosing.size > 0) await Promise.all([...this.mediaClosing]);
    const mediaMs = Math.round(performance.now() - started);
    const flushed = await this.records.flushWithin(deadlineMs);
    const log = flushed ? this.deps.logger.info : this.deps.logger.error;
    log.call(this.deps.logger, "call controller stopped", { callsHungUp: live.length, mediaMs, recordsFlushed: flushed, records: this.records.status(), ms: Math.round(performance.now() - started) });
  }
}
