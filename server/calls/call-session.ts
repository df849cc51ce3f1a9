/**
 * One call, from the caller's admission to the end of its media: the caller's leg (a trunk, or an admin's browser),
 * the operator legs offered or connected, the call's media (one rtpengine call id through {@link CallMedia}), the
 * order of its media steps (one chain: rtpengine commands of a call never overtake each other) and its hold timing.
 *
 * The session does what the engine decided for this call ({@link offer}, {@link cancelOffer}, {@link announce},
 * {@link sendAway}) and tells the engine what happened to it (through {@link CallSessionHost.dispatch}). Its legs tell
 * it their news by typed events; the session is their only listener. Its own life is a state machine
 * ({@link CALL_SESSION_TRANSITIONS}).
 */
import type { CallPatch, NewCallEvent } from "../../db/queries/calls";
import type { EndedBy } from "../../db/schema";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import type { AnnouncementKind, EngineEvent, TransferTarget } from "../queue";
import { OFFER_HEADERS } from "../realtime/events";
import type { ReofferResult } from "../telephony/leg-signalling";
import { StateMachine, TypedEmitter, type EventMap, type TransitionTable } from "../telephony/leg-state";
import type { OperatorLeg, OperatorLegEvents } from "../telephony/operator-leg";
import type { TrunkLeg, TrunkLegEvents } from "../telephony/trunk-leg";
import type { CallMedia, Sound } from "./call-media";
import { EXTERNAL_RING_TIMEOUT_MS, type ExternalCall, type ExternalDialler } from "./external-party";
import type { RecordWrite } from "./call-records";
import type { RecordedCall } from "../recordings/recording-service";
import { CallMenuRun } from "./call-menu";
import type { MenuChoice } from "../hours/caller-menu";
import type { MenuPlan } from "../hours/hours-runtime";
import { VoicemailRun, type VoicemailPlan } from "../voicemail/voicemail-run";
import type { VoicemailEnded } from "../voicemail/voicemail-service";

/**
 * How long a call whose rtpengine died waits for an instance to be up again (the supervisor restarts a dead child
 * in about 0.3 s) before it is given up as `media-lost`, ms. The caller hears silence meanwhile.
 */
export const MEDIA_RECOVERY_WAIT_MS = 5000;

/**
 * Why a call's media failed, as written to the record's `end_reason` (outcome `failed`):
 * - `media-timeout`: rtpengine saw no RTP from anyone within its timeout (a trunk gone without BYE);
 * - `media-lost`: the rtpengine instance holding the call died or restarted, and the call could not be moved;
 * - `no-media`: no rtpengine instance could take the call at admission (the trunk got 503).
 */
export type MediaFailure = "media-timeout" | "media-lost" | "no-media";

/** Trunk-leg end reasons that are Hotline's doing, not the caller's (the record's `ended_by` is `system`). */
const SYSTEM_END_REASONS: ReadonlySet<string> = new Set(["local", "session-expired", "server-error"]);

/** A consultation in progress (see {@link CallSession.consult}). */
interface Consultation {
  /** The external number consulted; empty when consulting a colleague. */
  number: string;
  /** The colleague consulted (operator user id), for a consultation of another operator. */
  colleague?: string;
  /** The consultation's call (the operator's second session and the target's trunk leg), once its INVITE came. */
  call: ExternalCall | undefined;
  /** The operator's INVITE was tied to it ({@link CallSession.claimConsult}). */
  claimed?: boolean;
  answered: boolean;
  since: number;
  inviteTimer?: NodeJS.Timeout;
}

/** How long the desk has to send its consultation INVITE after asking to consult, ms. */
export const CONSULT_INVITE_TIMEOUT_MS = 15_000;

/**
 * The consultation's outbound INVITE tied to its call ({@link CallSession.claimConsult}): the number to call, the
 * queue for the caller ID, and `attach(call)` giving the session the placed call (`end()`: BYE/CANCEL both legs;
 * `reoffer(sdp)`: re-INVITE of the target, which hands the trunk leg over to this call) and returning the session's
 * listeners: `answered` (the target answered), `ended` (the consultation ended before completion: its reason),
 * `hungUp` (the target hung up after completion).
 */
export interface ConsultClaim {
  number: string;
  /** Set for a consultation of another operator: whom to ring (user id), as an internal browser-to-browser call. */
  colleague?: number;
  queueId: number;
  attach(call: ExternalCall): { answered(): void; ended(reason: string): void; hungUp(): void };
}

/** The message a caller hears before the engine sends them away. */
const GOODBYES: Partial<Record<AnnouncementKind, Sound>> = {
  closed: "closed",
  "max-wait": "max-wait",
  "queue-full": "queue-full",
  "no-operators": "no-operators",
  "callback-registered": "callback-registered",
  "callback-unavailable": "callback-unavailable",
};

/**
 * queued (waiting, operators may ring) -> talking (bridged to an operator) <-> held (the operator put the caller on
 * hold: music) ; talking/held -> queued (the operator's leg dropped, or a transfer sent the caller on) ;
 * queued -> external (a blind transfer to a number: the external party rings, then talks to the caller) -> queued
 * (it did not answer: the caller comes back) ; talking/held -> consulting (the caller holds with music, the operator
 * talks to a number: attended transfer) -> talking (cancelled), held (the target hung up or never answered),
 * external (completed: caller and target bridged, the operator leaves) or queued (the operator's leg dropped) ;
 * any -> ended.
 */
export type CallSessionState = "queued" | "talking" | "held" | "consulting" | "external" | "ended";
export const CALL_SESSION_TRANSITIONS: TransitionTable<CallSessionState> = {
  queued: ["talking", "external", "ended"],
  talking: ["held", "consulting", "queued", "ended"],
  held: ["talking", "consulting", "queued", "ended"],
  consulting: ["talking", "held", "external", "queued", "ended"],
  external: ["queued", "ended"],
  ended: [],
};

/** Something the session can subscribe to (a leg's typed events). */
interface Listens<Events extends EventMap> {
  on<E extends keyof Events & string>(event: E, listener: Events[E]): unknown;
}

/** What the session needs of the caller's leg (a {@link TrunkLeg}; a fake in unit tests). */
export type CallerLeg = Listens<TrunkLegEvents> & Pick<
  TrunkLeg,
  "ended" | "sipCallId" | "callerNumber" | "offerSdp" | "fromBrowser" | "remoteTag" | "hangup" | "reoffer" | "attachMedia" | "sendDtmfInfo"
>;

/** The answer to an operator's request about their call (hold, keypad, transfer), for the desk. */
export type CallRequestResult = { ok: true } | { ok: false; error: CallRequestError };
export type CallRequestError =
  | "not-on-this-call"
  | "not-talking"
  | "not-held"
  | "bad-digit"
  | "queue-unavailable"
  | "operator-unavailable"
  /** Consultation of a queue: none of its operators is free now. */
  | "queue-busy"
  /** No trunk route or no media support for calls to external numbers. */
  | "external-transfer-unavailable"
  /** The number is outside the outbound allow-list (toll-fraud guard) or not a number. */
  | "number-not-allowed"
  /** Complete or cancel without a consultation, or complete before the target answered. */
  | "not-consulting";

/** A DTMF digit the keypad may send (RFC 4733 §3.2 events 0-15). */
export const DTMF_DIGIT = /^[0-9*#A-D]$/;
/** What the session needs of an operator's leg (an {@link OperatorLeg}; a fake in unit tests). */
export type OperatorLegPort = Listens<OperatorLegEvents> & Pick<OperatorLeg, "ended" | "localTag" | "send" | "cancel" | "hangup" | "reoffer" | "setHeld">;

/** The session's view of the rest of the process, given by the controller. */
export interface CallSessionHost {
  readonly clock: Clock;
  readonly logger: Logger;
  /** True once shutdown began: endings are recorded as `shutdown`. */
  readonly closing: boolean;
  /** Feeds the queue engine a fact about this call; the controller carries out what it decides. */
  dispatch(event: EngineEvent): void;
  log(event: NewCallEvent): void;
  writeCall(id: string, patch: CallPatch): void;
  enqueueWrite(write: RecordWrite): void;
  /** A new operator leg toward the operator's registered softphone, or undefined when it is not registered. */
  operatorLeg(operatorId: string): OperatorLegPort | undefined;
  /** A recorded call's media was deleted: its recording can be converted and stored (server/recordings). */
  recordingEnded?(call: RecordedCall): void;
  /** A voicemail's media was deleted: its message can be stored (server/voicemail). */
  voicemailEnded?(call: VoicemailEnded): void;
  /** This call's media on a live instance (after its instance died). */
  newMedia(): CallMedia;
  /** Resolves true once some media instance is up (false after `timeoutMs` ms); absent: lost media ends the call. */
  mediaReady?(timeoutMs: number): Promise<boolean>;
  /** Length of each sound, ms: the hang-up after a goodbye waits for it. */
  soundDurationMs(sound: Sound): number;
  /** An rtpengine delete still running after the session left: shutdown awaits it. */
  trackMediaClose(done: Promise<unknown>): void;
  /** Bench probe: an INVITE to an operator was handed to the transaction layer. */
  operatorInviteSent?(sipCallId: string): void;
  /** Calls to external numbers through the trunk; absent: external transfers are refused. */
  readonly external?: ExternalDialler;
}

/** What a session tells its owner. */
export type CallSessionEvents = {
  /** The session's media is closing and it takes no more steps: the owner forgets it. Emitted once. */
  finished: () => void;
  /** The session moved (e.g. talking -> held): desks showing it are updated. */
  state: (state: CallSessionState, operatorId: string | undefined) => void;
};

export interface CallSessionInit {
  id: string;
  trunk: CallerLeg;
  media: CallMedia;
  queueId: number;
  queueName: string;
  /** The prompt file of a sound in the number's language (server/hours); default: the sound itself. */
  localize?(sound: Sound): Sound;
  /** Set when this call is recorded (its queue records, and the sampling chose it): the queue's retention. */
  recording?: { retentionDays: number | null };
}

/** A number outside its hours (server/hours): the prompts to play, then BYE with this end reason. */
export interface ClosedAnswer {
  prompts: readonly string[];
  endReason: string;
  /**
   * Closed action `voicemail`: after `prompts`, these prompts ("leave your message after the tone", the beep), the
   * recording (up to `maxMs`, `#` ends it), then `goodbye` and BYE (server/voicemail).
   */
  voicemail?: { prompts: readonly string[]; goodbye: string; maxMs: VoicemailPlan["maxMs"] };
}

export class CallSession extends TypedEmitter<CallSessionEvents> {
  readonly id: string;
  readonly trunk: CallerLeg;
  media: CallMedia;
  /** The queue the caller is in now (changes with a transfer to another queue). */
  queueId: number;
  queueName: string;
  readonly fsm: StateMachine<CallSessionState>;
  /** Operators ringing, by operator id. */
  readonly offers = new Map<string, OperatorLegPort>();
  operatorId: string | undefined;
  operator: OperatorLegPort | undefined;
  private localizer: ((sound: Sound) => Sound) | undefined;
  /** The caller menu while the caller chooses (before the engine knows the call). */
  private menuRun: CallMenuRun | undefined;
  /** Set when the call is recorded (server/recordings): the retention of its queue. */
  readonly recording: { retentionDays: number | null } | undefined;
  /** rtpengine's caller-facing port once the recording started (it starts with the first operator). */
  private recordingPort: number | undefined;
  private recordingAsked = false;
  /** The voicemail step of a closed number's call (server/voicemail). */
  private voicemailRun: VoicemailRun | undefined;
  /** rtpengine's caller-facing port once the voicemail's recording started. */
  private voicemailPort: number | undefined;
  /** Set when the number answered outside its hours: the record's end reason unless the caller hangs up first. */
  private closedReason: string | undefined;
  /** Media steps run one after the other (rtpengine commands must not overtake each other). */
  chain: Promise<unknown> = Promise.resolve();
  endedBy: EndedBy | undefined;
  finished = false;
  /** Hold time so far, ms (the caller's own hold by re-INVITE, and the operator's hold from the desk). */
  holdMs = 0;
  /** Since when the caller's side holds the call (its re-INVITE said sendonly/inactive), epoch ms. */
  heldSince: number | undefined;
  /** Since when the operator holds the caller (the desk's hold button), epoch ms. */
  deskHeldSince: number | undefined;
  /** Why the engine refused the last transfer asked for (set while it is being dispatched). */
  private transferRefusal: CallRequestError | undefined;
  /** Set when the call ends because its media failed: the record is closed as `failed` with this reason. */
  mediaFailure: MediaFailure | undefined;
  /** Times the call's media was re-created on a live rtpengine after its instance died. */
  mediaRecoveries = 0;
  private followUp: NodeJS.Timeout | undefined;
  /**
   * Operator attempts ringing when the media was lost: their INVITE's SDP points at the dead session. If one answers,
   * its media is moved by a re-INVITE (see moveOperatorMedia) instead of applying its answer.
   */
  private readonly staleOffers = new Set<OperatorLegPort>();
  /**
   * rtpengine dropped the media while the caller was on hold (it was not told about the hold): re-created when the
   * caller resumes; the timer ends the call if the hold outlasts the silent timeout.
   */
  private mediaExpiredOnHold: NodeJS.Timeout | undefined;
  /** Operator media moves so far, for fresh attempt tags. */
  private mediaMoves = 0;
  /** The media the operator leg was last moved onto by re-INVITE (a second move onto the same one is skipped). */
  private operatorMovedOnto: CallMedia | undefined;
  /** The external party of a blind transfer to a number (ringing or answered), and its media attempt tag. */
  private external:
    | {
        number: string;
        attempt: string;
        call: ExternalCall | undefined;
        answered: boolean;
        ringTimer?: NodeJS.Timeout;
        /** Not answered: what happens to the caller (default: back through the engine, `external-transfer-ended`). */
        onFailed?: () => void;
      }
    | undefined;
  /** The record's end reason when it is not the trunk's (the external party hung up). */
  private endReasonOverride: string | undefined;
  /** The consultation in progress (attended transfer to a number): its own media call and the external call. */
  private consultation: Consultation | undefined;
  /** The colleague whose next offer of this call is answered by their desk at once (a completed consultation). */
  private autoAnswerOperator: string | undefined;
  /** External attempts so far, for fresh attempt tags. */
  private externalAttempts = 0;

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
    this.trunk.on("ended", (reason) => this.trunkEnded(reason));
    this.trunk.on("hold", (held) => this.callerHold(held));
    this.trunk.on("dtmf", (digit) => this.callerDigit(digit, "info"));
    // re-INVITE/UPDATE SDP and ACK answers go to the call's media (RFC 3264 §8.3.1, late offer).
    this.trunk.attachMedia(this.media);
  }

  get state(): CallSessionState {
    return this.fsm.state;
  }

  /** True while the caller talks to someone (an operator, or the external party of a transfer): no music, no prompts. */
  get bridged(): boolean {
    return this.operator !== undefined || this.external?.answered === true;
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

  /** Runs `step` on the call's media chain; skipped once the session finished. Errors are logged, not thrown. */
  enqueueMedia(step: () => Promise<unknown>): void {
    this.chain = this.chain
      .then(() => (this.finished ? undefined : step()))
      .catch((error) => this.host.logger.warn("media step failed", { callId: this.id, error: String(error) }));
  }

  /** Moves the session, when the table allows it (a no-op otherwise: legs race, and the later news is stale). */
  private moveTo(state: CallSessionState): void {
    if (this.fsm.state !== state && this.fsm.can(state)) this.fsm.move(state);
  }

  // ---- the engine's decisions -----------------------------------------------------------------------------------

  /** The engine offers the call to `operatorId`: an INVITE with rtpengine's WebRTC offer to their softphone. */
  offer(operatorId: string): void {
    const leg = this.host.operatorLeg(operatorId);
    if (!leg) {
      // The engine believed the softphone registered; it is not (race with an unregister).
      this.host.dispatch({ type: "offer-declined", callId: this.id, operatorId });
      return;
    }
    this.offers.set(operatorId, leg);
    this.host.enqueueWrite({ op: "increment-offers", id: this.id });
    leg.on("answered", (sdp) => this.operatorAnswered(operatorId, leg, sdp));
    leg.on("failed", (status) => {
      if (this.offers.get(operatorId) !== leg) return;
      this.offers.delete(operatorId);
      if (this.autoAnswerOperator === operatorId) this.autoAnswerOperator = undefined;
      this.enqueueMedia(() => this.media.abandonOperatorAttempt(leg.localTag));
      const type = status === 408 || status === 480 ? "offer-timed-out" : "offer-declined";
      this.host.dispatch({ type, callId: this.id, operatorId });
    });
    leg.on("ended", (reason) => this.operatorHungUp(operatorId, leg, reason));
    this.enqueueMedia(async () => {
      if (leg.ended) return;
      const sdp = await this.media.offerToOperator(leg.localTag);
      // The offer may have been cancelled while rtpengine prepared it.
      if (leg.ended) return;
      leg.send(
        sdp,
        [
          [OFFER_HEADERS.callId, this.id],
          [OFFER_HEADERS.caller, this.trunk.callerNumber],
          [OFFER_HEADERS.queue, encodeURIComponent(this.queueName)],
          ...(this.autoAnswerOperator === operatorId ? [[OFFER_HEADERS.autoAnswer, "consult"] as [string, string]] : []),
        ],
        this.trunk.callerNumber,
      );
      if (!leg.ended) this.host.operatorInviteSent?.(this.trunk.sipCallId);
    });
  }

  /** The engine withdraws an offer (someone else answered, ring timeout, the caller left). */
  cancelOffer(operatorId: string): void {
    const leg = this.offers.get(operatorId);
    if (!leg) return;
    this.offers.delete(operatorId);
    leg.cancel();
    this.enqueueMedia(() => this.media.abandonOperatorAttempt(leg.localTag));
  }

  /** An announcement for a waiting caller (position, periodic); skipped once an operator talks to them. */
  announce(prompts: readonly Sound[]): boolean {
    if (this.bridged || prompts.length === 0) return false;
    this.playThenMusic(prompts);
    return true;
  }

  /** The engine sends the caller away: its goodbye, then BYE once it has been heard. */
  sendAway(announcement: AnnouncementKind): void {
    this.endedBy = "system";
    const goodbye = this.localize(GOODBYES[announcement] ?? "closed");
    this.enqueueMedia(() => this.media.playToCaller(goodbye));
    setTimeout(() => this.trunk.hangup("local"), this.host.soundDurationMs(goodbye)).unref();
  }

  /** Shutdown: BYE to the caller, recorded as the system's doing. */
  hangUpForShutdown(): void {
    this.endedBy = "system";
    this.trunk.hangup("local");
  }

  /**
   * A digit from the caller: by SIP INFO (the trunk leg's `dtmf` event) or as RFC 4733 events (rtpengine's DTMF log,
   * routed by the controller). Logged; taken by the caller menu while it runs.
   */
  callerDigit(digit: string, via: "info" | "rfc4733"): void {
    if (this.finished) return;
    this.log("call.dtmf", { digit, via });
    this.menuRun?.digit(digit);
    this.voicemailRun?.digit(digit);
  }

  /**
   * The number's caller menu (issue 11, point 4), before the caller is queued: its prompts, digits, repeats and
   * default (server/hours/caller-menu.ts). `chosen` is called once with the caller's choice; not when the caller
   * hangs up first (the record is then closed here as abandoned).
   */
  runMenu(plan: MenuPlan, chosen: (choice: MenuChoice) => void): void {
    this.menuRun = new CallMenuRun(plan, {
      play: (sound) => this.enqueueMedia(() => this.media.playToCaller(this.localize(sound))),
      durationMs: (sound) => this.host.soundDurationMs(this.localize(sound)),
      log: (type, data) => this.log(type, data, { queueId: this.queueId }),
      chosen: (choice) => {
        this.menuRun = undefined;
        if (!this.finished && !this.trunk.ended) chosen(choice);
      },
    });
    this.menuRun.start();
  }

  /** The caller chose another language in the menu: every later prompt of the call is in that language. */
  setLocalizer(localize: (sound: Sound) => Sound): void {
    this.localizer = localize;
  }

  /**
   * The caller chose "callback" in the menu: the confirmation, then BYE. `keptPlace`: the controller put a place for
   * them in the number's queue (the engine makes the callback request when their turn comes); the record then stays
   * open until that turn (the engine writes its outcome), with end reason `menu-callback`. A caller whose number
   * cannot be called back (anonymous, withheld) is told so instead, and the record closes as abandoned.
   */
  leaveForCallback(keptPlace: boolean): void {
    this.endedBy = "system";
    this.closedReason = keptPlace ? "menu-callback" : "callback-unavailable";
    const goodbye = this.localize(keptPlace ? "callback-registered" : "callback-unavailable");
    this.enqueueMedia(() => this.media.playToCaller(goodbye));
    setTimeout(() => this.trunk.hangup("local"), this.host.soundDurationMs(goodbye)).unref();
  }

  /** The greeting once the caller is queued (unless the engine already turned them away). */
  greet(greeting: Sound = "greeting"): void {
    if (!this.endedBy) this.playThenMusic([greeting]);
  }

  /**
   * Outside the number's hours (server/hours): the closed message (with the next opening), then BYE. The engine never
   * sees the call; its record is closed here as `closed`, ended by the system (or by the caller who hung up first).
   * With closed action `voicemail` the voicemail step follows the message ({@link runVoicemail}); the record becomes
   * `voicemail` once a message is stored (server/voicemail/voicemail-service.ts).
   */
  answerClosed(closed: ClosedAnswer): void {
    this.endedBy = "system";
    this.closedReason = closed.endReason;
    const prompts = closed.prompts.map((p) => this.localize(p as Sound));
    this.log("call.announcement", { announcement: "closed", prompts });
    if (closed.voicemail) return this.runVoicemail(prompts, closed.voicemail);
    let totalMs = 0;
    for (const sound of prompts) {
      const startMs = totalMs;
      totalMs += this.host.soundDurationMs(sound);
      setTimeout(() => this.enqueueMedia(() => this.media.playToCaller(sound)), startMs).unref();
    }
    setTimeout(() => this.trunk.hangup("local"), totalMs).unref();
  }

  /** The closed message, then the voicemail step (server/voicemail/voicemail-run.ts). */
  private runVoicemail(closedPrompts: readonly Sound[], plan: NonNullable<ClosedAnswer["voicemail"]>): void {
    const prompts = [...closedPrompts, ...plan.prompts.map((p) => this.localize(p as Sound))];
    const goodbye = this.localize(plan.goodbye as Sound);
    this.voicemailRun = new VoicemailRun(
      { prompts, goodbye, maxMs: plan.maxMs },
      {
        play: (sound) => this.enqueueMedia(() => this.media.playToCaller(sound)),
        durationMs: (sound) => this.host.soundDurationMs(sound),
        startRecording: () =>
          this.enqueueMedia(async () => {
            if (!this.media.startRecording) throw new Error("this call's media cannot record");
            // Nothing plays while the caller speaks (the beep may still be ending).
            await this.media.stopCallerPlayback();
            this.voicemailPort = (await this.media.startRecording()).callerPort;
          }),
        stopRecording: () => this.enqueueMedia(async () => this.media.stopRecording?.()),
        hangUp: () => this.trunk.hangup("local"),
        log: (type, data) => this.log(type, data, { queueId: this.queueId }),
      },
    );
    this.voicemailRun.start();
  }

  // ---- the operator's requests (desk) ---------------------------------------------------------------------------

  private talkingWith(operatorId: string): CallRequestResult | undefined {
    if (this.operatorId !== operatorId || !this.operator) return { ok: false, error: "not-on-this-call" };
    return undefined;
  }

  /**
   * The operator puts the caller on hold: the caller hears hold music, neither side hears the other (the media's
   * {@link CallMedia.holdCaller}), the operator's leg is marked held, and the hold time counts toward the record's
   * hold time (AHT = talk + hold + wrap-up). Logged as `call.held`.
   */
  hold(operatorId: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    if (!this.fsm.is("talking")) return { ok: false, error: "not-talking" };
    this.fsm.move("held");
    this.operator!.setHeld(true);
    this.deskHeldSince = this.now();
    this.log("call.held", undefined, { operatorId: Number(operatorId), queueId: this.queueId });
    this.enqueueMedia(() => this.media.holdCaller());
    return { ok: true };
  }

  /** Back from {@link hold}: music stops, both sides hear each other. Logged as `call.resumed` with the hold's length. */
  resume(operatorId: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    if (!this.fsm.is("held")) return { ok: false, error: "not-held" };
    const heldMs = this.endDeskHold();
    this.fsm.move("talking");
    this.operator!.setHeld(false);
    this.log("call.resumed", { heldMs }, { operatorId: Number(operatorId), queueId: this.queueId });
    this.enqueueMedia(() => this.media.resumeCaller());
    return { ok: true };
  }

  /** Ends the desk hold's timing (if any) and writes the record's hold time; returns this hold's length, ms. */
  private endDeskHold(): number {
    if (this.deskHeldSince === undefined) return 0;
    const heldMs = this.now() - this.deskHeldSince;
    this.deskHeldSince = undefined;
    this.holdMs += heldMs;
    this.write({ holdMs: this.holdMs });
    return heldMs;
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

  /**
   * Blind transfer (to a queue, or to one operator): the engine decides whether it can be carried out (see the
   * `call-transferred` engine event). Accepted, the operator's leg ends (BYE) and the caller hears hold music until
   * the next operator answers ({@link transferredOut}); refused, nothing changes and the reason is returned.
   */
  transfer(operatorId: string, to: TransferTarget): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    this.transferRefusal = undefined;
    this.host.dispatch({ type: "call-transferred", callId: this.id, operatorId, to });
    const refusal = this.transferRefusal;
    this.transferRefusal = undefined;
    if (refusal) return { ok: false, error: refusal };
    return this.operatorId === operatorId ? { ok: false, error: "not-on-this-call" } : { ok: true };
  }

  /** The engine refused a transfer of this call: the caller stays with the operator. */
  transferRefused(reason: "queue-unavailable" | "operator-unavailable"): void {
    this.transferRefusal = reason;
    this.log("call.transfer-refused", { reason }, { operatorId: this.operatorId === undefined ? null : Number(this.operatorId) });
  }

  /**
   * The engine accepted a transfer: the operator leaves (BYE to their softphone; the desk hold, if any, ends), and
   * the caller goes back to the placeholder with hold music, waiting for the next operator.
   */
  transferredOut(toQueue?: { id: number; name: string }): void {
    const leg = this.operator;
    if (!leg || this.finished) return;
    this.endDeskHold();
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
   * Blind transfer to an external number (a directory contact or a typed one) through the trunk. `number` must have
   * passed the allow-list ({@link ExternalDialler.check}). The engine ends the operator's part (wrap-up, segment,
   * `call.transferred` with `toNumber`); the caller hears hold music while the external party rings (an INVITE with a
   * plain-RTP offer from rtpengine: trunk to trunk, same G.711 codec, no transcoding), then is bridged to it. If it
   * does not answer (busy, no answer within {@link EXTERNAL_RING_TIMEOUT_MS}, failure) the caller is never dropped:
   * back to the transferring operator if available, else to the head of the queue, with an apology (the engine's
   * `external-transfer-ended`).
   */
  transferExternal(operatorId: string, number: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    if (!this.host.external || !this.media.offerToExternal) return { ok: false, error: "external-transfer-unavailable" };
    this.host.dispatch({ type: "call-transferred", callId: this.id, operatorId, to: { external: number } });
    if (this.operatorId === operatorId) return { ok: false, error: "not-on-this-call" };
    this.moveTo("external");
    this.callExternal(number, Number(operatorId));
    return { ok: true };
  }

  /**
   * A number outside its hours with action `forward:<number>` (server/hours): the caller, answered already, hears
   * music while the number rings through the trunk (as for a blind transfer to a number), then talks to it. The
   * engine never sees the call; the record is closed as `closed` with end reason `forwarded`. If the forward fails
   * (busy, no answer, refused by the allow-list) the closed message plays, then BYE. False when forwarding is
   * impossible here (no trunk route): then the caller gets the closed message at once.
   */
  forwardClosed(number: string, closed: ClosedAnswer): boolean {
    if (!this.host.external || !this.media.offerToExternal) return false;
    this.endedBy = "system";
    this.closedReason = "forwarded";
    this.log("call.forwarded", { number }, { queueId: this.queueId });
    this.moveTo("external");
    this.playThenMusic([]);
    this.callExternal(number, 0, () => this.answerClosed(closed));
    return true;
  }

  /** Rings `number` through the trunk with a plain-RTP branch of the caller's media; see {@link transferExternal}. */
  private callExternal(number: string, operatorId: number, onFailed?: () => void): void {
    this.externalAttempts += 1;
    const attempt = `${this.trunk.remoteTag}-x${this.externalAttempts}`;
    const external: NonNullable<CallSession["external"]> = { number, attempt, call: undefined, answered: false, ...(onFailed && { onFailed }) };
    this.external = external;
    external.ringTimer = setTimeout(() => this.externalFailed(external, 408), EXTERNAL_RING_TIMEOUT_MS);
    external.ringTimer.unref();
    const media = this.media;
    this.enqueueMedia(async () => {
      if (this.external !== external) return;
      const sdp = await media.offerToExternal!(attempt);
      if (this.external !== external) return void (await media.abandonOperatorAttempt(attempt));
      const placed = await this.host.external!.place({
        number,
        operatorId,
        queueId: this.queueId,
        sdp,
        events: {
          answered: (answer) => this.externalAnswered(external, answer),
          failed: (status) => this.externalFailed(external, status),
          hungUp: () => this.externalHungUp(external),
        },
      });
      if (!placed.ok) return this.externalFailed(external, placed.reason === "no-trunk" ? 503 : 403);
      if (this.external === external) external.call = placed.call;
      else placed.call.end();
    });
  }

  private externalAnswered(external: NonNullable<CallSession["external"]>, sdp: string): void {
    if (this.external !== external || this.finished) {
      external.call?.end();
      return;
    }
    clearTimeout(external.ringTimer);
    clearTimeout(this.followUp);
    external.answered = true;
    this.log("call.external-answered", { number: external.number }, { queueId: this.queueId });
    this.enqueueMedia(() => this.media.operatorAnswered(external.attempt, sdp));
  }

  /** The external party did not answer: the caller comes back (the engine decides where), after an apology. */
  private externalFailed(external: NonNullable<CallSession["external"]>, status: number): void {
    if (this.external !== external || external.answered || this.finished) return;
    clearTimeout(external.ringTimer);
    this.external = undefined;
    external.call?.end();
    this.log("call.external-failed", { number: external.number, status }, { queueId: this.queueId });
    this.enqueueMedia(() => this.media.abandonOperatorAttempt(external.attempt));
    if (external.onFailed) return external.onFailed();
    this.moveTo("queued");
    this.host.dispatch({ type: "external-transfer-ended", callId: this.id, answered: false });
  }

  /** The external party hung up after answering: the call is over (BYE to the caller). */
  private externalHungUp(external: NonNullable<CallSession["external"]>): void {
    if (this.external !== external || this.finished) return;
    this.external = undefined;
    this.endedBy = "system";
    this.endReasonOverride = "external-hung-up";
    this.trunk.hangup("local");
  }

  // ---- consultation (attended transfer) -------------------------------------------------------------------------

  /**
   * Consultation before a transfer, to an external number (attended transfer, RFC 5589's "consultation" without
   * REFER: Hotline is the B2BUA of every leg). The caller is put on hold as by {@link hold} (music, the operator's
   * leg held, nothing renegotiated), and the operator's softphone places the consultation as a SECOND SIP session:
   * an outbound INVITE carrying `X-Hotline-Consult: <call id>` (server/outbound), which {@link claimConsult} ties to
   * this call; the target gets its own rtpengine call there. (Moving the operator's one WebRTC leg onto another
   * rtpengine call by re-INVITE leaves Chromium without SRTP: its DTLS is not redone against the same certificate.)
   * `number` must have passed the allow-list. Logged as `call.consulted`; the desk shows `consulting`.
   */
  consult(operatorId: string, number: string): CallRequestResult {
    return this.startConsult(operatorId, { number });
  }

  /**
   * Consultation of a colleague (another operator, `colleagueId`): as {@link consult}, but the desk's second session
   * rings the colleague's softphone as an internal call (server/outbound: its own rtpengine call, WebRTC both sides).
   * Whether the colleague is available is the controller's check ({@link CallController.consultOperator}).
   * Completing it ends that call and transfers the caller to the colleague by the blind transfer to a named operator,
   * whose offer then carries `X-Hotline-Auto-Answer: consult` ({@link completeConsult}).
   */
  consultOperator(operatorId: string, colleagueId: string): CallRequestResult {
    if (colleagueId === operatorId) return { ok: false, error: "operator-unavailable" };
    return this.startConsult(operatorId, { number: "", colleague: colleagueId });
  }

  private startConsult(operatorId: string, target: { number: string; colleague?: string }): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    if (!this.fsm.is("talking", "held")) return { ok: false, error: "not-talking" };
    const { number, colleague } = target;
    if (colleague === undefined && !this.host.external) return { ok: false, error: "external-transfer-unavailable" };
    const wasTalking = this.fsm.is("talking");
    const consultation: Consultation = { number, ...(colleague !== undefined && { colleague }), call: undefined, answered: false, since: this.now() };
    this.consultation = consultation;
    // The desk's INVITE should follow at once; a desk that never sends it gets its caller back (held).
    consultation.inviteTimer = setTimeout(() => !consultation.call && this.consultGone(consultation, "no-invite"), CONSULT_INVITE_TIMEOUT_MS);
    consultation.inviteTimer.unref();
    if (this.deskHeldSince === undefined) this.deskHeldSince = this.now();
    this.fsm.move("consulting");
    this.operator!.setHeld(true);
    this.log("call.consulted", colleague !== undefined ? { operatorTarget: Number(colleague) } : { number }, { operatorId: Number(operatorId), queueId: this.queueId });
    if (wasTalking) this.enqueueMedia(() => this.media.holdCaller());
    return { ok: true };
  }

  /**
   * The operator's consultation INVITE arrived (server/outbound, `X-Hotline-Consult`): the number to call and the
   * queue whose caller ID to show, and `attach` to hand the session the placed call. Undefined when this operator
   * has no consultation waiting for its INVITE on this call (the INVITE is then refused).
   */
  claimConsult(operatorId: string): ConsultClaim | undefined {
    const consultation = this.consultation;
    if (!consultation || consultation.call || consultation.claimed || this.operatorId !== operatorId || !this.fsm.is("consulting")) return undefined;
    // The timer runs on until the call is placed: an INVITE refused after this (allow-list, no trunk) brings the caller back too.
    consultation.claimed = true;
    return {
      number: consultation.number,
      ...(consultation.colleague !== undefined && { colleague: Number(consultation.colleague) }),
      queueId: this.queueId,
      attach: (call) => {
        if (this.consultation !== consultation) {
          call.end();
          return { answered: () => {}, ended: () => {}, hungUp: () => {} };
        }
        consultation.call = call;
        clearTimeout(consultation.inviteTimer);
        return {
          answered: () => {
            if (this.consultation !== consultation) return;
            consultation.answered = true;
            this.log("call.consult-answered", this.consultLabel(consultation), { operatorId: Number(this.operatorId), queueId: this.queueId });
          },
          ended: (reason) => this.consultGone(consultation, reason),
          // After a completed consultation: the target, now bridged to the caller, hung up.
          hungUp: () => this.external?.call === call && this.externalHungUp(this.external),
        };
      },
    };
  }

  /** Cancel: the consultation's session ends (BYE or CANCEL to both its legs) and the operator talks to the caller again. */
  cancelConsult(operatorId: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    const consultation = this.consultation;
    if (!consultation || !this.fsm.is("consulting")) return { ok: false, error: "not-consulting" };
    this.endConsultation(consultation, "cancelled");
    this.backToCaller("talking");
    return { ok: true };
  }

  /**
   * Complete: the caller and the target are bridged and the operator leaves (wrap-up, as after a blind transfer; BYE
   * to both of the operator's sessions). The target's trunk leg is re-INVITEd onto the caller's media call (a
   * plain-RTP branch of the caller, as for a blind transfer to a number: G.711 forwarded), the consultation's own
   * media call is deleted, and the call goes on as an answered external transfer (`call.transferred` with
   * `toNumber`, then the external segment).
   */
  completeConsult(operatorId: string): CallRequestResult {
    const refused = this.talkingWith(operatorId);
    if (refused) return refused;
    const consultation = this.consultation;
    if (!consultation || !this.fsm.is("consulting") || !consultation.answered || !consultation.call) return { ok: false, error: "not-consulting" };
    if (consultation.colleague !== undefined) return this.completeOperatorConsult(operatorId, consultation, consultation.colleague);
    const call = consultation.call;
    this.consultation = undefined;
    this.endDeskHold();
    this.log("call.consult-ended", { number: consultation.number, reason: "completed", ms: this.now() - consultation.since }, { operatorId: Number(operatorId), queueId: this.queueId });
    // The engine ends the operator's part (wrap-up, segment); transferredOut sends BYE to their first session.
    this.host.dispatch({ type: "call-transferred", callId: this.id, operatorId, to: { external: consultation.number } });
    if (this.operatorId === operatorId) return { ok: false, error: "not-on-this-call" };
    this.externalAttempts += 1;
    const external: NonNullable<CallSession["external"]> = { number: consultation.number, attempt: `${this.trunk.remoteTag}-x${this.externalAttempts}`, call, answered: true };
    this.external = external;
    this.moveTo("external");
    this.log("call.external-answered", { number: external.number, consulted: true }, { queueId: this.queueId });
    const media = this.media;
    this.enqueueMedia(async () => {
      try {
        const offer = await media.offerToExternal!(external.attempt);
        const reply = await retryAfterGlare(() => call.reoffer(offer), 2100);
        if (reply.status >= 300 || !reply.sdp) throw new Error(`the target refused the re-INVITE: ${reply.status}`);
        if (this.external !== external) return;
        await media.operatorAnswered(external.attempt, reply.sdp);
      } catch (error) {
        this.host.logger.warn("completing the consultation failed", { callId: this.id, error: String(error) });
        // The target could not be joined: it is let go, and the caller comes back as from an unanswered transfer.
        external.answered = false;
        this.externalFailed(external, 500);
      }
    });
    return { ok: true };
  }

  /**
   * Complete with a colleague: the consultation's call ends first (BYE to both softphones; the colleague is no longer
   * busy for the engine), then the caller goes to the colleague by the blind transfer to a named operator (only
   * that operator rings, the caller keeps place and priority, the engine falls back to the queue head if it is not
   * answered), with `X-Hotline-Auto-Answer: consult` on that offer: the colleague's desk answers without ringing,
   * since they just agreed. The first operator leaves (wrap-up). Refused by the engine (the colleague went away), the
   * first operator is back with the held caller and the engine's reason is returned.
   */
  private completeOperatorConsult(operatorId: string, consultation: Consultation, colleague: string): CallRequestResult {
    this.consultation = undefined;
    clearTimeout(consultation.inviteTimer);
    consultation.call?.end();
    this.log("call.consult-ended", { operatorTarget: Number(colleague), reason: "completed", ms: this.now() - consultation.since }, { operatorId: Number(operatorId), queueId: this.queueId });
    this.fsm.move("held");
    this.autoAnswerOperator = colleague;
    const result = this.transfer(operatorId, { operatorId: colleague });
    if (!result.ok) this.autoAnswerOperator = undefined;
    return result;
  }

  /** What a consultation's log entries say about its target. */
  private consultLabel(consultation: Consultation): Record<string, unknown> {
    return consultation.colleague !== undefined ? { operatorTarget: Number(consultation.colleague) } : { number: consultation.number };
  }

  /** The target hung up, never answered, or the consultation failed: the operator is back with the held caller. */
  private consultGone(consultation: Consultation, reason: string): void {
    if (this.consultation !== consultation || this.finished) return;
    this.endConsultation(consultation, reason);
    this.backToCaller("held");
  }

  /** Ends the consultation's session (CANCEL or BYE to the target and to the operator's second session). */
  private endConsultation(consultation: Consultation, reason: string): void {
    this.consultation = undefined;
    clearTimeout(consultation.inviteTimer);
    consultation.call?.end();
    this.log("call.consult-ended", { ...this.consultLabel(consultation), reason, ms: this.now() - consultation.since }, { operatorId: this.operatorId === undefined ? null : Number(this.operatorId), queueId: this.queueId });
  }

  /**
   * Back to the caller after a consultation, on the operator's first session (it never moved): talking (music
   * stops, both hear each other) after a cancel, held (music on, the desk shows `held`) after the target left.
   */
  private backToCaller(to: "talking" | "held"): void {
    const operator = this.operator;
    if (!operator) return;
    if (to === "talking") this.endDeskHold();
    this.fsm.move(to);
    operator.setHeld(to === "held");
    if (to === "talking") this.enqueueMedia(() => this.media.resumeCaller());
  }

  // ---- operator legs --------------------------------------------------------------------------------------------

  private operatorAnswered(operatorId: string, leg: OperatorLegPort, sdp: string): void {
    if (this.finished || this.operator) {
      leg.hangup();
      return;
    }
    this.offers.delete(operatorId);
    this.autoAnswerOperator = undefined;
    this.operator = leg;
    this.operatorId = operatorId;
    clearTimeout(this.followUp);
    if (this.staleOffers.delete(leg)) this.enqueueMedia(() => this.moveOperatorMedia(operatorId, leg));
    else this.enqueueMedia(() => this.media.operatorAnswered(leg.localTag, sdp));
    this.startRecording();
    this.moveTo("talking");
    this.host.dispatch({ type: "offer-answered", callId: this.id, operatorId });
  }

  private operatorHungUp(operatorId: string, leg: OperatorLegPort, reason: string): void {
    if (this.operator !== leg || this.finished) return;
    this.endDeskHold();
    // BYE from the operator ends the call; a dead connection is a failure the caller must survive.
    if (this.consultation) this.endConsultation(this.consultation, "operator-left");
    if (reason !== "bye") {
      this.operator = undefined;
      this.operatorId = undefined;
      this.moveTo("queued");
      this.log("call.operator-leg-failed", undefined, { operatorId: Number(operatorId) });
      this.enqueueMedia(() => this.media.operatorLegLost({ apology: this.localizer ? this.localize("apology") : true }));
      this.host.dispatch({ type: "operator-leg-failed", callId: this.id, operatorId });
      return;
    }
    this.endedBy = "operator";
    this.write({ endedBy: "operator", endReason: "operator-hung-up" });
    this.trunk.hangup("local");
  }

  /**
   * Gives a connected operator leg the call's current media: a new WebRTC offer from rtpengine (a fresh attempt tag),
   * sent by re-INVITE (RFC 3261 §14.1), and the softphone's answer applied. Used after the media moved to another
   * rtpengine, for the bridged operator or for one who answers an offer made before the move. Resolves true when
   * bridged; if the softphone refuses, that leg ends and the caller, after an apology, is queued again (as when an
   * operator's line drops), and it resolves false.
   */
  private async moveOperatorMedia(operatorId: string, operator: OperatorLegPort): Promise<boolean> {
    if (this.finished || this.operator !== operator) return false;
    const media = this.media;
    if (this.operatorMovedOnto === media) return true;
    this.mediaMoves += 1;
    const attempt = `${operator.localTag}-m${this.mediaMoves}`;
    const offer = await media.offerToOperator(attempt);
    // We generated the operator dialog's Call-ID: 2.1 to 4 s after a glare (§14.1).
    const reply = await retryAfterGlare(() => operator.reoffer(offer), 2100);
    if (this.finished || this.operator !== operator) return false;
    if (reply.status < 300 && reply.sdp) {
      await media.operatorAnswered(attempt, reply.sdp);
      this.operatorMovedOnto = media;
      return true;
    }
    this.host.logger.warn("operator refused the re-INVITE moving the media", { callId: this.id, status: reply.status });
    operator.hangup();
    this.operator = undefined;
    this.operatorId = undefined;
    this.moveTo("queued");
    await media.abandonOperatorAttempt(attempt);
    this.log("call.operator-leg-failed", undefined, { operatorId: Number(operatorId) });
    this.host.dispatch({ type: "operator-leg-failed", callId: this.id, operatorId });
    if (!this.operator && !this.finished) {
      const ms = await media.playToCaller("apology");
      this.followUp = setTimeout(() => !this.operator && !this.finished && this.playThenMusic([]), ms ?? 0);
      this.followUp.unref();
    }
    return false;
  }

  // ---- the caller's side ----------------------------------------------------------------------------------------

  /** Hold time is part of AHT: count it from the caller's hold/unhold re-INVITEs. */
  private callerHold(held: boolean): void {
    const now = this.now();
    if (held && this.heldSince === undefined) this.heldSince = now;
    if (!held && this.heldSince !== undefined) {
      this.holdMs += now - this.heldSince;
      this.heldSince = undefined;
      this.write({ holdMs: this.holdMs });
    }
    this.log(held ? "call.hold" : "call.unhold");
    if (!held && this.mediaExpiredOnHold !== undefined) {
      clearTimeout(this.mediaExpiredOnHold);
      this.mediaExpiredOnHold = undefined;
      // rtpengine dropped the media during the hold: the caller is back, so the media is re-created and re-INVITEd.
      if (!this.trunk.ended && !this.finished) this.mediaLost();
    }
  }

  private trunkEnded(reason: string): void {
    if (this.external) {
      clearTimeout(this.external.ringTimer);
      this.external.call?.end();
      this.external = undefined;
    }
    if (this.closedReason === "menu-callback" || this.closedReason === "callback-unavailable") {
      const endedBy = reason === "bye" ? "caller" : "system";
      // A kept place: the engine closes the record when the caller's turn comes (outcome, end time).
      if (this.closedReason === "menu-callback") this.write({ endedBy, endReason: "menu-callback" });
      else this.write({ outcome: "abandoned", endedAt: new Date(this.now()), endedBy, endReason: "callback-unavailable" });
      this.finishMedia();
      return;
    }
    if (this.closedReason !== undefined) {
      this.voicemailRun?.hungUp();
      const byCaller = reason === "bye";
      if (byCaller) this.endedBy = "caller";
      this.write({ outcome: "closed", endedAt: new Date(this.now()), endedBy: this.endedBy, endReason: byCaller ? "caller-hung-up" : this.closedReason });
      this.finishMedia();
      return;
    }
    if (this.menuRun) {
      // Gone while choosing in the menu: the engine never saw the call.
      this.menuRun.cancel();
      this.menuRun = undefined;
      this.write({ outcome: "abandoned", endedAt: new Date(this.now()), endedBy: SYSTEM_END_REASONS.has(reason) ? "system" : "caller", endReason: reason === "bye" ? "caller-hung-up-in-menu" : reason });
      this.finishMedia();
      return;
    }
    if (this.heldSince !== undefined) this.callerHold(false);
    if (!this.finished) this.endDeskHold();
    if (this.finished) return;
    // The session timer (RFC 4028) or an error answered by the transaction layer is the system's doing too.
    this.endedBy ??= SYSTEM_END_REASONS.has(reason) ? "system" : "caller";
    const endReason = this.host.closing ? "shutdown" : reason === "bye" ? "caller-hung-up" : reason;
    this.write({ endedBy: this.endedBy, endReason: this.endReasonOverride ?? endReason });
    if (this.consultation) this.endConsultation(this.consultation, "caller-hung-up");
    if (this.operator) {
      this.operator.hangup();
      this.host.dispatch({ type: "call-ended", callId: this.id });
    } else {
      for (const leg of this.offers.values()) leg.cancel();
      this.offers.clear();
      this.host.dispatch({ type: "caller-hung-up", callId: this.id });
      // A queued caller cut off by our shutdown did not give up: not an abandon in the figures (written after the
      // engine's record, in order).
      if (this.host.closing) this.write({ outcome: "failed" });
    }
    this.finishMedia();
  }

  /**
   * An announcement, then hold music when it ends (rtpengine has no playlist). The switch is skipped when the
   * caller reached an operator meanwhile.
   */
  playThenMusic(sounds: readonly Sound[]): void {
    const [sound, ...rest] = sounds;
    if (sound === undefined) {
      this.enqueueMedia(async () => {
        if (!this.bridged && !this.finished) await this.media.playToCaller("hold-music", { loop: true });
      });
      return;
    }
    this.enqueueMedia(async () => {
      if (this.bridged || this.finished) return;
      clearTimeout(this.followUp);
      // rtpengine tells each prompt's length; the next one starts when it ends (no completion event exists).
      const ms = await this.media.playToCaller(this.localize(sound));
      this.followUp = setTimeout(() => {
        if (!this.bridged && !this.finished) this.playThenMusic(rest);
      }, ms ?? 0);
      this.followUp.unref();
    });
  }

  /**
   * The consent notice of a recorded call ("this call may be recorded", in the number's language), played before
   * the caller joins the queue, so no operator is connected before the caller heard it. Resolves when it has been
   * played (its length) or the call ended.
   */
  playRecordingNotice(): Promise<void> {
    const notice = this.localize("recording-notice");
    this.log("call.announcement", { announcement: "recording-notice", prompts: [notice] });
    return new Promise((resolve) => {
      this.enqueueMedia(async () => {
        let ms: number | undefined;
        try {
          ms = await this.media.playToCaller(notice);
        } catch (error) {
          resolve();
          throw error;
        }
        setTimeout(resolve, ms ?? this.host.soundDurationMs(notice)).unref();
      });
      // A step skipped (the call ended) or failed must not leave the caller waiting.
      this.chain = this.chain.then(() => (this.finished ? resolve() : undefined));
    });
  }

  /**
   * Starts the recording with the first operator connected (server/recordings): rtpengine then records every
   * later segment of the call on the same call id (transfers, a second operator), until the call is deleted.
   */
  private startRecording(): void {
    if (!this.recording || this.recordingAsked || !this.media.startRecording) return;
    this.recordingAsked = true;
    this.enqueueMedia(async () => {
      const started = await this.media.startRecording!();
      this.recordingPort = started.callerPort;
      this.log("call.recording-started");
    });
  }

  /** Ends the session's media (rtpengine delete) once; later steps on its chain are skipped. */
  finishMedia(): void {
    if (this.finished) return;
    this.finished = true;
    this.moveTo("ended");
    clearTimeout(this.followUp);
    clearTimeout(this.mediaExpiredOnHold);
    this.menuRun?.cancel();
    this.voicemailRun?.cancel();
    this.emit("finished");
    // Not behind the call's chain: a step there may be waiting on the media itself (a late offer's answer that will
    // never come now), and the media orders its own rtpengine commands. Steps still queued see `finished` and skip.
    const closed = this.media.close().catch((error) => this.host.logger.warn("media close failed", { callId: this.id, error: String(error) }));
    this.host.trackMediaClose(closed);
    // The recording's files are complete once rtpengine deleted the call (it writes the metadata at delete).
    void closed.then(() => {
      if (this.voicemailPort !== undefined) {
        this.host.voicemailEnded?.({ callId: this.id, callerPort: this.voicemailPort, callerNumber: this.trunk.callerNumber, queueId: this.queueId, endedAt: new Date(this.now()) });
      }
      if (this.recordingPort === undefined || !this.recording) return;
      this.host.recordingEnded?.({ callId: this.id, callerPort: this.recordingPort, endedAt: new Date(this.now()), retentionDays: this.recording.retentionDays });
    });
  }

  // ---- media failures -------------------------------------------------------------------------------------------

  /**
   * rtpengine dropped the call for lack of RTP: the trunk is gone without a BYE. A caller on hold (by re-INVITE) is
   * not dead media: the media is re-created when the caller resumes, and the call ends only if the hold outlasts
   * `silentTimeoutMs`.
   */
  mediaTimedOut(silentTimeoutMs: number): void {
    if (this.heldSince !== undefined && !this.finished && this.mediaExpiredOnHold === undefined) {
      const heldMs = this.now() - this.heldSince;
      const leftMs = Math.max(0, silentTimeoutMs - heldMs);
      this.log("call.media-expired-on-hold", { heldMs }, { queueId: this.queueId });
      this.mediaExpiredOnHold = setTimeout(() => {
        if (this.heldSince !== undefined) this.mediaFailed("media-timeout");
      }, leftMs);
      this.mediaExpiredOnHold.unref();
      return;
    }
    this.mediaFailed("media-timeout");
  }

  /**
   * The rtpengine instance holding the call died or restarted: the call is re-created on a live instance when one is
   * up within {@link MEDIA_RECOVERY_WAIT_MS} (see {@link recoverMedia}), else ended (`media-lost`). Runs on the call's
   * media chain, so no other media step of the call interleaves.
   */
  mediaLost(): void {
    if (this.finished || this.mediaFailure) return;
    if (!this.host.mediaReady) return this.mediaFailed("media-lost");
    this.log("call.media-lost", { bridged: this.operator !== undefined }, { queueId: this.queueId });
    // Operators still ringing were offered media that is gone: they keep ringing, and the one who answers gets the
    // new media by re-INVITE.
    for (const leg of this.offers.values()) this.staleOffers.add(leg);
    this.chain = this.chain
      .then(() => this.recoverMedia())
      .catch((error: unknown) => {
        this.host.logger.warn("call media could not be re-created", { callId: this.id, error: String(error) });
        this.mediaFailed("media-lost");
      });
  }

  /**
   * Re-creates a call's media on a live rtpengine: the caller's offer again (a new session, new ports), a re-INVITE
   * of the trunk with the new SDP (RFC 3261 §14.1; the o= line continues our previous one, RFC 3264 §8), then, for a
   * bridged call, a new WebRTC offer re-INVITEd to the operator and its answer applied. A queued caller hears hold
   * music again. Throws when the call cannot be kept (no instance, rtpengine error, trunk refused).
   */
  private async recoverMedia(): Promise<void> {
    if (this.finished) return;
    if (!(await this.host.mediaReady!(MEDIA_RECOVERY_WAIT_MS))) throw new Error("no media instance came up");
    if (this.finished) return;
    const browser = this.trunk.fromBrowser;
    const media = this.host.newMedia();
    this.media = media;
    this.trunk.attachMedia(media);
    // A trunk caller gets a fresh offer from the new instance (as for a late offer: RFC 3264's offer in our re-INVITE,
    // the trunk's answer back to rtpengine), so what the trunk says now counts, not its first INVITE. A browser
    // caller's ICE/DTLS description is re-used as the offer.
    const offer = await media.answerCaller(browser ? this.trunk.offerSdp : "");
    if (this.finished) return;
    // The trunk generated the dialog's Call-ID, so after a glare (491) we wait 0 to 2 s before trying again (§14.1).
    const trunk = await retryAfterGlare(() => this.trunk.reoffer(offer), 0);
    if (trunk.status >= 300) throw new Error(`trunk refused the re-INVITE: ${trunk.status}`);
    if (this.finished) return;
    if (!browser) {
      if (!trunk.sdp) throw new Error("the trunk's 2xx to our re-INVITE had no SDP answer");
      await media.callerAnswered!(trunk.sdp);
    }
    this.mediaRecoveries += 1;
    const operator = this.operator;
    const operatorId = this.operatorId;
    let bridged = false;
    if (operator && operatorId) bridged = await this.moveOperatorMedia(operatorId, operator);
    else if (!this.operator) await media.playToCaller("hold-music", { loop: true });
    // The operator held the caller before the media moved: the new media holds them too.
    if (bridged && this.fsm.is("held")) await media.holdCaller();
    this.log("call.media-recovered", { bridged, recoveries: this.mediaRecoveries }, { queueId: this.queueId });
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
