/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2).
 * @module
 */
import type { SipRequest, SipResponse } from "./message.js";
import type { TransactionContext } from "./transaction.js";
import type { ClientTransactionUser } from "./client-transaction-user.js";
import { ClientTransactionBase } from "./client-transaction-base.js";

export class NonInviteClientTransaction extends ClientTransactionBase {
  constructor(key: string, context: TransactionContext, request: SipRequest, sendBytes: (data: Buffer) => Promise<void>, user: ClientTransactionUser) {
    super(key, context, "trying", request, sendBytes, user, { retransmit: "E", timeout: "F" });
  }

  /** §17.1.2.2: Timer E doubles up to T2 in Trying; once a provisional arrived it stays at T2. */
  protected nextRetransmitInterval(): number {
    const { t2 } = this.context.config;
    return this.currentState === "proceeding" ? t2 : Math.min(2 * this.retransmitInterval, t2);
  }

  receiveResponse(response: SipResponse): void {
    if (this.currentState !== "trying" && this.currentState !== "proceeding") return;
    if (response.status < 200) {
      this.transition("proceeding");
      this.user.onResponse(response);
      return;
    }
    this.stopRequestTimers();
    this.transition("completed");
    // Timer K lets retransmitted finals be absorbed (T4 on UDP, 0 on reliable transports).
    this.startTimer("K", this.context.reliable ? 0 : this.context.config.t4, () => this.terminate());
    this.user.onResponse(response);
  }

  protected onTransportError(error: Error): void {
    const report = this.currentState === "trying" || this.currentState === "proceeding";
    this.terminate();
    if (report) this.user.onTransportError?.(error);
  }
}
