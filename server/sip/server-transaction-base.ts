/**
 * What the INVITE and non-INVITE server transactions share (RFC 3261 §17.2): the last
 * response is kept serialised so a retransmitted request is answered without rebuilding it.
 * @module
 */
import type { SipRequest, SipResponse } from "./message.js";
import { serializeMessage } from "./serializer.js";
import { Transaction, type TransactionContext, type TransactionState } from "./transaction.js";
import type { ServerTransactionEvents } from "./server-transaction-user.js";

export abstract class ServerTransactionBase extends Transaction {
  /** Notifications for the TU; assign after receiving the request. */
  events: ServerTransactionEvents = {};
  private lastResponse: Buffer | undefined;
  private lastStatus = 0;

  protected constructor(
    key: string,
    context: TransactionContext,
    initial: TransactionState,
    readonly request: SipRequest,
    private readonly sendBytes: (data: Buffer) => Promise<void>,
  ) {
    super(key, context, initial);
  }

  /** Status of the last response sent, 0 if none yet. */
  get lastResponseStatus(): number {
    return this.lastStatus;
  }

  /** Sends a response from the TU and drives the state machine. */
  abstract respond(response: SipResponse): void;

  /** Feeds a request matched to this transaction (retransmission, or ACK for INVITE). */
  abstract receiveRequest(request: SipRequest): void;

  /** Called by the layer once the TU has the request. */
  abstract start(): void;

  protected sendResponse(response: SipResponse): void {
    const bytes = serializeMessage(response);
    this.lastResponse = bytes;
    this.lastStatus = response.status;
    this.transmit(() => this.sendBytes(bytes));
  }

  protected resendLastResponse(): void {
    const bytes = this.lastResponse;
    if (bytes) this.transmit(() => this.sendBytes(bytes));
  }

  protected ignoreResponse(response: SipResponse): void {
    this.context.logger.warn("response ignored by server transaction", { key: this.key, state: this.currentState, status: response.status });
  }

  protected onTransportError(error: Error): void {
    this.terminate();
    this.events.onTransportError?.(error);
  }
}
