/**
 * One outbound call from the desk: the operator's softphone INVITEs a number over its authenticated SIP WebSocket;
 * Hotline answers that INVITE as a UAS (the `TrunkLeg` the B2BUA built for it, here the operator's leg) and places
 * the trunk leg as a UAC ({@link OutboundCall}, digest authentication included), media through rtpengine
 * ({@link OutboundMedia}).
 *
 * States (table {@link OUTBOUND_TRANSITIONS}, illegal moves throw):
 * `dialling` -> `ringing` (180/183 from the trunk, relayed to the operator as 180, or 183 with early-media SDP)
 * -> `answered` (2xx: ACK to the trunk, 200 with rtpengine's answer to the operator) -> `ended`.
 * Endings (RFC 3261 §9, §15):
 * - the operator hangs up while it rings: CANCEL to the trunk (its 487 follows), outcome `no_answer`;
 * - the ring time runs out: CANCEL, 480 to the operator, `no_answer`;
 * - the trunk fails it: 486/600 -> `busy`, 408/480/487 -> `no_answer`, other 4xx-6xx and transport errors ->
 *   `failed`; the operator gets the trunk's status (486 stays 486, so the softphone can say "busy");
 * - after the answer, BYE either way: the other side gets BYE.
 * The session reports its result once ({@link OutboundSessionEvents.ended}); records and the queue engine are the
 * owner's business (server/outbound/outbound-calls.ts).
 * @module
 */
import { EventEmitter } from "node:events";
import { createResponse, type DigestCredentials, type Destination } from "../sip";
import type { Logger } from "../logger";
import { OFFER_HEADERS } from "../realtime/events";
import type { TrunkLeg } from "../telephony/b2bua";
import { OutboundCall, type OutboundCallFailure } from "../telephony/outbound-call";
import { contactHeader, type LocalContact, type SipDialog } from "../telephony/sip-dialog";
import type { TrunkLayer } from "../telephony/trunk-auth";
import type { OutboundMedia } from "./outbound-media";
import { mediaRefusal } from "./media-refusal";

export type OutboundSessionState = "dialling" | "ringing" | "answered" | "ended";

/** Legal next states. */
export const OUTBOUND_TRANSITIONS: Readonly<Record<OutboundSessionState, readonly OutboundSessionState[]>> = {
  dialling: ["ringing", "answered", "ended"],
  ringing: ["answered", "ended"],
  answered: ["ended"],
  ended: [],
};

/** How an outbound call went, as call records name it. */
export type OutboundOutcome = "answered" | "busy" | "no_answer" | "failed";

export interface OutboundResult {
  outcome: OutboundOutcome;
  /** Epoch ms of the trunk's 2xx; absent when never answered. */
  answeredAt?: number;
  endedAt: number;
  /** `operator` (hung up or cancelled), `caller` (the called party: BYE or a final error), `system` (ring time, media). */
  endedBy: "operator" | "caller" | "system";
  /** SIP status of the failure, or the ending (`bye`, `cancel`, `ring-timeout`, `media-failed`…). */
  reason: string;
}

export interface OutboundSessionEvents {
  state: [OutboundSessionState];
  ended: [OutboundResult];
}

export interface TrunkTarget {
  layer: TrunkLayer;
  local: LocalContact;
  destination: Destination;
  domain: string;
  credentials: DigestCredentials | undefined;
}

export interface OutboundSessionOptions {
  /** The operator's leg: their INVITE, answered by us. */
  leg: TrunkLeg;
  /** The normalised number to call. */
  number: string;
  /** Our caller ID (From user and P-Asserted-Identity). */
  callerId: string;
  trunk: TrunkTarget;
  media: OutboundMedia;
  /** How long the trunk may ring before the call is given up (ms). */
  ringTimeoutMs: number;
  /** Hooks the trunk dialog's in-dialog BYE and refreshes (answered with `sdp`) in the B2BUA; returns the unhook. */
  watchTrunkDialog: (dialog: SipDialog, onBye: () => void, sdp: string) => () => void;
  now: () => number;
  logger: Logger;
  /** Fixed cnonce for deterministic digest answers in tests. */
  cnonce?: () => string;
  /**
   * The call record's id, told to the operator's softphone in `X-Hotline-Call-Id` on the 18x and the 200 (its desk
   * opens the wrap-up form for that record when the answered call ends).
   */
  recordId?: string;
}

/** Thrown on a move the table does not allow. */
export class OutboundStateError extends Error {
  override name = "OutboundStateError";
}

export class OutboundCallSession extends EventEmitter<OutboundSessionEvents> {
  private current: OutboundSessionState = "dialling";
  private call: OutboundCall | undefined;
  private ringTimer: NodeJS.Timeout | undefined;
  private answeredAt: number | undefined;
  private unwatch: (() => void) | undefined;
  /** The trunk's dialog once answered (a completed consultation re-INVITEs it, see {@link handOver}). */
  private trunkDialogValue: SipDialog | undefined;
  /** The SDP we offered the trunk, repeated when it refreshes the session. */
  private trunkOffer = "";
  private readonly leg: TrunkLeg;

  constructor(private readonly options: OutboundSessionOptions) {
    super();
    this.leg = options.leg;
  }

  /** The operator's leg ended (hang-up, CANCEL, WebSocket gone): the call ends. */
  private readonly onLegEnded = (reason: string) => this.operatorEnded(reason);

  get state(): OutboundSessionState {
    return this.current;
  }

  /** The trunk INVITE's Call-ID once sent. */
  get trunkCallId(): string | undefined {
    return this.call?.callId;
  }

  /** The answered trunk leg's dialog, for an in-dialog re-INVITE (a completed consultation). */
  get trunkDialog(): SipDialog | undefined {
    return this.current === "answered" ? this.trunkDialogValue : undefined;
  }

  /**
   * A completed consultation: the answered trunk leg now belongs to the caller's call (its re-INVITE onto the
   * caller's media succeeded). This session ends (`transferred`): BYE to the operator's leg, its own media deleted,
   * the trunk dialog unhooked but NOT ended. Returns the trunk call (its `hangup()` sends BYE later), or undefined
   * when not answered.
   */
  handOver(): OutboundCall | undefined {
    if (this.current !== "answered" || !this.call) return undefined;
    const call = this.call;
    this.call = undefined;
    this.finish({ outcome: "answered", endedBy: "operator", reason: "transferred" });
    return call;
  }

  /** Offers media and sends the trunk INVITE. The operator's leg ending at any point ends the call. */
  async start(): Promise<void> {
    this.leg.on("ended", this.onLegEnded);
    this.ringTimer = setTimeout(() => this.giveUp(), this.options.ringTimeoutMs);
    this.ringTimer.unref();
    let sdp: string;
    try {
      sdp = await this.options.media.offerToTrunk();
    } catch (error) {
      this.options.logger.warn("outbound media offer failed", { error: String(error) });
      return this.finish({ outcome: "failed", endedBy: "system", reason: "media-failed" }, 503);
    }
    if (this.current === "ended") return;
    this.trunkOffer = sdp;
    const { trunk, number, callerId } = this.options;
    this.call = new OutboundCall({
      layer: trunk.layer,
      local: trunk.local,
      destination: trunk.destination,
      domain: trunk.domain,
      number,
      sdp,
      fromUser: callerId,
      credentials: trunk.credentials,
      headers: [["P-Asserted-Identity", `<sip:${callerId}@${trunk.domain}>`]],
      cnonce: this.options.cnonce,
      events: {
        onProvisional: (status, _reason, early, toTag) => void this.provisional(status, early, toTag),
        onAnswered: (answer, dialog) => void this.answered(answer, dialog),
        onFailed: (failure) => this.failed(failure),
      },
    });
    this.call.start();
  }

  /** Ends the call from our side (shutdown, the operator's socket is gone): CANCEL or BYE to the trunk, BYE to the operator. */
  hangup(reason = "local"): void {
    if (this.current === "ended") return;
    this.call?.cancel();
    this.finish({ outcome: this.current === "answered" ? "answered" : "no_answer", endedBy: "system", reason }, 480);
  }

  private move(to: OutboundSessionState): void {
    if (!OUTBOUND_TRANSITIONS[this.current].includes(to)) throw new OutboundStateError(`outbound call: ${this.current} -> ${to}`);
    this.current = to;
    this.emit("state", to);
  }

  private async provisional(status: number, early: string | undefined, toTag: string | undefined): Promise<void> {
    if (this.current !== "dialling" && this.current !== "ringing") return;
    let body: string | undefined;
    if (early && toTag) {
      try {
        body = this.leg.stampSdp(await this.options.media.trunkAnswered(toTag, early));
      } catch (error) {
        this.options.logger.warn("early media refused", { error: String(error) });
      }
    }
    if (this.current !== "dialling" && this.current !== "ringing") return;
    if (this.current === "dialling") this.move("ringing");
    const headers: Array<[string, string]> = [["Contact", contactHeader(this.options.leg.dialog?.init.local ?? { hostport: "hotline.invalid", transport: "WS" })], ...this.recordHeader()];
    if (body) headers.push(["Content-Type", "application/sdp"]);
    this.leg.transaction.respond(createResponse(this.leg.invite, body ? 183 : status === 183 ? 183 : 180, { toTag: this.leg.localTag, headers, body }));
  }

  private async answered(answer: string, dialog: SipDialog): Promise<void> {
    if (this.current === "ended") return;
    this.trunkDialogValue = dialog;
    this.unwatch = this.options.watchTrunkDialog(dialog, () => this.trunkEnded(), this.trunkOffer);
    let sdp: string;
    try {
      sdp = await this.options.media.trunkAnswered(dialog.init.remoteTag, answer);
    } catch (error) {
      this.options.logger.warn("outbound answer refused by media", { error: String(error) });
      this.call?.hangup();
      return this.finish({ outcome: "failed", endedBy: "system", reason: "media-failed" }, mediaRefusal(error).status);
    }
    if ((this.current as OutboundSessionState) === "ended") return this.call?.hangup();
    clearTimeout(this.ringTimer);
    this.answeredAt = this.options.now();
    this.move("answered");
    this.leg.answer(sdp, this.recordHeader());
  }

  private recordHeader(): Array<[string, string]> {
    return this.options.recordId === undefined ? [] : [[OFFER_HEADERS.callId, this.options.recordId]];
  }

  private failed(failure: OutboundCallFailure): void {
    if (this.current === "ended" || failure.cancelled) return;
    const outcome = outcomeOf(failure.status);
    this.finish({ outcome, endedBy: "caller", reason: String(failure.status) }, failure.status >= 400 ? failure.status : 480);
  }

  private giveUp(): void {
    if (this.current !== "dialling" && this.current !== "ringing") return;
    this.call?.cancel();
    this.finish({ outcome: "no_answer", endedBy: "system", reason: "ring-timeout" }, 480);
  }

  /** The operator's leg ended: BYE after the answer, CANCEL while ringing (RFC 3261 §9.1). */
  private operatorEnded(reason: string): void {
    if (this.current === "ended") return;
    const answered = this.current === "answered";
    this.call?.cancel();
    this.finish({ outcome: answered ? "answered" : "no_answer", endedBy: "operator", reason });
  }

  /** The trunk sent BYE: the operator gets BYE. */
  private trunkEnded(): void {
    if (this.current !== "answered") return;
    this.finish({ outcome: "answered", endedBy: "caller", reason: "bye" });
  }

  /** Ends the operator's leg (`rejectWith` before an answer) and reports the result once. */
  private finish(result: Omit<OutboundResult, "endedAt" | "answeredAt">, rejectWith = 480): void {
    if (this.current === "ended") return;
    clearTimeout(this.ringTimer);
    const wasAnswered = this.current === "answered";
    this.move("ended");
    this.unwatch?.();
    this.leg.off("ended", this.onLegEnded);
    if (!this.leg.ended) {
      if (wasAnswered) this.leg.hangup("local");
      else this.leg.reject(rejectWith);
    }
    void this.options.media.close();
    this.emit("ended", { ...result, endedAt: this.options.now(), ...(this.answeredAt !== undefined && { answeredAt: this.answeredAt }) });
  }
}

/** RFC 3261 §21: 486 Busy Here and 600 Busy Everywhere are busy; 408, 480 and 487 mean nobody answered. */
export function outcomeOf(status: number): OutboundOutcome {
  if (status === 486 || status === 600) return "busy";
  if (status === 408 || status === 480 || status === 487) return "no_answer";
  return "failed";
}
