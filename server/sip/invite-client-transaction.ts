/**
 * INVITE client transaction (RFC 3261 §17.1.1, with the RFC 6026 Accepted state).
 * @module
 */
import { Headers } from "./headers.js";
import { createRequest, getCSeq, type SipRequest, type SipResponse } from "./message.js";
import { serializeMessage } from "./serializer.js";
import type { TransactionContext } from "./transaction.js";
import type { ClientTransactionUser } from "./client-transaction-user.js";
import { ClientTransactionBase } from "./client-transaction-base.js";

/** Timer D for unreliable transports: "at least 32 seconds" (RFC 3261 §17.1.1.2). */
const TIMER_D_UNRELIABLE = 32_000;

/**
 * Builds the ACK for a non-2xx final response (RFC 3261 §17.1.1.3): same Request-URI, Call-ID,
 * From, CSeq number and top Via as the INVITE, To from the response, Route copied.
 */
export function createAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new Headers();
  const topVia = invite.headers.get("Via");
  if (topVia !== undefined) headers.append("Via", topVia);
  for (const route of invite.headers.getAll("Route")) headers.append("Route", route);
  headers.append("Max-Forwards", "70");
  headers.append("From", invite.headers.get("From") ?? "");
  headers.append("To", response.headers.get("To") ?? invite.headers.get("To") ?? "");
  headers.append("Call-ID", invite.headers.get("Call-ID") ?? "");
  headers.append("CSeq", `${getCSeq(invite)?.seq ?? 0} ACK`);
  return createRequest({ method: "ACK", uri: invite.uri, headers });
}

export class InviteClientTransaction extends ClientTransactionBase {
  private ackBytes: Buffer | undefined;

  constructor(key: string, context: TransactionContext, request: SipRequest, sendBytes: (data: Buffer) => Promise<void>, user: ClientTransactionUser) {
    super(key, context, "calling", request, sendBytes, user, { retransmit: "A", timeout: "B" });
  }

  /** Timer A doubles without the T2 cap that applies to non-INVITE requests (§17.1.1.2). */
  protected nextRetransmitInterval(): number {
    return 2 * this.retransmitInterval;
  }

  /** Feeds a response matched to this transaction by the layer. */
  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.currentState) {
      case "calling":
      case "proceeding":
        // Any response ends Calling: no more INVITE retransmissions, and Timer B no longer applies.
        this.stopRequestTimers();
        if (status < 200) {
          this.transition("proceeding");
        } else if (status < 300) {
          // RFC 6026 §8.4: Accepted lets 2xx retransmissions (and forked 2xx) reach the TU,
          // which owns the ACK for 2xx.
          this.transition("accepted");
          this.startTimer("M", 64 * this.context.config.t1, () => this.terminate());
        } else {
          this.transition("completed");
          this.ackBytes = serializeMessage(createAckForNon2xx(this.request, response));
          this.sendAck();
          this.startTimer("D", this.context.reliable ? 0 : TIMER_D_UNRELIABLE, () => this.terminate());
        }
        this.user.onResponse(response);
        return;
      case "completed":
        // Retransmitted final response: our ACK was lost, send it again, do not pass up.
        if (status >= 300) this.sendAck();
        return;
      case "accepted":
        if (status >= 200 && status < 300) this.user.onResponse(response);
        return;
      default:
        return;
    }
  }

  private sendAck(): void {
    const ack = this.ackBytes;
    if (ack) this.transmit(() => this.sendBytes(ack));
  }

  protected onTransportError(error: Error): void {
    // RFC 6026 §8.7: in Accepted a transport error is not reported; the TU already has its 2xx.
    if (this.currentState === "accepted") return;
    const report = this.currentState === "calling" || this.currentState === "proceeding";
    this.terminate();
    if (report) this.user.onTransportError?.(error);
  }
}
