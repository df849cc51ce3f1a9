/**
 * The media side of one inbound B2BUA call: a trunk caller, answered at once and queued with announcements and hold
 * music, later bridged to whichever operator's browser finally answers. Everything happens on ONE rtpengine call id;
 * Node only sends ng control messages, media never passes through it.
 *
 * ## How rtpengine is driven (measured on rtpengine 10.5 with Chromium 156, see tests/integration/calls)
 *
 * rtpengine keeps one "monologue" per tag, and each monologue owns the ports that face its party. Tags:
 * - the trunk tag: the trunk INVITE's From-tag, given by the B2BUA so rtpengine logs line up with SIP traces;
 * - the queue tag ({@link MediaBridgeOptions.queueTag}): a placeholder "operator" that never sends or listens;
 * - one tag per operator attempt, chosen by the B2BUA (unique within the call), also used as that attempt's
 *   `via-branch`.
 *
 * Sequence (every command also carries `port-latching`, see {@link latched}):
 * 1. {@link MediaBridge.answerCaller} ("park"): `offer` from the trunk tag with the trunk's SDP (via-branch = queue
 *    tag), then `answer` to the queue tag with a synthetic plain-RTP placeholder SDP (rtpengine's own address, port 9)
 *    and trunk-facing flags. rtpengine's answer output is our 200 OK to the trunk.
 * 2. {@link MediaBridge.offerToOperator}: re-`offer` from the trunk tag with the agreed codecs, browser-facing flags
 *    and `via-branch` = attempt tag: rtpengine forks a FRESH monologue for the attempt; its output is the WebRTC
 *    offer for the operator's INVITE.
 * 3. {@link MediaBridge.operatorAnswered}: `answer` with to-tag = via-branch = attempt tag, the browser's SDP and
 *    trunk-facing flags; then `stop media`.
 * 4. {@link MediaBridge.abandonOperatorAttempt} / {@link MediaBridge.operatorLegLost}: park again (step 1 with the
 *    narrowed trunk SDP): the trunk goes back to the placeholder branch.
 *
 * 5. Late offer ({@link MediaBridge.answerCaller} with no SDP, RFC 3261 §13.2.1): the roles are reversed once, the
 *    placeholder is the offerer: `offer` from the queue tag (its G.711 offer, trunk-facing offer flags), whose output
 *    is our 200 OK's offer; the ACK's answer ({@link MediaBridge.callerAnswered}) is the `answer` to-tag = trunk tag;
 *    then step 1 runs with that SDP so every later step sees the usual trunk-offerer roles.
 * 6. {@link MediaBridge.callerReoffered} (re-INVITE, UPDATE, or the ACK answer of a re-INVITE without SDP): `offer`
 *    from the trunk tag with the caller's new SDP on the branch in use (queue tag, or the connected attempt) and the
 *    other side's last answer again (placeholder with the mirrored direction, or the operator's SDP), so media
 *    follows a new address at once (RFC 3264 §8.3.1) and rtpengine knows a hold: a sendonly/inactive stream falls under
 *    its `--silent-timeout`, not `--timeout`. Nothing is played to a caller that does not receive (RFC 3264 §6.1).
 *
 * Why a fresh branch per attempt (all three alternatives were tried against the real rtpengine and Chromium):
 * - ONE re-used operator monologue fails the first real browser: the monologue already knows a peer address (the
 *   placeholder), so rtpengine takes the DTLS client role at its `actpass` offer; Chromium answers `setup:active` and
 *   sends its ClientHello as soon as ICE works, i.e. usually BEFORE its answer reaches rtpengine: two DTLS clients,
 *   connectionState "failed". A WebRTC-shaped placeholder fixes the role but then the early ClientHello is checked
 *   against the placeholder's fingerprint and rejected. A never-answered monologue has neither problem.
 * - a new to-tag in the `answer` without via-branch makes rtpengine create yet another monologue with NEW ports, so
 *   the browser (which got the offer's ports) never connects.
 * Cost: every abandoned branch keeps its (idle, ICE never completes) ports until the call is deleted.
 *
 * Measured: the trunk-facing port never changes through these re-negotiations (thanks to `port-latching`), so the
 * trunk needs no re-INVITE; {@link TrunkSdpStatus.trunkSdpChanged} still reports it if it ever did.
 *
 * ## Browser caller ({@link MediaBridgeOptions.callerKind} "browser": an admin's test call, the demo path)
 *
 * Same tags and the same sequence; only the options change (one row of {@link CALLER_PROFILES}): every `answer`
 * produces WebRTC SDP toward the caller (ICE, DTLS-SRTP, rtcp-mux, BUNDLE group restored), the placeholder side
 * stays plain RTP, and the codec is the browser's first G.711 (Chrome always offers PCMU/PCMA), so operators get
 * the same codec and rtpengine forwards without transcoding. Measured with rtpengine 10.5 and Chromium 156
 * (tests/integration/calls/media-bridge-browser-caller.test.ts):
 * - DTLS role: at the park `offer` (Chrome's SDP, `setup:actpass`, full candidates) rtpengine already creates an
 *   ACTIVE DTLS context toward the caller, runs ICE against its candidates and sends its ClientHello, i.e. before
 *   our 200 OK reaches Chrome. Without a `DTLS` option its answer says `a=setup:active` (the answerer's role,
 *   RFC 5763), consistent with that: Chrome caches the early ClientHello and connects as DTLS server (6/6 runs).
 *   `DTLS: passive` in the answer resets the context to passive and failed in ~2 of 7 runs (Chrome stuck in
 *   "connecting"). The later re-offers and re-answers keep the caller's DTLS session: it stays connected through
 *   abandon, bridge, leg lost and a further bridge.
 * - the caller's `a=extmap` lines must not reach the operator's offer (dropped by {@link narrowTrunkSdp}): otherwise
 *   the operator's Chrome hears nothing from the caller.
 * - no `inject-DTMF` for a browser caller: with it, the caller's voice reaches the operator as digital silence.
 * - known limit: after {@link MediaBridge.operatorLegLost} rtpengine plays the music again under the media player's
 *   first SSRC; Chrome's receiver (no a=ssrc in our answer) plays the newest SSRC it has seen, the operator's, so
 *   the caller's getStats shows no music packets until the next operator (a new SSRC again) is bridged.
 *
 * ## DTMF injection on demand
 *
 * A trunk call starts without `inject-DTMF` (rtpengine then forwards G.711 untouched instead of decoding and
 * re-encoding every packet: most of its CPU per call). The operator's first keypad digit turns it on for the rest of
 * the call ({@link MediaBridge.sendDtmf}): a re-offer and re-answer of the operator's branch with the flag, measured to
 * work on 10.5 (ports kept, media uninterrupted, tests/integration/media/rtpengine.test.ts).
 */
import type { Sound } from "./call-media.js";
import { join } from "node:path";
import { finishBrowserSdp, finishTrunkSdp, trunkLegOptions } from "../media/leg-profiles.js";
import { RetryLaterError } from "../telephony/uas-inspection.js";
import { MIRRORED_DIRECTION, receivesMedia, sdpDirection, type SdpDirection } from "../media/sdp.js";
import { type Logger, silentLogger } from "../media/logger.js";
import { type BencodeDict, isDict } from "../media/bencode.js";
import { type NgClient, NgError } from "../media/ng-client.js";
import { ALL_LANES, type MediaLane, MediaLanes } from "./media-lanes.js";
import { CALLER_PROFILES, TRUNK_PROFILE_WITH_DTMF_INJECTION, type CallerKind, type CallerProfile } from "./caller-profile.js";
import {
  audioEndpoint,
  chooseTrunkCodecs,
  narrowTrunkSdp,
  placeholderAnswerSdp,
  placeholderOfferSdp,
  type TrunkCodecChoice,
} from "./trunk-sdp.js";

/** Announcements the caller can hear; each is `<soundsDir>/<name>.wav` (8 kHz 16-bit WAV, on rtpengine's host). */
export type CallerSound = Sound;

/** Where the call is, as far as media goes. */
export type MediaBridgeState = "new" | "parked" | "offering" | "bridged" | "closed";

export interface MediaBridgeOptions {
  /** The caller leg's tag in rtpengine: the caller's INVITE From-tag (a trunk's, or a browser's on the demo path). */
  trunkTag: string;
  /**
   * What the caller is: a plain-RTP SIP trunk (default) or a WebRTC browser (an admin's test call). Only the
   * caller-facing SDP differs (see {@link CALLER_PROFILES}); the sequence and the operator side are the same.
   */
  callerKind?: CallerKind;
  /** Directory of the sound files AS SEEN BY rtpengine (it opens them itself). */
  soundsDir: string;
  /**
   * The file rtpengine plays for a sound, when not `<soundsDir>/<sound>.wav` (the mu-law copies of
   * server/media/playback-sounds.ts).
   */
  soundFile?: (sound: CallerSound) => string;
  /** rtpengine tag (and via-branch) of the queue placeholder. Default `<trunkTag>-queue`. */
  queueTag?: string;
  /**
   * `repeat-times` for looped sounds. rtpengine 10.5 has no "forever"; 100000 plays of an 18 s file is years, and
   * rtpengine only re-seeks the file per repeat (no memory cost). Default 100000.
   */
  loopRepeats?: number;
  logger?: Logger;
}

/** What every re-negotiation reports about the trunk side (the trunk never sees these re-negotiations). */
export interface TrunkSdpStatus {
  /** rtpengine's current trunk-facing SDP. */
  trunkSdp: string;
  /**
   * True when rtpengine moved the trunk-facing address/port away from what the trunk was last told: the B2BUA must
   * then re-INVITE the trunk with {@link trunkSdp}. Measured false on rtpengine 10.5 (thanks to `port-latching`);
   * checked rather than assumed.
   */
  trunkSdpChanged: boolean;
}

/** A call to the bridge that its current state does not allow (a bug or a race in the caller's signalling). */
export class MediaBridgeStateError extends Error {
  override name = "MediaBridgeStateError";
}

/** The caller re-offered while an operator offer is outstanding: try again shortly (RFC 3261 §14.2). */
export class MediaBridgeBusyError extends RetryLaterError {
  override name = "MediaBridgeBusyError";
}

/** ng error reasons that mean "already in the state you asked for". */
const NOT_PLAYING = /not currently playing/i;
const UNKNOWN_CALL = /unknown call-id/i;

/**
 * Media sequence of one inbound call on one rtpengine call id. Methods are serialised: each waits for the previous
 * one, so racing signalling events (a CANCEL crossing a 200 OK, a BYE during an offer) never interleave ng commands.
 * One exception ({@link MediaLanes}): an operator offer does not wait for a play or stop of the caller's playback
 * asked for before it, nor they for it; every other method waits for both.
 */
export class MediaBridge {
  readonly trunkTag: string;
  readonly queueTag: string;
  private readonly soundFile: (sound: CallerSound) => string;
  private readonly loopRepeats: number;
  private readonly logger: Logger;
  /** The caller's row of {@link CALLER_PROFILES}; a trunk caller's becomes the injecting one at the first keypad digit. */
  private caller: CallerProfile;
  private stateValue: MediaBridgeState = "new";
  /** The order of this call's ng commands: playback steps and operator offers may overlap, nothing else does. */
  private readonly lanes = new MediaLanes();
  /** The trunk's offer reduced to the agreed codecs: what every re-offer from the trunk tag sends. */
  private trunkSdp: string | undefined;
  private codecs: TrunkCodecChoice | undefined;
  /** What our 200 OK told the trunk, to detect a port move. */
  private announcedTrunkSdp: string | undefined;
  /** Attempt whose offer is outstanding ("offering") or who is connected ("bridged"). */
  private currentAttempt: string | undefined;
  /** Every attempt tag offered so far: a re-used one would find its old, already-negotiated branch again. */
  private readonly usedAttempts = new Set<string>();
  private playing: CallerSound | undefined;
  /** Pending switch from an announcement to hold music (see {@link operatorLegLost}). */
  private followUp: NodeJS.Timeout | undefined;
  /** The caller's media direction from its last SDP (RFC 3264 §6.1): nothing is played to a caller that does not receive. */
  private callerDirection: SdpDirection = "sendrecv";
  /** The looped sound the caller should hear once it receives media again (held, or sendonly from the start). */
  private deferredLoop: CallerSound | undefined;
  private playingLoop = false;
  /** The operator browser's last answer: repeated to rtpengine when the caller re-offers during the conversation. */
  private operatorSdp: string | undefined;
  /** A supervisor's participant the caller is paired with instead of the operator ({@link takeOverAnswered}). */
  private takenOverBy: string | undefined;
  /** The operator put the caller on hold ({@link holdCaller}): both directions blocked, music to the caller. */
  private held = false;
  /** Late offer: the caller's answer (in its ACK) that the first step waits for. */
  private lateAnswer: { resolve: (sdp: string) => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly ng: NgClient,
    readonly callId: string,
    opts: MediaBridgeOptions,
  ) {
    this.trunkTag = opts.trunkTag;
    this.queueTag = opts.queueTag ?? `${opts.trunkTag}-queue`;
    if (this.queueTag === this.trunkTag) throw new Error("queueTag must differ from trunkTag");
    this.soundFile = opts.soundFile ?? ((sound) => join(opts.soundsDir, `${sound}.wav`));
    this.loopRepeats = opts.loopRepeats ?? 100_000;
    this.logger = opts.logger ?? silentLogger;
    this.caller = CALLER_PROFILES[opts.callerKind ?? "trunk"];
  }

  get state(): MediaBridgeState {
    return this.stateValue;
  }

  /** The caller's and the connected operator's tags while bridged (listen and whisper, server/monitoring). */
  monitorTags(): { trunkTag: string; operatorTag: string } | undefined {
    return this.stateValue === "bridged" && this.currentAttempt ? { trunkTag: this.trunkTag, operatorTag: this.currentAttempt } : undefined;
  }

  /** The operator attempt currently offered or connected. */
  get attempt(): string | undefined {
    return this.currentAttempt;
  }

  /** The sound playing to the caller (as far as the bridge started it; one-shot sounds stay listed after their end). */
  get nowPlaying(): CallerSound | undefined {
    return this.playing;
  }

  /**
   * Trunk INVITE's SDP (plain RTP offer) -> SDP for our 200 OK to the trunk: rtpengine's address and port, the
   * trunk's preferred G.711 codec and telephone-event, with the trunk's payload type numbers.
   * Throws {@link UnsupportedTrunkSdpError} (answer 488) when the trunk offers no G.711.
   */
  answerCaller(trunkOfferSdp: string): Promise<string> {
    if (trunkOfferSdp.trim() === "") return this.offerToCaller();
    return this.serial("answerCaller", ["new"], async () => {
      const codecs = chooseTrunkCodecs(trunkOfferSdp);
      this.codecs = codecs;
      this.callerDirection = sdpDirection(trunkOfferSdp);
      this.trunkSdp = narrowTrunkSdp(trunkOfferSdp, codecs);
      const sdp = await this.park(trunkOfferSdp);
      this.announcedTrunkSdp = sdp;
      return sdp;
    });
  }

  /**
   * Late offer (RFC 3261 §13.2.1, RFC 3264): the caller's INVITE had no SDP, so our 200 OK carries the offer and the
   * caller's ACK the answer. In rtpengine the placeholder is then the offerer: `offer` from the queue tag with
   * {@link placeholderOfferSdp} and trunk-facing offer options; its output (resolved here) is the 200 OK's offer.
   * Every later step waits until {@link callerAnswered} gives the ACK's answer, which goes to rtpengine as the
   * `answer` from the trunk tag; then the call is parked like any other (offer from the trunk tag, placeholder
   * answer), so operator branches fork from the trunk exactly as for an early offer. Trunk callers only.
   */
  private offerToCaller(): Promise<string> {
    return new Promise<string>((resolveOffer, rejectOffer) => {
      let offered = false;
      const step = this.serial("answerCaller", ["new"], async () => {
        const offer = await this.ng.offer({
          callId: this.callId,
          fromTag: this.queueTag,
          sdp: placeholderOfferSdp("127.0.0.1"),
          options: latched(trunkLegOptions("offer", { injectDtmf: false })),
        });
        const offerSdp = this.caller.finish(offer.sdp);
        this.announcedTrunkSdp = offerSdp;
        offered = true;
        resolveOffer(offerSdp);
        const answerSdp = await new Promise<string>((resolve, reject) => {
          this.lateAnswer = { resolve, reject };
        });
        this.lateAnswer = undefined;
        const codecs = chooseTrunkCodecs(answerSdp);
        this.codecs = codecs;
        this.trunkSdp = narrowTrunkSdp(answerSdp, codecs);
        this.callerDirection = sdpDirection(answerSdp);
        await this.ng.answer({
          callId: this.callId,
          fromTag: this.queueTag,
          toTag: this.trunkTag,
          sdp: answerSdp,
          options: latched(trunkLegOptions("answer", { injectDtmf: false })),
        });
        this.checkTrunkSdp(await this.park(this.trunkSdp));
      });
      step.catch((error: unknown) => {
        if (!offered) rejectOffer(error);
        else this.logger.warn("late-offer answer refused", { callId: this.callId, error: String(error) });
      });
    });
  }

  /**
   * The caller's SDP in an ACK (RFC 3261 §13.2.1): the answer to a late-offer 200 OK, or the answer to the offer we
   * put in the 200 OK of a re-INVITE without SDP (then handled like a re-offer, {@link callerReoffered}).
   */
  callerAnswered(answerSdp: string): Promise<void> {
    if (this.lateAnswer) {
      this.lateAnswer.resolve(answerSdp);
      return Promise.resolve();
    }
    return this.callerReoffered(answerSdp).then(() => undefined);
  }

  /**
   * The caller's new SDP in a re-INVITE or UPDATE (hold, resume, a new address or port, a session refresh): it goes to
   * rtpengine as a new offer on the existing session, so media follows it at once (RFC 3264 §8.3.1), and rtpengine's
   * answer (resolved, for the 2xx) keeps the caller's ports. The answer's direction mirrors the offer's (RFC 3264
   * §6.1, §8.4): a held caller (sendonly/inactive) hears nothing, which also tells rtpengine its silence is expected,
   * and the music it was hearing comes back when it resumes. While an operator is being offered the call the caller
   * is refused with {@link MediaBridgeBusyError} (the B2BUA answers 500 with Retry-After, RFC 3261 §14.2).
   */
  callerReoffered(trunkOfferSdp: string): Promise<string> {
    return this.serial("callerReoffered", ["parked", "offering", "bridged"], async () => {
      if (this.stateValue === "offering") throw new MediaBridgeBusyError("an operator offer is outstanding");
      const codecs = chooseTrunkCodecs(trunkOfferSdp);
      const wasReceiving = receivesMedia(this.callerDirection);
      this.codecs = codecs;
      this.trunkSdp = narrowTrunkSdp(trunkOfferSdp, codecs);
      this.callerDirection = sdpDirection(trunkOfferSdp);
      const receiving = receivesMedia(this.callerDirection);
      if (wasReceiving && !receiving && this.playing !== undefined) {
        const loop = this.playingLoop ? this.playing : undefined;
        await this.stopPlayback();
        this.deferredLoop = loop;
      }
      let sdp: string;
      if (this.stateValue === "parked") sdp = await this.park(this.trunkSdp);
      else sdp = await this.pairOperatorBranch(this.trunkSdp);
      this.checkTrunkSdp(sdp);
      if (!wasReceiving && receiving && this.stateValue === "parked" && this.deferredLoop !== undefined) {
        await this.play(this.deferredLoop, true);
      }
      return sdp;
    });
  }

  /**
   * Plays a sound to the caller, replacing whatever played before. Resolves with its duration in ms when rtpengine
   * reports one (for one-shot announcements the B2BUA can time the next step on it).
   */
  playToCaller(sound: CallerSound, opts: { loop?: boolean } = {}): Promise<number | undefined> {
    return this.serial("playToCaller", ["parked", "offering", "bridged"], () => this.play(sound, opts.loop ?? false), ["playback"]);
  }

  /** Stops playback; the caller hears the operator again (or silence while queued). No error when nothing plays. */
  stopCallerPlayback(): Promise<void> {
    return this.serial("stopCallerPlayback", ["parked", "offering", "bridged"], () => this.stopPlayback(), ["playback"]);
  }

  /**
   * A WebRTC offer (ICE, DTLS-SRTP, rtcp-mux, the trunk's agreed G.711 codec + telephone-event) for the INVITE to an
   * operator's browser. The caller keeps hearing whatever plays. G.711 rather than Opus: Chrome always supports it
   * and the same codec on both legs spares rtpengine a transcoder. One attempt at a time: abandon the previous one
   * first. `attemptTag` must be new within this call (e.g. the To-tag or a counter) and differ from the other tags.
   */
  offerToOperator(attemptTag: string): Promise<string> {
    return this.offerBranch("offerToOperator", attemptTag, this.caller.operatorOfferOptions, finishBrowserSdp);
  }

  /**
   * A plain-RTP offer (the trunk's agreed G.711 codec + telephone-event, no ICE/DTLS) for an INVITE to an external
   * party through the trunk (a blind transfer to a number): the same branch mechanics as {@link offerToOperator}, so
   * the external party's answer goes to {@link operatorAnswered} and a failure to {@link abandonOperatorAttempt}.
   * Trunk to trunk with one codec: rtpengine forwards without transcoding.
   */
  offerToExternal(attemptTag: string): Promise<string> {
    return this.offerBranch("offerToExternal", attemptTag, this.caller.placeholderOfferOptions, finishTrunkSdp);
  }

  private offerBranch(name: string, attemptTag: string, options: BencodeDict, finish: (sdp: string) => string): Promise<string> {
    // On the branch lane only: the offer does not wait for a prompt asked for just before it (./media-lanes.ts).
    return this.serial(name, ["parked"], async () => {
      if (this.usedAttempts.has(attemptTag) || attemptTag === this.trunkTag || attemptTag === this.queueTag) {
        throw new MediaBridgeStateError(`attempt tag ${attemptTag} already used on call ${this.callId}`);
      }
      this.usedAttempts.add(attemptTag);
      const { sdp } = await this.ng.offer({
        callId: this.callId,
        fromTag: this.trunkTag,
        sdp: this.requireTrunkSdp(),
        options: { ...latched(options), "via-branch": attemptTag },
      });
      this.currentAttempt = attemptTag;
      this.stateValue = "offering";
      return finish(sdp);
    }, ["branch"]);
  }

  /**
   * The operator browser's answer SDP (its 200 OK). When this resolves, caller and operator hear each other and the
   * caller's playback is stopped. Refuses an answer from any attempt but the current one.
   */
  operatorAnswered(attemptTag: string, browserAnswerSdp: string): Promise<TrunkSdpStatus> {
    return this.serial("operatorAnswered", ["offering"], async () => {
      this.requireAttempt(attemptTag);
      const { sdp } = await this.ng.answer({
        callId: this.callId,
        fromTag: this.trunkTag,
        toTag: attemptTag,
        sdp: browserAnswerSdp,
        options: { ...latched(this.caller.answerOptions), "via-branch": attemptTag },
      });
      this.stateValue = "bridged";
      this.operatorSdp = browserAnswerSdp;
      // After the answer, not before: if the answer failed the caller would otherwise sit in silence.
      await this.stopPlayback();
      return this.checkTrunkSdp(this.caller.finish(sdp));
    });
  }

  /**
   * The offered operator did not answer, declined, or went away: the operator side goes back to the placeholder so
   * the next offer starts clean. The caller keeps hearing its music. A stale tag (already abandoned) is a no-op.
   */
  abandonOperatorAttempt(attemptTag: string): Promise<TrunkSdpStatus> {
    return this.serial("abandonOperatorAttempt", ["new", "parked", "offering", "bridged", "closed"], async () => {
      if (this.stateValue !== "offering" || this.currentAttempt !== attemptTag) {
        this.logger.debug("abandon of a non-current attempt ignored", { callId: this.callId, attemptTag });
        return { trunkSdp: this.announcedTrunkSdp ?? "", trunkSdpChanged: false };
      }
      return this.checkTrunkSdp(await this.park(this.requireTrunkSdp()));
    });
  }

  /**
   * The operator leg died during the conversation (BYE, browser gone, ICE failure): the operator side goes back to
   * the placeholder and the caller hears hold music again, after the apology when `apology` is set.
   */
  operatorLegLost(opts: { apology?: boolean | CallerSound } = {}): Promise<TrunkSdpStatus> {
    return this.serial("operatorLegLost", ["bridged"], async () => {
      await this.unblockHeld();
      const status = this.checkTrunkSdp(await this.park(this.requireTrunkSdp()));
      if (!opts.apology) {
        await this.play("hold-music", true);
        return status;
      }
      // Hours (issue 11): the apology may be given in the number's language.
      const durationMs = await this.play(opts.apology === true ? "apology" : opts.apology, false);
      // rtpengine has no playlist: switch to music ourselves when the apology ends (cancelled by any later playback
      // change). Without a duration we cannot time it, so music starts at once rather than never.
      this.followUp = setTimeout(() => {
        this.followUp = undefined;
        void this.playToCaller("hold-music", { loop: true }).catch((error: unknown) =>
          this.logger.warn("hold music after apology failed", { callId: this.callId, error: String(error) }),
        );
      }, durationMs ?? 0);
      this.followUp.unref();
      return status;
    });
  }

  /**
   * The operator puts the caller on hold (the desk's hold button): rtpengine drops what each side sends to the other
   * (`block media` of the operator's and of the caller's tag) and plays hold music to the caller. Nothing is
   * renegotiated: the operator's WebRTC session (ICE, DTLS) and the trunk's dialog stay as they are, so the resume is
   * instant and no re-INVITE can cross one of SIP.js's. Bridged calls only; holding twice is a no-op.
   */
  /**
   * Take-over (the board's barge, server/monitoring): a WebRTC offer from the caller's side toward a supervisor's
   * browser, as for an operator attempt. Until {@link takeOverAnswered} the caller still talks with the operator.
   */
  takeOverOffer(tag: string): Promise<string> {
    return this.serial("takeOverOffer", ["bridged"], async () => {
      if (this.usedAttempts.has(tag) || tag === this.trunkTag || tag === this.queueTag) throw new MediaBridgeStateError(`tag ${tag} already used on call ${this.callId}`);
      this.usedAttempts.add(tag);
      const { sdp } = await this.ng.offer({
        callId: this.callId,
        fromTag: this.trunkTag,
        sdp: this.requireTrunkSdp(),
        options: { ...latched(this.caller.operatorOfferOptions), "via-branch": tag },
      });
      return finishBrowserSdp(sdp);
    });
  }

  /**
   * The supervisor's browser answered: the caller is paired with the supervisor instead of the operator (the
   * operator's leg stays up, hearing nothing and muted). The trunk-facing port does not move, so no re-INVITE.
   */
  takeOverAnswered(tag: string, browserAnswerSdp: string): Promise<TrunkSdpStatus> {
    return this.serial("takeOverAnswered", ["bridged"], async () => {
      const { sdp } = await this.ng.answer({
        callId: this.callId,
        fromTag: this.trunkTag,
        toTag: tag,
        sdp: browserAnswerSdp,
        options: { ...latched(this.caller.answerOptions), "via-branch": tag },
      });
      // 10.5 moves the caller's media to the supervisor but keeps the operator as a second source toward the trunk
      // (measured: two SSRCs reached it); the operator's media is blocked so the caller hears the supervisor alone.
      await this.ng.blockMedia({ callId: this.callId, fromTag: this.currentAttempt! });
      this.takenOverBy = tag;
      return this.checkTrunkSdp(this.caller.finish(sdp));
    });
  }

  /**
   * Ends a take-over: the supervisor's media is blocked, and the caller is paired with the operator again by the
   * caller's offer and the operator browser's last answer (as for a caller's re-INVITE: no SIP toward either).
   */
  endTakeOver(): Promise<void> {
    return this.serial("endTakeOver", ["bridged"], async () => {
      const tag = this.takenOverBy;
      if (!tag) return;
      this.takenOverBy = undefined;
      await this.ng.blockMedia({ callId: this.callId, fromTag: tag });
      const attempt = this.currentAttempt!;
      this.checkTrunkSdp(await this.pairOperatorBranch(this.requireTrunkSdp()));
      // A caller on hold stays held: the operator's media is unblocked by the resume.
      if (!this.held) await this.ng.unblockMedia({ callId: this.callId, fromTag: attempt });
    });
  }

  holdCaller(): Promise<void> {
    return this.serial("holdCaller", ["bridged"], async () => {
      if (this.held) return;
      const attempt = this.currentAttempt!;
      await this.ng.blockMedia({ callId: this.callId, fromTag: attempt });
      await this.ng.blockMedia({ callId: this.callId, fromTag: this.trunkTag });
      this.held = true;
      await this.play("hold-music", true);
    });
  }

  /** Back from {@link holdCaller}: the music stops and both sides hear each other again. */
  resumeCaller(): Promise<void> {
    return this.serial("resumeCaller", ["bridged"], async () => {
      if (!this.held) return;
      await this.stopPlayback();
      await this.unblockHeld();
    });
  }

  /**
   * Sends one DTMF digit (0-9, *, #, A-D) to the caller as RFC 4733 events, through rtpengine's `play DTMF` on the
   * operator's tag (rtpengine injects it into what the operator sends, toward the trunk). Bridged calls only; needs
   * the trunk's telephone-event (see {@link dtmfByRtp}) and media already flowing from the operator.
   */
  sendDtmf(digit: string, durationMs = 200): Promise<void> {
    return this.serial("sendDtmf", ["bridged"], async () => {
      await this.enableDtmfInjection();
      await this.ng.playDTMF({ callId: this.callId, fromTag: this.currentAttempt!, code: digit, durationMs });
    });
  }

  /** True once the call's rtpengine commands carry `inject-DTMF` (an operator used the keypad). */
  get dtmfInjection(): boolean {
    return this.caller === TRUNK_PROFILE_WITH_DTMF_INJECTION;
  }

  /**
   * Calls are set up without `inject-DTMF` (rtpengine then forwards without decoding, see {@link CALLER_PROFILES});
   * the first keypad digit turns it on: the caller's offer and the operator's last answer again on the operator's
   * branch, with the flag (as for a caller's re-INVITE: no SIP toward either side, the ports stay). Every later
   * command of the call keeps the flag. Not during a take-over: that re-negotiation would pair the caller with the
   * operator again (see {@link endTakeOver}).
   */
  private async enableDtmfInjection(): Promise<void> {
    if (this.dtmfInjection || this.caller.kind !== "trunk") return;
    if (this.takenOverBy) throw new MediaBridgeStateError(`keypad during a take-over (call ${this.callId})`);
    this.caller = TRUNK_PROFILE_WITH_DTMF_INJECTION;
    this.checkTrunkSdp(await this.pairOperatorBranch(this.requireTrunkSdp()));
  }

  /**
   * Negotiates the operator's branch again from the caller's offer `trunkSdp` and the operator browser's last answer,
   * with the caller profile's current options (no SIP toward either side: the ports stay): a caller's re-INVITE, the
   * end of a take-over, DTMF injection turned on. Resolves with the SDP for the caller (checked by the caller).
   */
  private async pairOperatorBranch(trunkSdp: string): Promise<string> {
    const attempt = this.currentAttempt!;
    await this.ng.offer({
      callId: this.callId,
      fromTag: this.trunkTag,
      sdp: trunkSdp,
      options: { ...latched(this.caller.operatorOfferOptions), "via-branch": attempt },
    });
    const answer = await this.ng.answer({
      callId: this.callId,
      fromTag: this.trunkTag,
      toTag: attempt,
      sdp: this.operatorSdp ?? "",
      options: { ...latched(this.caller.answerOptions), "via-branch": attempt },
    });
    return this.caller.finish(answer.sdp);
  }

  /** True when the caller takes DTMF as RFC 4733 events (a trunk whose SDP offered telephone-event). */
  get dtmfByRtp(): boolean {
    return this.caller.kind === "trunk" && this.codecs?.telephoneEvent !== undefined;
  }

  private async unblockHeld(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    // Taken over (the board's barge): the operator stays muted toward the caller.
    if (this.currentAttempt && !this.takenOverBy) await this.ng.unblockMedia({ callId: this.callId, fromTag: this.currentAttempt });
    await this.ng.unblockMedia({ callId: this.callId, fromTag: this.trunkTag });
  }

  /**
   * Seconds since the caller last sent media (RTP or RTCP) to rtpengine, from rtpengine's `query` (its `last packet`
   * of the caller tag's streams, unix seconds, against `nowS`). Undefined when rtpengine does not expect media from
   * the caller (no stream of the caller's tag has the `recv` flag: the caller's SDP said recvonly or inactive, a
   * hold) or when the query fails. Read-only: not serialised with the other steps. Used for bridged calls, which
   * rtpengine's own `--timeout` never ends while the operator's side still sends.
   */
  async callerSilenceS(nowS: number): Promise<number | undefined> {
    if (this.stateValue === "closed" || this.stateValue === "new") return undefined;
    let reply: BencodeDict;
    try {
      reply = await this.ng.query({ callId: this.callId });
    } catch {
      return undefined;
    }
    const tags = reply["tags"];
    const tag = isDict(tags) ? tags[this.trunkTag] : undefined;
    const medias = isDict(tag) && Array.isArray(tag["medias"]) ? tag["medias"] : [];
    let last: number | undefined;
    for (const media of medias) {
      if (!isDict(media) || !Array.isArray(media["flags"]) || !media["flags"].includes("recv")) continue;
      for (const stream of Array.isArray(media["streams"]) ? media["streams"] : []) {
        const at = isDict(stream) ? stream["last packet"] : undefined;
        if (typeof at === "number" && (last === undefined || at > last)) last = at;
      }
    }
    return last === undefined ? undefined : Math.max(0, nowS - last);
  }

  /** Tears the call down in rtpengine (`delete`). Idempotent; an already unknown call counts as deleted. */
  /**
   * Starts rtpengine's recording of the whole call (ng `start recording`; rtpengine must run with
   * `--recording-method=pcap --recording-dir`, see server/recordings): every packet rtpengine receives from now on,
   * from the caller and from every operator branch, until the call is deleted. Resolves with rtpengine's
   * trunk-facing port (the port of our 200 OK to the trunk, fixed for the call by `port-latching`): packets that
   * arrived there are the caller's. Whether a file was really written is checked after the call (a `proc` method
   * without the kernel module answers ok and writes nothing).
   */
  startRecording(): Promise<{ callerPort: number }> {
    return this.serial("startRecording", ["parked", "offering", "bridged"], async () => {
      const callerPort = audioEndpoint(this.announcedTrunkSdp ?? "")?.port;
      if (callerPort === undefined) throw new MediaBridgeStateError(`no trunk-facing port known (call ${this.callId})`);
      await this.ng.startRecording({ callId: this.callId });
      return { callerPort };
    });
  }

  /** Stops rtpengine's recording of the call (ng `stop recording`); what was recorded stays in the spool. */
  stopRecording(): Promise<void> {
    return this.serial("stopRecording", ["parked", "offering", "bridged"], async () => {
      await this.ng.stopRecording({ callId: this.callId });
    });
  }

  close(): Promise<void> {
    // A late-offer call whose answer never came: the first step must stop waiting, or nothing after it runs.
    this.lateAnswer?.reject(new MediaBridgeStateError("closed before the caller's answer"));
    return this.serial("close", ["new", "parked", "offering", "bridged", "closed"], async () => {
      if (this.stateValue === "closed") return;
      this.stateValue = "closed";
      this.cancelFollowUp();
      this.playing = undefined;
      this.currentAttempt = undefined;
      try {
        await this.ng.delete({ callId: this.callId });
      } catch (error) {
        if (!(error instanceof NgError && UNKNOWN_CALL.test(error.reason))) throw error;
      }
    });
  }

  // ---- internals --------------------------------------------------------------------------------------------------

  /**
   * Runs `step` after every earlier call on its `lanes` finished (default: all, i.e. after every earlier call), if the
   * state allows it. One failed step does not block later ones: the lanes continue with the next call.
   */
  private serial<T>(
    name: string,
    allowed: readonly MediaBridgeState[],
    step: () => Promise<T>,
    lanes: readonly MediaLane[] = ALL_LANES,
  ): Promise<T> {
    return this.lanes.run(lanes, async (): Promise<T> => {
      if (!allowed.includes(this.stateValue)) {
        throw new MediaBridgeStateError(`${name} not allowed in state ${this.stateValue} (call ${this.callId})`);
      }
      return step();
    });
  }

  /**
   * Offer from the trunk tag (trunk-facing flags: rtpengine's answer keeps the trunk on plain RTP) and answer with the
   * placeholder. Used for the first answer and to return from any operator state. Returns rtpengine's SDP for the
   * trunk. Playback is untouched: measured, music keeps playing through the re-negotiation.
   */
  private async park(trunkSdp: string): Promise<string> {
    const codecs = this.codecs;
    if (!codecs) throw new MediaBridgeStateError("no trunk codecs yet");
    const offer = await this.ng.offer({
      callId: this.callId,
      fromTag: this.trunkTag,
      sdp: trunkSdp,
      options: { ...latched(this.caller.placeholderOfferOptions), "via-branch": this.queueTag },
    });
    // rtpengine's own media address (the c= of its output): the placeholder points at port 9 there.
    const rtpengineAddress = audioEndpoint(offer.sdp)?.address ?? "127.0.0.1";
    const answer = await this.ng.answer({
      callId: this.callId,
      fromTag: this.trunkTag,
      toTag: this.queueTag,
      sdp: placeholderAnswerSdp(trunkSdp, codecs, rtpengineAddress, MIRRORED_DIRECTION[this.callerDirection]),
      options: { ...latched(this.caller.answerOptions), "via-branch": this.queueTag },
    });
    this.currentAttempt = undefined;
    this.stateValue = "parked";
    return this.caller.finish(answer.sdp);
  }

  /** Compares rtpengine's latest trunk-facing SDP with what the trunk was told, and remembers it. */
  private checkTrunkSdp(trunkSdp: string): TrunkSdpStatus {
    const trunkSdpChanged = !sameEndpoint(trunkSdp, this.announcedTrunkSdp ?? "");
    if (trunkSdpChanged) {
      this.logger.warn("rtpengine moved the trunk-facing port: trunk needs a re-INVITE", { callId: this.callId });
      this.announcedTrunkSdp = trunkSdp;
    }
    return { trunkSdp, trunkSdpChanged };
  }

  private async play(sound: CallerSound, loop: boolean): Promise<number | undefined> {
    this.cancelFollowUp();
    // RFC 3264 §6.1: no media toward a party that said it does not receive (sendonly, inactive). Music resumes when
    // it does again (callerReoffered); one-shot announcements are simply not heard.
    if (!receivesMedia(this.callerDirection)) {
      this.deferredLoop = loop ? sound : undefined;
      return undefined;
    }
    // `play media` selects the party that HEARS the sound (measured): the trunk tag.
    const { durationMs } = await this.ng.playMedia({
      callId: this.callId,
      fromTag: this.trunkTag,
      source: { file: this.soundFile(sound) },
      repeatTimes: loop ? this.loopRepeats : undefined,
    });
    this.playing = sound;
    this.playingLoop = loop;
    this.deferredLoop = undefined;
    return durationMs;
  }

  private async stopPlayback(): Promise<void> {
    this.cancelFollowUp();
    try {
      await this.ng.stopMedia({ callId: this.callId, fromTag: this.trunkTag });
    } catch (error) {
      // Stopping what already stopped (a one-shot announcement that ended) is success, not an error.
      if (!(error instanceof NgError && NOT_PLAYING.test(error.reason))) throw error;
    }
    this.playing = undefined;
    this.deferredLoop = undefined;
  }

  private cancelFollowUp(): void {
    clearTimeout(this.followUp);
    this.followUp = undefined;
  }

  private requireTrunkSdp(): string {
    if (this.trunkSdp === undefined) throw new MediaBridgeStateError("answerCaller has not run");
    return this.trunkSdp;
  }

  private requireAttempt(attemptTag: string): void {
    if (this.currentAttempt !== attemptTag) {
      throw new MediaBridgeStateError(
        `attempt ${attemptTag} is not the current one (${this.currentAttempt ?? "none"}) on call ${this.callId}`,
      );
    }
  }
}

/**
 * Adds `port-latching` to a leg profile. Measured on 10.5: without it, an answer whose operator-side endpoint differs
 * from the previous one (the placeholder's port 9 replaced by the browser's real port, or back) makes rtpengine
 * re-allocate the TRUNK-facing ports, which would force a re-INVITE of the trunk at every bridge and every return to
 * the queue. With it every port stays where our 200 OK put it.
 */
function latched(options: BencodeDict): BencodeDict {
  const flags = Array.isArray(options["flags"]) ? options["flags"] : [];
  return { ...options, flags: [...flags, "port-latching"] };
}

function sameEndpoint(a: string, b: string): boolean {
  const x = audioEndpoint(a);
  const y = audioEndpoint(b);
  return x !== undefined && y !== undefined && x.address === y.address && x.port === y.port;
}

export { UnsupportedTrunkSdpError } from "./trunk-sdp.js";
