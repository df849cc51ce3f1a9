/**
 * The operators a call rings (the engine's offers): one INVITE per offer to the operator's registered softphone,
 * carrying rtpengine's WebRTC offer for that attempt (the leg's tag) and the call's headers for the desk
 * ({@link OFFER_HEADERS}: call id, caller, queue; `X-Hotline-Auto-Answer: consult` for the colleague of a completed
 * consultation). A declined or unanswered offer is reported to the engine (`offer-declined`, `offer-timed-out` on 408
 * or 480, RFC 3261 §21.4.9 and §21.4.18); an answer or a hang-up goes to the session, which connects the leg.
 * @module
 */
import type { EngineEvent } from "../../queue";
import { OFFER_HEADERS } from "../../realtime/events";
import type { CallMedia } from "../call-media";
import type { MediaLane } from "../media-lanes";
import type { OperatorLegPort } from "./session-ports";

/** What the offers need of their call session. */
export interface OperatorOffersPort {
  readonly callId: string;
  /** A new leg toward the operator's registered softphone; undefined when it is not registered. */
  operatorLeg(operatorId: string): OperatorLegPort | undefined;
  /** Feeds the queue engine a fact about this call. */
  dispatch(event: EngineEvent): void;
  /** Counts one more offer on the call's record. */
  counted(): void;
  /** The call's media now. */
  media(): CallMedia;
  /** Runs a step on the call's media chain after the earlier steps on `lanes` (default all; skipped once the session
   * finished; errors logged). */
  enqueueMedia(step: () => Promise<unknown>, lanes?: readonly MediaLane[]): void;
  /** The caller's number and the queue's name, for the INVITE's headers and display name. */
  callerNumber(): string;
  queueName(): string;
  /** The INVITE was handed to the transaction layer (bench probe). */
  inviteSent(): void;
  /** The operator answered with `sdp` (their leg is no longer an offer). */
  answered(operatorId: string, leg: OperatorLegPort, sdp: string): void;
  /** The operator's leg ended (`reason`: its end reason). */
  ended(operatorId: string, leg: OperatorLegPort, reason: string): void;
}

export class OperatorOffers {
  /** Operators ringing, by operator id. */
  private readonly ringing = new Map<string, OperatorLegPort>();
  /** The colleague whose next offer of this call is answered by their desk at once (a completed consultation). */
  private autoAnswer: string | undefined;

  constructor(private readonly port: OperatorOffersPort) {}

  /** The legs still ringing. */
  legs(): IterableIterator<OperatorLegPort> {
    return this.ringing.values();
  }

  /** The engine offers the call to `operatorId`: an INVITE with rtpengine's WebRTC offer to their softphone. */
  offer(operatorId: string): void {
    const leg = this.port.operatorLeg(operatorId);
    if (!leg) {
      // The engine believed the softphone registered; it is not (race with an unregister).
      this.port.dispatch({ type: "offer-declined", callId: this.port.callId, operatorId });
      return;
    }
    this.ringing.set(operatorId, leg);
    this.port.counted();
    leg.on("answered", (sdp) => this.port.answered(operatorId, leg, sdp));
    leg.on("failed", (status) => {
      if (this.ringing.get(operatorId) !== leg) return;
      this.ringing.delete(operatorId);
      if (this.autoAnswer === operatorId) this.autoAnswer = undefined;
      this.port.enqueueMedia(() => this.port.media().abandonOperatorAttempt(leg.localTag));
      const type = status === 408 || status === 480 ? "offer-timed-out" : "offer-declined";
      this.port.dispatch({ type, callId: this.port.callId, operatorId });
    });
    leg.on("ended", (reason) => this.port.ended(operatorId, leg, reason));
    // On the branch lane: the INVITE does not wait for a prompt asked for the caller just before (../media-lanes.ts),
    // so operators are reached in the order the engine offered them the callers.
    this.port.enqueueMedia(async () => {
      if (leg.ended) return;
      const sdp = await this.port.media().offerToOperator(leg.localTag);
      // The offer may have been cancelled while rtpengine prepared it.
      if (leg.ended) return;
      const caller = this.port.callerNumber();
      leg.send(
        sdp,
        [
          [OFFER_HEADERS.callId, this.port.callId],
          [OFFER_HEADERS.caller, caller],
          [OFFER_HEADERS.queue, encodeURIComponent(this.port.queueName())],
          ...(this.autoAnswer === operatorId ? [[OFFER_HEADERS.autoAnswer, "consult"] as [string, string]] : []),
        ],
        caller,
      );
      if (!leg.ended) this.port.inviteSent();
    }, ["branch"]);
  }

  /** The engine withdraws an offer (someone else answered, ring timeout, the caller left): CANCEL (RFC 3261 §9.1). */
  cancel(operatorId: string): void {
    const leg = this.ringing.get(operatorId);
    if (!leg) return;
    this.ringing.delete(operatorId);
    leg.cancel();
    this.port.enqueueMedia(() => this.port.media().abandonOperatorAttempt(leg.localTag));
  }

  /** `operatorId` answered and is connected: no longer an offer. */
  taken(operatorId: string): void {
    this.ringing.delete(operatorId);
    this.autoAnswer = undefined;
  }

  /** The caller left while operators rang: CANCEL to each. */
  cancelAll(): void {
    for (const leg of this.ringing.values()) leg.cancel();
    this.ringing.clear();
  }

  /** The next offer to `operatorId` asks their desk to answer at once (undefined: none does). */
  autoAnswerNext(operatorId: string | undefined): void {
    this.autoAnswer = operatorId;
  }
}
