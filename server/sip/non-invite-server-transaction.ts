/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2).
 * @module
 */
import type { SipRequest, SipResponse } from "./message.js";
import type { TransactionContext } from "./transaction.js";
import { ServerTransactionBase } from "./server-transaction-base.js";

export class NonInviteServerTransaction extends ServerTransactionBase {
  constructor(key: string, context: TransactionContext, request: SipRequest, sendBytes: (data: Buffer, status: number) => Promise<void>) {
    super(key, context, "trying", request, sendBytes);
  }

  start(): void {
    // Nothing to arm: a non-INVITE server transaction waits for the TU without timers.
  }

  respond(response: SipResponse): void {
    if (this.currentState !== "trying" && this.currentState !== "proceeding") {
      this.ignoreResponse(response);
      return;
    }
    this.sendResponse(response);
    if (response.status < 200) {
      this.transition("proceeding");
      return;
    }
    this.transition("completed");
    // Timer J keeps the final response around for retransmitted requests (64*T1 on UDP).
    this.startTimer("J", this.context.reliable ? 0 : 64 * this.context.config.t1, () => this.terminate());
  }

  /** A retransmission of the request: silent in Trying, repeat the last response otherwise. */
  receiveRequest(_request: SipRequest): void {
    if (this.currentState === "proceeding" || this.currentState === "completed") this.resendLastResponse();
  }
}
