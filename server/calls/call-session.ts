/**
 * One call, from the caller's admission to the end of its media: the caller's leg (a trunk, or an admin's browser),
 * the operator legs offered or connected, the call's media (one rtpengine call id through {@link CallMedia}), the
 * order of its media steps (its {@link MediaLanes}: rtpengine commands of a call never overtake each other, except
 * that an operator's offer does not wait for the waiting caller's prompts).
 *
 * The session does what the engine decided for this call ({@link offer}, {@link cancelOffer}, {@link announce},
 * {@link sendAway}) and tells the engine what happened to it (through {@link CallSessionHost.dispatch}). Its legs tell
 * it their news by typed events; the session is their only listener. Its own life is a state machine
 * ({@link CALL_SESSION_TRANSITIONS}).
 *
 * Each capability beyond that is a collaborator in ./session/, given a small port (closures over this session; no
 * collaborator sees the session itself): the operators rung ({@link OperatorOffers}), what a waiting caller hears
 * ({@link WaitingAudio}), the desk's hold ({@link DeskHold}) and the hold time ({@link HoldTiming}), the transfers
 * asked of the engine ({@link CallTransfers}), the external party of a transfer ({@link ExternalTransfer}), the
 * consultation ({@link CallConsultation}), the caller's steps before the queue ({@link CallerSteps}), the recording
 * ({@link CallRecording}) and the recovery of failed media ({@link MediaRecovery}).
 */
import type { CallPatch, NewCallEvent } from "../../db/queries/calls";
import type { EndedBy } from "../../db/schema";
import type { AnnouncementKind, TransferTarget } from "../queue";
import { callerGoneOutcome, SYSTEM_END_REASONS } from "../telephony/leg-signalling";
import { StateMachine, TypedEmitter } from "../telephony/leg-state";
import type { CallMedia, Sound } from "./call-media";
import { ALL_LANES, type MediaLane, MediaLanes } from "./media-lanes";
import type { MenuChoice } from "../hours/caller-menu";
import type { MenuPlan } from "../hours/hours-runtime";
import { CallConsultation, type ConsultClaim } from "./session/consultation";
import { CallerSteps, type ClosedAnswer } from "./session/caller-steps";
import { CallRecording } from "./session/call-recording";
import { DeskHold } from "./session/desk-hold";
import { ExternalTransfer } from "./session/external-transfer";
import { HoldTiming } from "./session/hold-timing";
import { MediaRecovery } from "./session/media-recovery";
import { OperatorOffers } from "./session/operator-offers";
import { CallTransfers } from "./session/transfers";
import { WaitingAudio } from "./session/waiting-audio";
import { CALL_SESSION_TRANSITIONS, type CallSessionState } from "./session/session-state";
import {
  DTMF_DIGIT,
  type CallerLeg,
  type CallRequestResult,
  type CallSessionEvents,
  type CallSessionHost,
  type CallSessionInit,
  type MediaFailure,
  type OperatorLegPort,
} from "./session/session-ports";

/** Re-exported for server/outbound, which ties a consultation's INVITE to its call. */
export type { ConsultClaim } from "./session/consultation";

export class CallSession extends TypedEmitter<CallSessionEvents> {
  readonly id: string;
  readonly trunk: CallerLeg;
  media: CallMedia;
  /** The queue the caller is in now (changes with a transfer to another queue). */
  queueId: number;
  queueName: string;
  readonly fsm: StateMachine<CallSessionState>;
  operatorId: string | undefined;
  operator: OperatorLegPort | undefined;
  private localizer: ((sound: Sound) => Sound) | undefined;
  /** Set when the call is recorded (server/recordings): the retention of its queue. */
  readonly recording: { retentionDays: number | null } | undefined;
  /** The order of the call's media steps (rtpengine commands must not overtake each other; ../media-lanes.ts). */
  private readonly lanes = new MediaLanes();
  endedBy: EndedBy | undefined;
  finished = false;
  /** Set when the call ends because its media failed: the record is closed as `failed` with this reason. */
  mediaFailure: MediaFailure | undefined;
  /** Why the caller's leg ended (its EndReason), once it did. */
  trunkEndReason: string | undefined;
  /** The record's end reason when it is not the trunk's (the external party hung up). */
  private endReasonOverride: string | undefined;
  /** The call's hold time (the caller's own holds by re-INVITE, and the operator's holds from the desk). */
  private readonly holdTime = new HoldTiming(() => this.now(), (holdMs) => this.write({ holdMs }));
  private readonly deskHold: DeskHold;
  private readonly waiting: WaitingAudio;
  private readonly offers: OperatorOffers;
  private readonly transfers: CallTransfers;
  private readonly externalParty: ExternalTransfer;
  private readonly consultation: CallConsultation;
  private readonly callerSteps: CallerSteps;
  private readonly recorder: CallRecording;
  private readonly recovery: MediaRecovery;

  constructor(
    private readonly host: CallSessionHost,
    init: CallSessionInit,
  ) {
    super();
    this.id = init.id;
    this.trunk = init.trunk;
    this.media = init.media;
    this.queueId = init.queueId;
    this.queueName = init.queueName;
    this.localizer = init.localize;
    this.recording = init.recording;
    this.fsm = new StateMachine<CallSessionState>("call-session", CALL_SESSION_TRANSITIONS, "queued", (_from, to) =>
      this.emit("state", to, this.operatorId),
    );
    const common = {
      now: () => this.now(),
      media: () => this.media,
      queueId: () => this.queueId,
      finished: () => this.finished,
      enqueueMedia: (step: () => Promise<unknown>, lanes?: readonly MediaLane[]) => this.enqueueMedia(step, lanes),
      localize: (sound: Sound) => this.localize(sound),
      durationMs: (sound: Sound) => this.host.soundDurationMs(sound),
      log: this.log.bind(this),
      warn: (message: string, data: Record<string, unknown>) => this.host.logger.warn(message, { callId: this.id, ...data }),
      afterQueuedSteps: (run: () => unknown) => void this.lanes.run(ALL_LANES, run).catch((error) => this.host.logger.warn("media step failed", { callId: this.id, error: String(error) })),
    };
    this.deskHold = new DeskHold(this.holdTime, { ...common, fsm: this.fsm, operatorLeg: () => this.operator! });
    this.waiting = new WaitingAudio({ ...common, quiet: () => this.bridged || this.finished });
    this.offers = new OperatorOffers({
      ...common,
      callId: this.id,
      operatorLeg: (operatorId) => this.host.operatorLeg(operatorId),
      dispatch: (event) => this.host.dispatch(event),
      counted: () => this.host.enqueueWrite({ op: "increment-offers", id: this.id }),
      callerNumber: () => this.trunk.callerNumber,
      queueName: () => this.queueName,
      inviteSent: () => this.host.operatorInviteSent?.(this.trunk.sipCallId),
      answered: (operatorId, leg, sdp) => this.operatorAnswered(operatorId, leg, sdp),
      ended: (operatorId, leg, reason) => this.operatorHungUp(operatorId, leg, reason),
    });
    this.consultation = new CallConsultation({
      ...common,
      operatorId: () => this.operatorId,
      holdCaller: () => this.deskHold.forConsultation(),
      backToCaller: (to) => this.operator && this.deskHold.back(to),
      endDeskHold: () => void this.holdTime.deskResumed(),
      transferToColleague: (operatorId, colleague) => this.transfers.toColleague(operatorId, colleague),
      handOver: (operatorId, number, call) => this.transfers.handOver(operatorId, number, call),
      targetHungUp: (call) => this.externalParty.hungUp(call),
    });
    this.externalParty = new ExternalTransfer(this.host.external, {
      ...common,
      callerTag: () => this.trunk.remoteTag,
      answered: () => this.waiting.stop(),
      notAnswered: () => {
        this.moveTo("queued");
        this.host.dispatch({ type: "external-transfer-ended", callId: this.id, answered: false });
      },
      hungUp: () => {
        this.endedBy = "system";
        this.endReasonOverride = "external-hung-up";
        this.trunk.hangup("local");
      },
    });
    this.transfers = new CallTransfers({
      ...common,
      callId: this.id,
      dispatch: (event) => this.host.dispatch(event),
      operatorId: () => this.operatorId,
      externalPossible: () => this.canCallExternal(),
      toExternal: () => this.moveTo("external"),
      external: this.externalParty,
      toColleague: () => this.fsm.move("held"),
      autoAnswer: (operatorId) => this.offers.autoAnswerNext(operatorId),
    });
    this.callerSteps = new CallerSteps({
      ...common,
      over: () => this.finished || this.trunk.ended,
      hangUp: () => this.trunk.hangup("local"),
      write: (patch) => this.write(patch),
      endedBy: () => this.endedBy,
      setEndedBy: (by) => void (this.endedBy = by),
      finishMedia: () => this.finishMedia(),
    });
    this.recorder = new CallRecording(common);
    this.recovery = new MediaRecovery({
      ...common,
      caller: this.trunk,
      replaceMedia: () => {
        this.media = this.host.newMedia();
        this.trunk.attachMedia(this.media);
        return this.media;
      },
      ...(this.host.mediaReady && { mediaReady: (timeoutMs: number) => this.host.mediaReady!(timeoutMs) }),
      over: () => this.finished || this.mediaFailure !== undefined,
      operator: () => (this.operator && this.operatorId !== undefined ? { id: this.operatorId, leg: this.operator } : undefined),
      ringing: () => this.offers.legs(),
      externalMoved: (media) => this.externalParty.mediaMoved(media),
      operatorHolds: () => this.fsm.is("held"),
      callerHeldSince: () => this.heldSince,
      fail: (failure) => this.mediaFailed(failure),
      dropOperator: (leg) => {
        leg.hangup();
        this.releaseOperator();
      },
      operatorDropped: (operatorId, media) => this.operatorDropped(operatorId, media),
    });
    this.trunk.on("ended", (reason) => this.trunkEnded(reason));
    this.trunk.on("hold", (held) => this.callerHold(held));
    this.trunk.on("dtmf", (digit) => this.callerDigit(digit, "info"));
    // re-INVITE/UPDATE SDP and ACK answers go to the call's media (RFC 3264 §8.3.1, late offer).
    this.trunk.attachMedia(this.media);
  }

  /** A trunk route for calls to numbers exists, and this call's media can branch toward one (plain RTP). */
  private canCallExternal(): boolean {
    return this.host.external !== undefined && this.media.offerToExternal !== undefined;
  }

  /** Since when the caller's side holds the call (its re-INVITE said sendonly/inactive), epoch ms. */
  get heldSince(): number | undefined {
    return this.holdTime.callerHeldSince;
  }

  get state(): CallSessionState {
    return this.fsm.state;
  }

  /** True while the caller talks to someone (an operator, or the external party of a transfer): no music, no prompts. */
  get bridged(): boolean {
    return this.operator !== undefined || this.externalParty.answered;
  }

  private now(): number {
    return this.host.clock.now();
  }

  /** The prompt file of `sound` in the call's language. */
  localize(sound: Sound): Sound {
    return this.localizer?.(sound) ?? sound;
  }

  private log(type: string, data?: Record<string, unknown>, extra: Partial<NewCallEvent> = {}): void {
    this.host.log({ at: new Date(this.now()), type, callId: this.id, ...(data && { data }), ...extra });
  }

  private write(patch: CallPatch): void {
    this.host.writeCall(this.id, patch);
  }

  /**
   * Runs `step` on the call's media chain, after the earlier steps on its `lanes` (default: after every earlier step);
   * skipped once the session finished. Errors are logged, not thrown.
   */
  enqueueMedia(step: () => Promise<unknown>, lanes: readonly MediaLane[] = ALL_LANES): void {
    this.lanes
      .run(lanes, () => (this.finished ? undefined : step()))
      .catch((error) => this.host.logger.warn("media step failed", { callId: this.id, error: String(error) }));
  }

  /** Resolves once every media step queued so far has ended (run, failed or skipped). */
  mediaIdle(): Promise<void> {
    return this.lanes.idle();
  }

  /** Moves the session, when the table allows it (a no-op otherwise: legs race, and the later news is stale). */
  private moveTo(state: CallSessionState): void {
    if (this.fsm.state !== state && this.fsm.can(state)) this.fsm.move(state);
  }

  // ---- the engine's decisions -----------------------------------------------------------------------------------

  /** The engine offers the call to `operatorId`: an INVITE to their softphone ({@link OperatorOffers.offer}). */
  offer(operatorId: string): void {
    this.offers.offer(operatorId);
  }

  /** The engine withdraws an offer (someone else answered, ring timeout, the caller left). */
  cancelOffer(operatorId: string): void {
    this.offers.cancel(operatorId);
  }

  /** An announcement for a waiting caller (position, periodic); skipped once an operator talks to them. */
  announce(prompts: readonly Sound[]): boolean {
    if (this.bridged || prompts.length === 0) return false;
    this.waiting.play(prompts);
    return true;
  }

  /** The engine sends the caller away: its goodbye, then BYE once it has been heard. */
  sendAway(announcement: AnnouncementKind): void {
    this.callerSteps.sendAway(announcement);
  }

  /** Shutdown: BYE to the caller, recorded as the system's doing. */
  hangUpForShutdown(): void {
    this.endedBy = "system";
    this.trunk.hangup("local");
  }

  /**
   * A digit from the caller: by SIP INFO (the trunk leg's `dtmf` event) or as RFC 4733 events (rtpengine's DTMF log,
   * routed by the controller). Logged; taken by the caller menu or the voicemail step while one runs.
   */
  callerDigit(digit: string, via: "info" | "rfc4733"): void {
    if (this.finished) return;
    this.log("call.dtmf", { digit, via });
    this.callerSteps.digit(digit);
  }

  // ---- before the queue (./session/caller-steps.ts, ./session/call-recording.ts) --------------------------------

  /** The number's caller menu (issue 11, point 4): see {@link CallerSteps.runMenu}. */
  runMenu(plan: MenuPlan, chosen: (choice: MenuChoice) => void): void {
    this.callerSteps.runMenu(plan, chosen);
  }

  /** The caller chose another language in the menu: every later prompt of the call is in that language. */
  setLocalizer(localize: (sound: Sound) => Sound): void {
    this.localizer = localize;
  }

  /** The caller chose "callback" in the menu: the confirmation, then BYE (see {@link CallerSteps.leaveForCallback}). */
  leaveForCallback(keptPlace: boolean): void {
    this.callerSteps.leaveForCallback(keptPlace);
  }

  /** The greeting once the caller is queued (unless the engine already turned them away). */
  greet(greeting: Sound = "greeting"): void {
    if (!this.endedBy) this.waiting.play([greeting]);
  }

  /** Outside the number's hours (server/hours): the closed message, then BYE or voicemail ({@link CallerSteps.answerClosed}). */
  answerClosed(closed: ClosedAnswer): void {
    this.callerSteps.answerClosed(closed);
  }

  /**
   * A closed number with action `forward:<number>` (server/hours): music while the number rings through the trunk, as
   * for a blind transfer to a number; record `closed`, end reason `forwarded`. Failed (busy, no answer, not allowed):
   * the closed message, then BYE. False when forwarding is impossible (no trunk route): the caller gets it at once.
   */
  forwardClosed(number: string, closed: ClosedAnswer): boolean {
    if (!this.canCallExternal()) return false;
    this.callerSteps.forwarding();
    this.log("call.forwarded", { number }, { queueId: this.queueId });
    this.moveTo("external");
    this.waiting.play([]);
    this.externalParty.ring(number, 0, () => this.answerClosed(closed));
    return true;
  }

  /** The consent notice of a recorded call, before the caller joins the queue ({@link CallRecording.playNotice}). */
  playRecordingNotice(): Promise<void> {
    return this.recorder.playNotice();
  }

  // ---- the operator's requests (desk) ---------------------------------------------------------------------------

  private talkingWith(operatorId: string): CallRequestResult | undefined {
    if (this.operatorId !== operatorId || !this.operator) return { ok: false, error: "not-on-this-call" };
    return undefined;
  }

  /** The operator puts the caller on hold (hold music, the hold timed: {@link DeskHold.hold}). */
  hold(operatorId: string): CallRequestResult {
    return this.talkingWith(operatorId) ?? this.deskHold.hold(operatorId);
  }

  /** Back from {@link hold} ({@link DeskHold.resume}). */
  resume(operatorId: string): CallRequestResult {
    return this.talkingWith(operatorId) ?? this.deskHold.resume(operatorId);
  }

  /**
   * The keypad: one digit to the caller's side, as RFC 4733 events through rtpengine when the caller takes them (a
   * trunk that offered telephone-event), otherwise by SIP INFO (application/dtmf-relay). While talking only.
   */
  sendDtmf(operatorId: string, digit: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    if (!DTMF_DIGIT.test(digit)) return { ok: false, error: "bad-digit" };
    if (!this.fsm.is("talking")) return { ok: false, error: "not-talking" };
    const byRtp = this.media.dtmfByRtp;
    this.log("call.dtmf-sent", { digit, via: byRtp ? "rfc4733" : "info" }, { operatorId: Number(operatorId) });
    if (byRtp) this.enqueueMedia(() => this.media.sendDtmf(digit));
    else void this.trunk.sendDtmfInfo(digit);
    return { ok: true };
  }

  /** Blind transfer to a queue or to one operator ({@link CallTransfers.blind}). */
  transfer(operatorId: string, to: TransferTarget): CallRequestResult {
    return this.talkingWith(operatorId) ?? this.transfers.blind(operatorId, to);
  }

  /** The engine refused a transfer of this call: the caller stays with the operator. */
  transferRefused(reason: "queue-unavailable" | "operator-unavailable"): void {
    this.transfers.refused(reason);
  }

  /**
   * The engine accepted a transfer: the operator leaves (BYE to their softphone; the desk hold, if any, ends), and
   * the caller goes back to the placeholder with hold music, waiting for the next operator.
   */
  transferredOut(toQueue?: { id: number; name: string }): void {
    const leg = this.operator;
    if (!leg || this.finished) return;
    this.holdTime.deskResumed();
    this.operator = undefined;
    this.operatorId = undefined;
    if (toQueue) {
      this.queueId = toQueue.id;
      this.queueName = toQueue.name;
    }
    // A completed consultation: the target is being joined (completeConsult), so the caller is not queued.
    if (!this.fsm.is("consulting")) this.moveTo("queued");
    leg.hangup();
    this.enqueueMedia(() => this.media.operatorLegLost({ apology: false }));
  }

  /**
   * Blind transfer to an external number past the allow-list ({@link CallTransfers.toNumber}). If it does not answer
   * (busy, no answer within EXTERNAL_RING_TIMEOUT_MS (external-party.ts), failure) the caller is never dropped: back to the
   * transferring operator if available, else to the head of the queue, with an apology (`external-transfer-ended`).
   */
  transferExternal(operatorId: string, number: string): CallRequestResult {
    return this.talkingWith(operatorId) ?? this.transfers.toNumber(operatorId, number);
  }

  // ---- consultation (attended transfer, ./session/consultation.ts) ----------------------------------------------

  /**
   * Consultation before a transfer, to an external number past the allow-list (attended transfer, see
   * {@link CallConsultation}): the caller is held as by {@link hold}, the operator's softphone places the consultation
   * as a second SIP session, which {@link claimConsult} ties to this call. The desk shows `consulting`.
   */
  consult(operatorId: string, number: string): CallRequestResult {
    const refused = this.consultable(operatorId);
    if (refused) return refused;
    if (!this.host.external) return { ok: false, error: "external-transfer-unavailable" };
    this.consultation.start(operatorId, { number });
    return { ok: true };
  }

  /**
   * Consultation of a colleague (another operator, `colleagueId`): as {@link consult}, but the desk's second session
   * rings the colleague's softphone as an internal call (server/outbound). Whether the colleague is available is the
   * controller's check (CallController.consultOperator).
   */
  consultOperator(operatorId: string, colleagueId: string): CallRequestResult {
    if (colleagueId === operatorId) return { ok: false, error: "operator-unavailable" };
    const refused = this.consultable(operatorId);
    if (refused) return refused;
    this.consultation.start(operatorId, { number: "", colleague: colleagueId });
    return { ok: true };
  }

  private consultable(operatorId: string): CallRequestResult | undefined {
    return this.talkingWith(operatorId) ?? (this.fsm.is("talking", "held") ? undefined : { ok: false, error: "not-talking" });
  }

  /** The operator's consultation INVITE arrived (server/outbound): see {@link CallConsultation.claim}. */
  claimConsult(operatorId: string): ConsultClaim | undefined {
    return this.fsm.is("consulting") ? this.consultation.claim(operatorId) : undefined;
  }

  /** Cancel the consultation: the operator talks to the caller again ({@link CallConsultation.cancel}). */
  cancelConsult(operatorId: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    if (!this.fsm.is("consulting") || !this.consultation.cancel()) return { ok: false, error: "not-consulting" };
    return { ok: true };
  }

  /** Complete the consultation: caller and target bridged, the operator leaves ({@link CallConsultation.complete}). */
  completeConsult(operatorId: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    return this.fsm.is("consulting") ? this.consultation.complete(operatorId) : { ok: false, error: "not-consulting" };
  }

  // ---- operator legs --------------------------------------------------------------------------------------------

  private operatorAnswered(operatorId: string, leg: OperatorLegPort, sdp: string): void {
    if (this.finished || this.operator) {
      leg.hangup();
      return;
    }
    this.offers.taken(operatorId);
    this.operator = leg;
    this.operatorId = operatorId;
    this.waiting.stop();
    if (this.recovery.offeredStale(leg)) this.enqueueMedia(() => this.recovery.moveOperator(operatorId, leg));
    else this.enqueueMedia(() => this.media.operatorAnswered(leg.localTag, sdp));
    // The recording starts with the first operator connected (server/recordings).
    if (this.recording) this.recorder.start();
    this.moveTo("talking");
    this.host.dispatch({ type: "offer-answered", callId: this.id, operatorId });
  }

  private operatorHungUp(operatorId: string, leg: OperatorLegPort, reason: string): void {
    if (this.operator !== leg || this.finished) return;
    this.holdTime.deskResumed();
    // BYE from the operator ends the call; a dead connection is a failure the caller must survive.
    this.consultation.end("operator-left");
    if (reason !== "bye") {
      this.releaseOperator();
      this.enqueueMedia(() => this.media.operatorLegLost({ apology: this.localizer ? this.localize("apology") : true }));
      return this.operatorLegFailed(operatorId);
    }
    this.endedBy = "operator";
    this.write({ endedBy: "operator", endReason: "operator-hung-up" });
    this.trunk.hangup("local");
  }

  /** The operator leaves the caller, who is queued again (the engine decides what next). */
  private releaseOperator(): void {
    this.operator = undefined;
    this.operatorId = undefined;
    this.moveTo("queued");
  }

  /** The operator's line dropped (not a BYE): logged, and the engine offers the caller again (`operator-leg-failed`). */
  private operatorLegFailed(operatorId: string): void {
    this.log("call.operator-leg-failed", undefined, { operatorId: Number(operatorId) });
    this.host.dispatch({ type: "operator-leg-failed", callId: this.id, operatorId });
  }

  /** The operator's leg was dropped because it refused the media's move: the engine is told, the caller apologised to. */
  private async operatorDropped(operatorId: string, media: CallMedia): Promise<void> {
    this.operatorLegFailed(operatorId);
    if (!this.operator && !this.finished) {
      const ms = await media.playToCaller("apology");
      this.waiting.musicAfter(ms ?? 0);
    }
  }

  // ---- the caller's side ----------------------------------------------------------------------------------------

  /** Hold time is part of AHT: count it from the caller's hold/unhold re-INVITEs. */
  private callerHold(held: boolean): void {
    this.holdTime.callerHeld(held);
    this.log(held ? "call.hold" : "call.unhold");
    if (!held) this.recovery.callerResumed();
  }

  private trunkEnded(reason: string): void {
    this.trunkEndReason = reason;
    this.externalParty.end();
    if (this.callerSteps.callerLeft(reason)) return;
    if (this.heldSince !== undefined) this.callerHold(false);
    if (!this.finished) this.holdTime.deskResumed();
    if (this.finished) return;
    // The session timer (RFC 4028) or an error answered by the transaction layer is the system's doing too.
    this.endedBy ??= SYSTEM_END_REASONS.has(reason) ? "system" : "caller";
    const endReason = this.host.closing ? "shutdown" : reason === "bye" ? "caller-hung-up" : reason;
    this.write({ endedBy: this.endedBy, endReason: this.endReasonOverride ?? endReason });
    this.consultation.end("caller-hung-up");
    if (this.operator) {
      this.operator.hangup();
      this.host.dispatch({ type: "call-ended", callId: this.id });
    } else {
      this.offers.cancelAll();
      this.host.dispatch({ type: "caller-hung-up", callId: this.id });
      // A queued caller cut off by our shutdown, or whose call failed (never ACKed, FAILED_END_REASONS), did not give
      // up: not an abandon in the figures (written after the engine's record, in order).
      if (this.host.closing || callerGoneOutcome(reason) === "failed") this.write({ outcome: "failed" });
    }
    this.finishMedia();
  }

  /** Ends the session's media (rtpengine delete) once; later steps on its chain are skipped. */
  finishMedia(): void {
    if (this.finished) return;
    this.finished = true;
    this.moveTo("ended");
    this.waiting.stop();
    this.recovery.stop();
    this.callerSteps.cancel();
    this.emit("finished");
    // Not behind the call's chain: a step there may be waiting on the media itself (a late offer's answer that will
    // never come now), and the media orders its own rtpengine commands. Steps still queued see `finished` and skip.
    const closed = this.media.close().catch((error) => this.host.logger.warn("media close failed", { callId: this.id, error: String(error) }));
    this.host.trackMediaClose(closed);
    // The recording's files are complete once rtpengine deleted the call (it writes the metadata at delete).
    void closed.then(() => {
      const voicemailPort = this.callerSteps.voicemailPort;
      if (voicemailPort !== undefined) {
        this.host.voicemailEnded?.({ callId: this.id, callerPort: voicemailPort, callerNumber: this.trunk.callerNumber, queueId: this.queueId, endedAt: new Date(this.now()) });
      }
      const recordingPort = this.recorder.recordedPort;
      if (recordingPort === undefined || !this.recording) return;
      this.host.recordingEnded?.({ callId: this.id, callerPort: recordingPort, endedAt: new Date(this.now()), retentionDays: this.recording.retentionDays });
    });
  }

  // ---- media failures (./session/media-recovery.ts) -------------------------------------------------------------

  /** rtpengine dropped the call for lack of RTP (see {@link MediaRecovery.timedOut}); `silentTimeoutMs` in ms. */
  mediaTimedOut(silentTimeoutMs: number): void {
    this.recovery.timedOut(silentTimeoutMs);
  }

  /** The rtpengine instance holding the call died or restarted (see {@link MediaRecovery.lost}). */
  mediaLost(): void {
    this.recovery.lost();
  }

  /** Ends the call because its media failed: BYE to the trunk; the record is closed as failed with `failure`. */
  mediaFailed(failure: MediaFailure): void {
    if (this.finished || this.mediaFailure) return;
    this.mediaFailure = failure;
    this.endedBy = "system";
    const at = new Date(this.now());
    this.host.logger.warn("call media failed", { callId: this.id, failure, sipCallId: this.trunk.sipCallId, bridged: this.operator !== undefined });
    this.log("call.media-failed", { failure, bridged: this.operator !== undefined }, { queueId: this.queueId });
    // BYE to the trunk (480 if not answered yet); trunkEnded then ends the operator leg and takes the caller out of
    // the engine, whose call-finished record is written first: this patch, queued after it, has the last word.
    this.trunk.hangup("local");
    this.write({ outcome: "failed", endedBy: "system", endReason: failure, endedAt: at });
  }
}
