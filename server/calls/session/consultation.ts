/**
 * The consultation of a call (attended transfer, issue 9): the operator, whose caller holds with music, talks to a
 * target first: an external number, or a colleague (another operator). It is RFC 5589's "consultation" without REFER:
 * Hotline is the B2BUA of every leg. The operator's softphone places it as a SECOND SIP session (an outbound INVITE
 * carrying `X-Hotline-Consult: <call id>`, server/outbound), which {@link CallConsultation.claim} ties to this call;
 * the target gets its own rtpengine call there. (Moving the operator's one WebRTC leg onto another rtpengine call by
 * re-INVITE leaves Chromium without SRTP: its DTLS is not redone against the same certificate.)
 *
 * This file keeps the consultation in progress (at most one per call), its INVITE timer, its claim and its ending
 * (cancel, completion, the target gone), and logs `call.consulted`, `call.consult-answered` and `call.consult-ended`.
 * The caller's hold, the call's state and the transfer that completes it are the session's, reached through
 * {@link ConsultationPort}.
 * @module
 */
import type { ExternalCall } from "../external-party";
import type { CallRequestResult, SessionLog } from "./session-ports";

/** How long the desk has to send its consultation INVITE after asking to consult, ms. */
export const CONSULT_INVITE_TIMEOUT_MS = 15_000;

/**
 * The consultation's outbound INVITE tied to its call ({@link CallConsultation.claim}): the number to call, the
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

/** Whom the operator consults: an external number (past the allow-list), or a colleague (operator user id). */
export interface ConsultTarget {
  /** The external number consulted; empty when consulting a colleague. */
  number: string;
  colleague?: string;
}

/** What a consultation needs of its call session. */
export interface ConsultationPort {
  /** Epoch ms (the session's clock). */
  now(): number;
  /** The operator connected to the caller now, if any. */
  operatorId(): string | undefined;
  /** The caller's queue now (the consultation's caller ID). */
  queueId(): number;
  /** True once the session ended: late news is dropped. */
  finished(): boolean;
  log: SessionLog;
  /**
   * Holds the caller for the consultation, as the desk's hold does (music unless held already, nothing
   * renegotiated; the operator's leg marked held; the hold's timing starts): the session moves to `consulting`.
   */
  holdCaller(): void;
  /** Back to the caller on the operator's first session: `talking` after a cancel, `held` after the target left. */
  backToCaller(to: "talking" | "held"): void;
  /** The desk hold's timing ends (its time is written to the record). */
  endDeskHold(): void;
  /**
   * Completion with a colleague: the caller goes to `colleague` by the blind transfer to a named operator, whose desk
   * answers that offer at once. The engine's refusal is returned.
   */
  transferToColleague(operatorId: string, colleague: string): CallRequestResult;
  /**
   * Completion with an external target: the engine ends the operator's part (`call.transferred` with `toNumber`) and
   * the target's answered `call` joins the caller.
   */
  handOver(operatorId: string, number: string, call: ExternalCall): CallRequestResult;
  /** After completion, the target (now bridged to the caller) hung up. */
  targetHungUp(call: ExternalCall): void;
}

/** A consultation in progress. */
interface Consultation extends ConsultTarget {
  /** The consultation's call, once its INVITE came. */
  call: ExternalCall | undefined;
  /** The operator's INVITE was tied to it ({@link CallConsultation.claim}). */
  claimed?: boolean;
  answered: boolean;
  /** Epoch ms. */
  since: number;
  inviteTimer?: NodeJS.Timeout;
}

export class CallConsultation {
  private current: Consultation | undefined;

  constructor(private readonly port: ConsultationPort) {}

  /**
   * `operatorId`, talking to the caller or holding them, consults `target`: the caller is held, logged as
   * `call.consulted`. The desk's INVITE should follow at once: a desk that never sends it within
   * {@link CONSULT_INVITE_TIMEOUT_MS} gets its caller back, held.
   */
  start(operatorId: string, target: ConsultTarget): void {
    const consultation: Consultation = { number: target.number, ...(target.colleague !== undefined && { colleague: target.colleague }), call: undefined, answered: false, since: this.port.now() };
    this.current = consultation;
    consultation.inviteTimer = setTimeout(() => !consultation.call && this.gone(consultation, "no-invite"), CONSULT_INVITE_TIMEOUT_MS);
    consultation.inviteTimer.unref();
    this.port.holdCaller();
    this.port.log("call.consulted", label(consultation), { operatorId: Number(operatorId), queueId: this.port.queueId() });
  }

  /**
   * The operator's consultation INVITE arrived (server/outbound, `X-Hotline-Consult`): the number to call and the
   * queue whose caller ID to show, and `attach` to hand over the placed call. Undefined when `operatorId` has no
   * consultation waiting for its INVITE on this call (the INVITE is then refused).
   */
  claim(operatorId: string): ConsultClaim | undefined {
    const consultation = this.current;
    if (!consultation || consultation.call || consultation.claimed || this.port.operatorId() !== operatorId) return undefined;
    // The timer runs on until the call is placed: an INVITE refused after this (allow-list, no trunk) brings the caller back too.
    consultation.claimed = true;
    return {
      number: consultation.number,
      ...(consultation.colleague !== undefined && { colleague: Number(consultation.colleague) }),
      queueId: this.port.queueId(),
      attach: (call) => {
        if (this.current !== consultation) {
          call.end();
          return { answered: () => {}, ended: () => {}, hungUp: () => {} };
        }
        consultation.call = call;
        clearTimeout(consultation.inviteTimer);
        return {
          answered: () => {
            if (this.current !== consultation) return;
            consultation.answered = true;
            this.port.log("call.consult-answered", label(consultation), { operatorId: Number(this.port.operatorId()), queueId: this.port.queueId() });
          },
          ended: (reason) => this.gone(consultation, reason),
          hungUp: () => this.port.targetHungUp(call),
        };
      },
    };
  }

  /** Cancel: the consultation's session ends (BYE or CANCEL to both its legs), the operator talks to the caller again. False: none. */
  cancel(): boolean {
    if (!this.current) return false;
    this.end("cancelled");
    this.port.backToCaller("talking");
    return true;
  }

  /**
   * Complete, by `operatorId`: the caller and the target are bridged and the operator leaves (wrap-up, as after a
   * blind transfer; BYE to both of the operator's sessions). An external target's trunk leg joins the caller's media
   * call ({@link ConsultationPort.handOver}) and the consultation's own media call is deleted. A colleague's
   * consultation call ends first (BYE to both softphones: the colleague is no longer busy for the engine), then the
   * caller goes to the colleague ({@link ConsultationPort.transferToColleague}); refused by the engine (the colleague
   * went away), the operator is back with the held caller and the engine's reason is returned. `not-consulting`
   * before the target answered.
   */
  complete(operatorId: string): CallRequestResult {
    const consultation = this.current;
    const call = consultation?.call;
    if (!consultation?.answered || !call) return { ok: false, error: "not-consulting" };
    this.current = undefined;
    clearTimeout(consultation.inviteTimer);
    const colleague = consultation.colleague;
    if (colleague !== undefined) call.end();
    else this.port.endDeskHold();
    this.port.log("call.consult-ended", { ...label(consultation), reason: "completed", ms: this.port.now() - consultation.since }, { operatorId: Number(operatorId), queueId: this.port.queueId() });
    return colleague !== undefined ? this.port.transferToColleague(operatorId, colleague) : this.port.handOver(operatorId, consultation.number, call);
  }

  /** Ends the consultation in progress, if any, for `reason` (CANCEL or BYE to the target and the operator's second session). */
  end(reason: string): void {
    const consultation = this.current;
    if (!consultation) return;
    this.current = undefined;
    clearTimeout(consultation.inviteTimer);
    consultation.call?.end();
    const operatorId = this.port.operatorId();
    this.port.log("call.consult-ended", { ...label(consultation), reason, ms: this.port.now() - consultation.since }, { operatorId: operatorId === undefined ? null : Number(operatorId), queueId: this.port.queueId() });
  }

  /** The target hung up, never answered, or the consultation failed: the operator is back with the held caller. */
  private gone(consultation: Consultation, reason: string): void {
    if (this.current !== consultation || this.port.finished()) return;
    this.end(reason);
    this.port.backToCaller("held");
  }
}

/** What a consultation's log entries say about its target. */
function label(consultation: ConsultTarget): Record<string, unknown> {
  return consultation.colleague !== undefined ? { operatorTarget: Number(consultation.colleague) } : { number: consultation.number };
}
