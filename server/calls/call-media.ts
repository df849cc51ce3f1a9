/** What the call controller needs of the media relay for one call (implemented by MediaBridge over rtpengine). */
import type { PromptFile } from "../hours/prompt-catalog";
import { PROMPT_SOUNDS, type PromptSound } from "./queue-announcements";

/**
 * Sounds a caller can hear, each `<SOUNDS_DIR>/<name>.wav`: the greeting, hold music, the periodic "still busy"
 * message, the apology after an operator's line dropped, the goodbyes of callers sent away (closed, waited too long,
 * queue full, nobody there, callback noted), and the position and wait prompts.
 */
export const FIXED_SOUNDS = [
  "greeting",
  "hold-music",
  "periodic",
  "apology",
  "closed",
  "max-wait",
  "queue-full",
  "no-operators",
  "callback-registered",
  "callback-unavailable",
  "recording-notice",
] as const;
/** The recorded English set, `<SOUNDS_DIR>/<name>.wav`. */
export type BaseSound = (typeof FIXED_SOUNDS)[number] | PromptSound;
/** A base sound, or (hours, issue 11) a language set's prompt or a synthesised greeting under SOUNDS_DIR. */
export type Sound = BaseSound | PromptFile;
export const ALL_SOUNDS: readonly BaseSound[] = [...FIXED_SOUNDS, ...PROMPT_SOUNDS];

export interface CallMedia {
  /** The trunk's SDP offer -> our SDP answer for the 200 OK. */
  answerCaller(trunkOfferSdp: string): Promise<string>;
  /** Starts a sound (replacing the one playing); resolves with its duration in ms when known. */
  playToCaller(sound: Sound, options?: { loop?: boolean }): Promise<number | undefined>;
  stopCallerPlayback(): Promise<void>;
  /** A WebRTC offer for one operator attempt. */
  offerToOperator(attemptTag: string): Promise<string>;
  operatorAnswered(attemptTag: string, browserAnswerSdp: string): Promise<unknown>;
  /**
   * A plain-RTP G.711 offer for an external party reached through the trunk (blind transfer to a number); its answer
   * goes to {@link operatorAnswered}, its failure to {@link abandonOperatorAttempt}. Optional: without it external
   * transfers are refused.
   */
  offerToExternal?(attemptTag: string): Promise<string>;
  abandonOperatorAttempt(attemptTag: string): Promise<unknown>;
  /** Back to music after the operator leg died, after an apology when asked. */
  /** `apology`: true for the English recording, or the prompt file to play (the number's language). */
  operatorLegLost(options?: { apology?: boolean | Sound }): Promise<unknown>;
  close(): Promise<void>;
  /** The caller's new SDP (re-INVITE, UPDATE): rtpengine's answer for the caller (RFC 3264 §8.3.1). */
  callerReoffered?(trunkOfferSdp: string): Promise<string>;
  /** The caller's answer in an ACK (late offer, or re-INVITE without SDP). */
  callerAnswered?(answerSdp: string): Promise<void>;
  /**
   * Seconds since the caller last sent media, or undefined when no media is expected from them (on hold) or unknown.
   * Optional: without it, bridged calls are not watched for a trunk gone silent.
   */
  callerSilenceS?(nowS: number): Promise<number | undefined>;
  /** The operator holds the caller: music to the caller, neither side hears the other. Bridged calls only. */
  holdCaller(): Promise<void>;
  /** Back from {@link holdCaller}. */
  resumeCaller(): Promise<void>;
  /** One DTMF digit to the caller as RFC 4733 events (bridged calls whose caller takes them, see dtmfByRtp). */
  sendDtmf(digit: string): Promise<void>;
  /**
   * Starts recording the call in the media relay (server/recordings); resolves with the relay's caller-facing port,
   * which tells the caller's packets from the operators' in the recording. Optional: media without it records nothing.
   */
  startRecording?(): Promise<{ callerPort: number }>;
  /** Stops the recording started by {@link startRecording} (a voicemail's `#` or limit); the files stay in the spool. */
  stopRecording?(): Promise<void>;
  /** True when the caller takes DTMF as RFC 4733 events; otherwise digits go by SIP INFO. */
  readonly dtmfByRtp: boolean;
  /**
   * The call's parties in the media relay while caller and operator are bridged (for listen and whisper,
   * server/monitoring): the caller leg's tag and the connected operator attempt's. Undefined otherwise.
   */
  monitorTags?(): { trunkTag: string; operatorTag: string } | undefined;
  /** Take-over (the board's barge): a WebRTC offer from the caller's side for a supervisor's browser (MediaBridge). */
  takeOverOffer?(tag: string): Promise<string>;
  /** The supervisor answered: the caller talks with them instead of the operator. */
  takeOverAnswered?(tag: string, browserAnswerSdp: string): Promise<unknown>;
  /** Back to the operator. */
  endTakeOver?(): Promise<void>;
}

/** `trunkTag` is the caller leg's From-tag, the trunk side's identity in the media relay. */
export type CallMediaFactory = (callId: string, trunkTag: string, callerKind: "trunk" | "browser") => CallMedia;
