/**
 * INVITE server transaction (RFC 3261 §17.2.1, with the RFC 6026 Accepted state).
 * @module
 */
import type { SipRequest, SipResponse } from "./message.js";
import { createResponse } from "./response.js";
import type { TransactionContext } from "./transaction.js";
import { ServerTransactionBase } from "./server-transaction-base.js";

/** RFC 3261 §17.2.1: send 100 Trying unless the TU answers within 200 ms. */
const TRYING_DELAY_MS = 200;

export class InviteServerTransaction extends ServerTransactionBase {
  private timerGInterval: number;

  constructor(key: string, context: TransactionContext, request: SipRequest, sendBytes: (data: Buffer, status: number) => Promise<void>) {
    super(key, context, "proceeding", request, sendBytes);
    this.timerGInterval = context.config.t1;
  }

  /** Arms the 100 Trying timer. */
  start(): void {
    this.startTimer("Trying", TRYING_DELAY_MS, () => {
      if (this.currentState === "proceeding" && this.lastResponseStatus === 0) this.respond(createResponse(this.request, 100));
    });
  }

  respond(response: SipResponse): void {
    const status = response.status;
    if (this.currentState === "accepted" && status >= 200 && status < 300) {
      // The TU retransmits its 2xx itself until the ACK arrives (RFC 3261 §13.3.1.4).
      this.sendResponse(response);
      return;
    }
    if (this.currentState !== "proceeding") {
      this.ignoreResponse(response);
      return;
    }
    this.stopTimer("Trying");
    this.sendResponse(response);
    if (status < 200) return;
    if (status < 300) {
      this.transition("accepted");
      this.startTimer("L", 64 * this.context.config.t1, () => this.terminate());
      return;
    }
    this.transition("completed");
    if (!this.context.reliable) this.armTimerG();
    this.startTimer("H", 64 * this.context.config.t1, () => {
      this.terminate();
      this.events.onTimeout?.();
    });
  }

  private armTimerG(): void {
    this.startTimer("G", this.timerGInterval, () => {
      this.resendLastResponse();
      this.timerGInterval = Math.min(2 * this.timerGInterval, this.context.config.t2);
      this.armTimerG();
    });
  }

  /** An INVITE retransmission or an ACK. */
  receiveRequest(request: SipRequest): void {
    if (request.method === "ACK") {
      if (this.currentState === "completed") {
        this.stopTimer("G");
        this.stopTimer("H");
        this.transition("confirmed");
        // Timer I absorbs further ACK retransmissions (T4 on UDP, 0 on reliable transports).
        this.startTimer("I", this.context.reliable ? 0 : this.context.config.t4, () => this.terminate());
      } else if (this.currentState === "accepted") {
        this.events.onAck?.(request);
      }
      return;
    }
    // Retransmitted INVITE: repeat the last provisional (Proceeding) or final (Completed) response;
    // in Accepted it is absorbed so it can never reach the TU as a new call (RFC 6026 §7.1).
    if (this.currentState === "proceeding" || this.currentState === "completed") this.resendLastResponse();
  }
}
