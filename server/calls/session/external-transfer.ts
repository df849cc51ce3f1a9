/**
 * The external party of a call (blind transfer to a number, issue 9): rung through the trunk with a plain-RTP branch of
 * the caller's media (trunk to trunk, same G.711 codec, no transcoding), bridged to the caller when it answers. Also
 * the forward of a closed number (server/hours) and the target of a completed consultation, which joins by re-INVITE
 * ({@link ExternalTransfer.join}). At most one external party per call; each attempt has a fresh media attempt tag
 * (`<caller tag>-x<n>`). What happens to the caller when the party does not answer, or hangs up after answering, is
 * the session's, through {@link ExternalTransferPort}.
 * @module
 */
import type { CallMedia } from "../call-media";
import { EXTERNAL_RING_TIMEOUT_MS, type ExternalCall, type ExternalDialler } from "../external-party";
import { retryAfterGlare } from "../../telephony/leg-signalling";
import type { SessionLog } from "./session-ports";

/** What an external transfer needs of its call session. */
export interface ExternalTransferPort {
  /** The call's media now (it changes when the media is re-created on another rtpengine). */
  media(): CallMedia;
  /** The caller leg's tag: the prefix of each attempt's media tag. */
  callerTag(): string;
  /** The caller's queue now: the caller ID shown to the party is its hotline number. */
  queueId(): number;
  /** True once the session ended: late news is dropped (the party's call is ended). */
  finished(): boolean;
  /** Runs a step on the call's media chain (errors are logged there). */
  enqueueMedia(step: () => Promise<unknown>): void;
  log: SessionLog;
  warn(message: string, data: Record<string, unknown>): void;
  /** The party answered: whatever plays to the caller stops being followed by more prompts. */
  answered(): void;
  /** The party did not answer (no `onFailed` given): the caller goes back through the engine. */
  notAnswered(): void;
  /** The party hung up after answering: the call is over. */
  hungUp(): void;
}

/** The external party of the call, ringing or answered. */
interface ExternalParty {
  number: string;
  /** The media attempt tag of its branch of the caller's media. */
  attempt: string;
  call: ExternalCall | undefined;
  answered: boolean;
  ringTimer?: NodeJS.Timeout;
  /** Not answered: what happens to the caller (default: {@link ExternalTransferPort.notAnswered}). */
  onFailed?: () => void;
  /** Rang on media that has been lost since: its answer is not applied, it is moved by re-INVITE instead. */
  stale?: boolean;
}

export class ExternalTransfer {
  private party: ExternalParty | undefined;
  /** External attempts so far, for fresh attempt tags. */
  private attempts = 0;

  constructor(
    private readonly dialler: ExternalDialler | undefined,
    private readonly port: ExternalTransferPort,
  ) {}

  /** True while the caller talks to the external party. */
  get answered(): boolean {
    return this.party?.answered === true;
  }

  /**
   * Rings `number` (past the allow-list) through the trunk for `operatorId` (0: no operator, a closed number's
   * forward); the caller is bridged when it answers. Not answered within {@link EXTERNAL_RING_TIMEOUT_MS}, busy or
   * refused: `onFailed`, or {@link ExternalTransferPort.notAnswered}. Throws nothing; needs a dialler (the session
   * checks it first).
   */
  ring(number: string, operatorId: number, onFailed?: () => void): void {
    const party: ExternalParty = { number, attempt: this.nextAttempt(), call: undefined, answered: false, ...(onFailed && { onFailed }) };
    this.party = party;
    party.ringTimer = setTimeout(() => this.failed(party, 408), EXTERNAL_RING_TIMEOUT_MS);
    party.ringTimer.unref();
    const media = this.port.media();
    this.port.enqueueMedia(async () => {
      if (this.party !== party) return;
      const sdp = await media.offerToExternal!(party.attempt);
      if (this.party !== party) return void (await media.abandonOperatorAttempt(party.attempt));
      const placed = await this.dialler!.place({
        number,
        operatorId,
        queueId: this.port.queueId(),
        sdp,
        events: {
          answered: (answer) => this.partyAnswered(party, answer),
          failed: (status) => this.failed(party, status),
          hungUp: () => this.partyHungUp(party),
        },
      });
      if (!placed.ok) return this.failed(party, placed.reason === "no-trunk" ? 503 : 403);
      if (this.party === party) party.call = placed.call;
      else placed.call.end();
    });
  }

  /**
   * A completed consultation: the target `call`, answered already on the consultation's own media, joins the caller.
   * Its trunk leg is re-INVITEd (RFC 3261 §14.1; glare retried after 2.1-4 s, we own that Call-ID) with a plain-RTP
   * offer from the caller's media; if it refuses, the target is let go and the caller comes back as from an
   * unanswered transfer.
   */
  join(number: string, call: ExternalCall): void {
    const party: ExternalParty = { number, attempt: "", call, answered: true };
    this.party = party;
    this.log("call.external-answered", { number, consulted: true });
    const media = this.port.media();
    this.port.enqueueMedia(() => this.reInvite(party, media, "completing the consultation failed"));
  }

  /**
   * The call's media was re-created on another rtpengine (its instance died; {@link MediaRecovery}): an answered
   * party is re-INVITEd onto `media` (its side's new plain-RTP offer) and resolves true once bridged there; a party
   * still ringing was offered the lost media, so its answer will be moved the same way (resolves false: the caller
   * hears music meanwhile); no party: false. If the party refuses the re-INVITE, the caller comes back as from an
   * unanswered transfer (never dropped) and it resolves false. Runs on the call's media chain.
   */
  async mediaMoved(media: CallMedia): Promise<boolean> {
    const party = this.party;
    if (!party) return false;
    if (!party.answered) {
      party.stale = true;
      return false;
    }
    return this.reInvite(party, media, "moving the external party to the new media failed");
  }

  /**
   * Bridges an answered party's call to `media` by re-INVITE (RFC 3261 §14.1; glare retried after 2.1-4 s, we own
   * that Call-ID) with a fresh plain-RTP offer; on refusal or error the party is let go and the caller comes back as
   * from an unanswered transfer. Resolves true when bridged.
   */
  private async reInvite(party: ExternalParty, media: CallMedia, failure: string): Promise<boolean> {
    const call = party.call!;
    try {
      const attempt = this.nextAttempt();
      const offer = await media.offerToExternal!(attempt);
      const reply = await retryAfterGlare(() => call.reoffer(offer), 2100);
      if (reply.status >= 300 || !reply.sdp) throw new Error(`the party refused the re-INVITE: ${reply.status}`);
      if (this.party !== party) return false;
      await media.operatorAnswered(attempt, reply.sdp);
      party.attempt = attempt;
      return true;
    } catch (error) {
      this.port.warn(failure, { error: String(error) });
      party.answered = false;
      this.failed(party, 500);
      return false;
    }
  }

  /** The joined target of a completed consultation hung up (its call reports it to the consultation's listeners). */
  hungUp(call: ExternalCall): void {
    if (this.party?.call === call) this.partyHungUp(this.party);
  }

  /** The caller left: the party's call ends (CANCEL while it rings, BYE once answered). */
  end(): void {
    if (!this.party) return;
    clearTimeout(this.party.ringTimer);
    this.party.call?.end();
    this.party = undefined;
  }

  /** A `call.external-*` event, with the caller's queue. */
  private log(type: string, data: Record<string, unknown>): void {
    this.port.log(type, data, { queueId: this.port.queueId() });
  }

  private nextAttempt(): string {
    this.attempts += 1;
    return `${this.port.callerTag()}-x${this.attempts}`;
  }

  private partyAnswered(party: ExternalParty, sdp: string): void {
    if (this.party !== party || this.port.finished()) {
      party.call?.end();
      return;
    }
    clearTimeout(party.ringTimer);
    this.port.answered();
    party.answered = true;
    this.log("call.external-answered", { number: party.number });
    // Rang before the media moved: its answer is for the lost media, so it is moved onto the new one by re-INVITE.
    if (party.stale) return this.port.enqueueMedia(() => this.reInvite(party, this.port.media(), "moving the external party to the new media failed"));
    this.port.enqueueMedia(() => this.port.media().operatorAnswered(party.attempt, sdp));
  }

  /** The party did not answer (`status`: its final SIP status, 408 on our ring timeout): its branch is abandoned. */
  private failed(party: ExternalParty, status: number): void {
    if (this.party !== party || party.answered || this.port.finished()) return;
    clearTimeout(party.ringTimer);
    this.party = undefined;
    party.call?.end();
    this.log("call.external-failed", { number: party.number, status });
    this.port.enqueueMedia(() => this.port.media().abandonOperatorAttempt(party.attempt));
    if (party.onFailed) return party.onFailed();
    this.port.notAnswered();
  }

  private partyHungUp(party: ExternalParty): void {
    if (this.party !== party || this.port.finished()) return;
    this.party = undefined;
    this.port.hungUp();
  }
}
