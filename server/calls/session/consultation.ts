/**
 * The consultation of a call (attended transfer, issue 9): the operator, whose caller holds with music, talks to a
 * target first: an external number, or a colleague (another operator). It is RFC 5589's "consultation" without REFER:
 * Hotline is the B2BUA of every leg. The operator's softphone places it as a SECOND SIP session (an outbound INVITE
 * carrying `X-Hotline-Consult: <call id>`, server/outbound), which {@link CallConsultation.claim} ties to this call;
 * the target gets its own rtpengine call there. (Moving the operator's one WebRTC leg onto another rtpengine call by
 * re-INVITE leaves Chromium without SRTP: its DTLS is not redone against the same certificate.)
 *
 * This file keeps the consultation in progress (at most one per call), its INVITE timer and its claim, and logs
 * `call.consult-answered` and `call.consult-ended`. The hold, the call's state and the completion (a transfer) are
 * the session's ({@link CallSession.consult}, {@link CallSession.completeConsult}).
 * @module
 */
import type { ExternalCall } from "../external-party";
import type { SessionLog } from "./session-ports";

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

/** An answered consultation handed over for completion ({@link CallConsultation.answeredTarget}). */
export interface AnsweredConsultation extends ConsultTarget {
  /** The consultation's call (the operator's second session and the target's leg). */
  call: ExternalCall;
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
  /** The consultation ended without completion (the target left, never answered, no INVITE): back to the held caller. */
  targetLeft(): void;
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

  /** True while a consultation is in progress. */
  get active(): boolean {
    return this.current !== undefined;
  }

  /**
   * Begins a consultation of `target`. The desk's INVITE should follow at once: a desk that never sends it within
   * {@link CONSULT_INVITE_TIMEOUT_MS} gets its caller back, held ({@link ConsultationPort.targetLeft}).
   */
  start(target: ConsultTarget): void {
    const consultation: Consultation = { number: target.number, ...(target.colleague !== undefined && { colleague: target.colleague }), call: undefined, answered: false, since: this.port.now() };
    this.current = consultation;
    consultation.inviteTimer = setTimeout(() => !consultation.call && this.gone(consultation, "no-invite"), CONSULT_INVITE_TIMEOUT_MS);
    consultation.inviteTimer.unref();
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

  /** The consultation in progress once its target answered, for completion; undefined otherwise. */
  answeredTarget(): AnsweredConsultation | undefined {
    const consultation = this.current;
    if (!consultation?.answered || !consultation.call) return undefined;
    return { number: consultation.number, ...(consultation.colleague !== undefined && { colleague: consultation.colleague }), call: consultation.call };
  }

  /**
   * Completion by `operatorId`: the consultation is over (logged `completed`). A colleague's consultation call ends
   * here (BYE to both softphones); an external target's call goes on, joined to the caller by the session.
   */
  complete(operatorId: string): void {
    const consultation = this.current;
    if (!consultation) return;
    this.current = undefined;
    clearTimeout(consultation.inviteTimer);
    if (consultation.colleague !== undefined) consultation.call?.end();
    this.port.log("call.consult-ended", { ...label(consultation), reason: "completed", ms: this.port.now() - consultation.since }, { operatorId: Number(operatorId), queueId: this.port.queueId() });
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
    this.port.targetLeft();
  }
}

/** What a consultation's log entries say about its target. */
function label(consultation: ConsultTarget): Record<string, unknown> {
  return consultation.colleague !== undefined ? { operatorTarget: Number(consultation.colleague) } : { number: consultation.number };
}
