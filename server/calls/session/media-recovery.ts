/**
 * Keeping a call when its media fails (rtpengine, server/media): the call is re-created on a live instance when the
 * one holding it died ({@link MediaRecovery.lost}), a caller on hold whose media rtpengine dropped for silence gets it
 * back on resuming ({@link MediaRecovery.timedOut}), and operator legs and the external party of a transfer are moved
 * onto the new media by re-INVITE ({@link MediaRecovery.moveOperator}, {@link ExternalTransfer.mediaMoved}). What cannot be kept is handed back to the session as a
 * {@link MediaFailure} (it closes the record as `failed`).
 * @module
 */
import { retryAfterGlare } from "../../telephony/leg-signalling";
import type { CallMedia } from "../call-media";
import type { CallerLeg, MediaFailure, OperatorLegPort, SessionLog } from "./session-ports";

/**
 * How long a call whose rtpengine died waits for an instance to be up again (the supervisor restarts a dead child
 * in about 0.3 s) before it is given up as `media-lost`, ms. The caller hears silence meanwhile.
 */
export const MEDIA_RECOVERY_WAIT_MS = 5000;

/** What media recovery needs of its call session. */
export interface MediaRecoveryPort {
  /** Epoch ms (the session's clock). */
  now(): number;
  /** The caller's leg: its offer, its re-INVITE (RFC 3261 §14.1). */
  readonly caller: CallerLeg;
  /** The call's media now. */
  media(): CallMedia;
  /** New media for the call on a live instance, made the call's media (the caller's leg is attached to it). */
  replaceMedia(): CallMedia;
  /** Resolves true once some media instance is up (false after `timeoutMs` ms); absent: lost media ends the call. */
  readonly mediaReady?: (timeoutMs: number) => Promise<boolean>;
  /** True once the session ended, or its media already failed. */
  over(): boolean;
  /** True once the session ended. */
  finished(): boolean;
  /** The operator connected (leg and id), if any. */
  operator(): { id: string; leg: OperatorLegPort } | undefined;
  /**
   * The call's media moved: its external party (a blind transfer to a number, a completed consultation) follows by
   * re-INVITE; resolves true when the caller is bridged to it on `media` (see {@link ExternalTransfer.mediaMoved}).
   */
  externalMoved(media: CallMedia): Promise<boolean>;
  /** The operators' legs still ringing. */
  ringing(): Iterable<OperatorLegPort>;
  /** True while the operator holds the caller (the desk's hold). */
  operatorHolds(): boolean;
  /** Since when the caller's side holds the call (its re-INVITE said sendonly/inactive), epoch ms. */
  callerHeldSince(): number | undefined;
  queueId(): number;
  /** Runs `run` once every step queued so far on the media chain is done; later steps wait for it. */
  afterQueuedSteps(run: () => Promise<void>): void;
  log: SessionLog;
  warn(message: string, data: Record<string, unknown>): void;
  /** Ends the call because its media failed (BYE to the caller, record `failed` with `failure`). */
  fail(failure: MediaFailure): void;
  /** The operator refused the re-INVITE moving the media: their leg is dropped (BYE) and the caller queued again. */
  dropOperator(leg: OperatorLegPort): void;
  /** After {@link dropOperator}: the engine is told, the caller hears an apology on `media` then music. */
  operatorDropped(operatorId: string, media: CallMedia): Promise<void>;
}

export class MediaRecovery {
  /** Times the call's media was re-created on a live rtpengine after its instance died. */
  private recoveries = 0;
  /**
   * Operator attempts ringing when the media was lost: their INVITE's SDP points at the dead session. If one answers,
   * its media is moved by a re-INVITE ({@link moveOperator}) instead of applying its answer.
   */
  private readonly staleOffers = new Set<OperatorLegPort>();
  /**
   * rtpengine dropped the media while the caller was on hold (it was not told about the hold): re-created when the
   * caller resumes; the timer ends the call if the hold outlasts the silent timeout.
   */
  private expiredOnHold: NodeJS.Timeout | undefined;
  /** Operator media moves so far, for fresh attempt tags. */
  private moves = 0;
  /** The media the operator leg was last moved onto by re-INVITE (a second move onto the same one is skipped). */
  private operatorMovedOnto: CallMedia | undefined;

  constructor(private readonly port: MediaRecoveryPort) {}

  /**
   * rtpengine dropped the call for lack of RTP: the trunk is gone without a BYE (`media-timeout`). A caller on hold
   * (by re-INVITE) is not dead media: the media is re-created when the caller resumes ({@link callerResumed}), and
   * the call ends only if the hold outlasts `silentTimeoutMs` (ms).
   */
  timedOut(silentTimeoutMs: number): void {
    const heldSince = this.port.callerHeldSince();
    if (heldSince !== undefined && !this.port.finished() && this.expiredOnHold === undefined) {
      const heldMs = this.port.now() - heldSince;
      const leftMs = Math.max(0, silentTimeoutMs - heldMs);
      this.port.log("call.media-expired-on-hold", { heldMs }, { queueId: this.port.queueId() });
      this.expiredOnHold = setTimeout(() => {
        if (this.port.callerHeldSince() !== undefined) this.port.fail("media-timeout");
      }, leftMs);
      this.expiredOnHold.unref();
      return;
    }
    this.port.fail("media-timeout");
  }

  /** The caller resumed (re-INVITE sendrecv): media dropped during the hold is re-created and re-INVITEd. */
  callerResumed(): void {
    if (this.expiredOnHold === undefined) return;
    clearTimeout(this.expiredOnHold);
    this.expiredOnHold = undefined;
    if (!this.port.caller.ended && !this.port.finished()) this.lost();
  }

  /**
   * The rtpengine instance holding the call died or restarted: the call is re-created on a live instance when one is
   * up within {@link MEDIA_RECOVERY_WAIT_MS}, else ended (`media-lost`). Runs on the call's media chain, so no other
   * media step of the call interleaves.
   */
  lost(): void {
    if (this.port.over()) return;
    if (!this.port.mediaReady) return this.port.fail("media-lost");
    this.port.log("call.media-lost", { bridged: this.port.operator() !== undefined }, { queueId: this.port.queueId() });
    // Operators still ringing were offered media that is gone: they keep ringing, and the one who answers gets the
    // new media by re-INVITE.
    for (const leg of this.port.ringing()) this.staleOffers.add(leg);
    this.port.afterQueuedSteps(() =>
      this.recover().catch((error: unknown) => {
        this.port.warn("call media could not be re-created", { error: String(error) });
        this.port.fail("media-lost");
      }),
    );
  }

  /** True (once) when `leg` was offered media that has been lost since: its answer must not be applied. */
  offeredStale(leg: OperatorLegPort): boolean {
    return this.staleOffers.delete(leg);
  }

  /** The session ends: the wait for a held caller's resume is cancelled. */
  stop(): void {
    clearTimeout(this.expiredOnHold);
  }

  /**
   * Gives a connected operator leg the call's current media: a new WebRTC offer from rtpengine (a fresh attempt tag),
   * sent by re-INVITE (RFC 3261 §14.1; glare retried after 2.1-4 s, we own that Call-ID), and the softphone's answer
   * applied. Used after the media moved to another rtpengine, for the bridged operator or for one who answers an
   * offer made before the move. Resolves true when bridged; if the softphone refuses, that leg ends and the caller,
   * after an apology, is queued again (as when an operator's line drops), and it resolves false.
   */
  async moveOperator(operatorId: string, operator: OperatorLegPort): Promise<boolean> {
    if (this.port.finished() || this.port.operator()?.leg !== operator) return false;
    const media = this.port.media();
    if (this.operatorMovedOnto === media) return true;
    this.moves += 1;
    const attempt = `${operator.localTag}-m${this.moves}`;
    const offer = await media.offerToOperator(attempt);
    const reply = await retryAfterGlare(() => operator.reoffer(offer), 2100);
    if (this.port.finished() || this.port.operator()?.leg !== operator) return false;
    if (reply.status < 300 && reply.sdp) {
      await media.operatorAnswered(attempt, reply.sdp);
      this.operatorMovedOnto = media;
      return true;
    }
    this.port.warn("operator refused the re-INVITE moving the media", { status: reply.status });
    this.port.dropOperator(operator);
    await media.abandonOperatorAttempt(attempt);
    await this.port.operatorDropped(operatorId, media);
    return false;
  }

  /**
   * Re-creates a call's media on a live rtpengine: the caller's offer again (a new session, new ports), a re-INVITE
   * of the trunk with the new SDP (RFC 3261 §14.1; the o= line continues our previous one, RFC 3264 §8), then, for a
   * bridged call, a new WebRTC offer re-INVITEd to the operator and its answer applied. A queued caller hears hold
   * music again. Throws when the call cannot be kept (no instance, rtpengine error, trunk refused).
   */
  private async recover(): Promise<void> {
    if (this.port.finished()) return;
    if (!(await this.port.mediaReady!(MEDIA_RECOVERY_WAIT_MS))) throw new Error("no media instance came up");
    if (this.port.finished()) return;
    const caller = this.port.caller;
    const browser = caller.fromBrowser;
    const media = this.port.replaceMedia();
    // A trunk caller gets a fresh offer from the new instance (as for a late offer: RFC 3264's offer in our re-INVITE,
    // the trunk's answer back to rtpengine), so what the trunk says now counts, not its first INVITE. A browser
    // caller's ICE/DTLS description is re-used as the offer.
    const offer = await media.answerCaller(browser ? caller.offerSdp : "");
    if (this.port.finished()) return;
    // The trunk generated the dialog's Call-ID, so after a glare (491) we wait 0 to 2 s before trying again (§14.1).
    const trunk = await retryAfterGlare(() => caller.reoffer(offer), 0);
    if (trunk.status >= 300) throw new Error(`trunk refused the re-INVITE: ${trunk.status}`);
    if (this.port.finished()) return;
    if (!browser) {
      if (!trunk.sdp) throw new Error("the trunk's 2xx to our re-INVITE had no SDP answer");
      await media.callerAnswered!(trunk.sdp);
    }
    this.recoveries += 1;
    const operator = this.port.operator();
    let bridged = false;
    if (operator) bridged = await this.moveOperator(operator.id, operator.leg);
    else if (!(bridged = await this.port.externalMoved(media))) await media.playToCaller("hold-music", { loop: true });
    // The operator held the caller before the media moved: the new media holds them too.
    if (bridged && this.port.operatorHolds()) await media.holdCaller();
    this.port.log("call.media-recovered", { bridged, recoveries: this.recoveries }, { queueId: this.port.queueId() });
  }
}
