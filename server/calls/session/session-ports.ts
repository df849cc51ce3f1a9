/**
 * The contracts of a call session ({@link CallSession} in ../call-session.ts): what it needs of its legs (the caller's
 * {@link CallerLeg}, the operators' {@link OperatorLegPort}: real legs in the process, fakes in unit tests), what it
 * needs of the rest of the process ({@link CallSessionHost}, given by the controller), what it tells its owner
 * ({@link CallSessionEvents}), and the answers to the operator's requests ({@link CallRequestResult}).
 * @module
 */
import type { CallPatch, NewCallEvent } from "../../../db/queries/calls";
import type { Clock } from "../../clock";
import type { Logger } from "../../logger";
import type { EngineEvent } from "../../queue";
import type { EventMap } from "../../telephony/leg-state";
import type { OperatorLeg, OperatorLegEvents } from "../../telephony/operator-leg";
import type { TrunkLeg, TrunkLegEvents } from "../../telephony/trunk-leg";
import type { RecordedCall } from "../../recordings/recording-service";
import type { VoicemailEnded } from "../../voicemail/voicemail-service";
import type { CallMedia, Sound } from "../call-media";
import type { RecordWrite } from "../call-records";
import type { ExternalDialler } from "../external-party";
import type { CallSessionState } from "./session-state";

/**
 * Why a call's media failed, as written to the record's `end_reason` (outcome `failed`):
 * - `media-timeout`: rtpengine saw no RTP from anyone within its timeout (a trunk gone without BYE);
 * - `media-lost`: the rtpengine instance holding the call died or restarted, and the call could not be moved;
 * - `no-media`: no rtpengine instance could take the call at admission (the trunk got 503).
 */
export type MediaFailure = "media-timeout" | "media-lost" | "no-media";

/** Something the session can subscribe to (a leg's typed events). */
interface Listens<Events extends EventMap> {
  on<E extends keyof Events & string>(event: E, listener: Events[E]): unknown;
}

/** What the session needs of the caller's leg (a {@link TrunkLeg}; a fake in unit tests). */
export type CallerLeg = Listens<TrunkLegEvents> & Pick<
  TrunkLeg,
  "ended" | "sipCallId" | "callerNumber" | "offerSdp" | "fromBrowser" | "remoteTag" | "hangup" | "reoffer" | "attachMedia" | "sendDtmfInfo"
>;

/** What the session needs of an operator's leg (an {@link OperatorLeg}; a fake in unit tests). */
export type OperatorLegPort = Listens<OperatorLegEvents> & Pick<OperatorLeg, "ended" | "localTag" | "send" | "cancel" | "hangup" | "reoffer" | "setHeld">;

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

/** The steps a call session's collaborators may log: the session adds the time and the call id. */
export type SessionLog = (type: string, data?: Record<string, unknown>, extra?: Partial<NewCallEvent>) => void;

/** What a session tells its owner. */
export type CallSessionEvents = {
  /** The session's media is closing and it takes no more steps: the owner forgets it. Emitted once. */
  finished: () => void;
  /** The session moved (e.g. talking -> held): desks showing it are updated. */
  state: (state: CallSessionState, operatorId: string | undefined) => void;
};

/** A new call session: its record id, the caller's leg and media, and the queue it is routed to. */
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
