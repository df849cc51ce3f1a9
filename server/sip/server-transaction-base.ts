/**
 * What the INVITE and non-INVITE server transactions share (RFC 3261 §17.2): the last
 * response is kept serialised so a retransmitted request is answered without rebuilding it.
 * @module
 */
import type { SipRequest, SipResponse } from "./message.js";
import { getTag } from "./name-addr.js";
import { createResponse } from "./response.js";
import { serializeMessage } from "./serializer.js";
import { Transaction, type TransactionContext, type TransactionState } from "./transaction.js";
import type { ServerTransactionEvents } from "./server-transaction-user.js";

export abstract class ServerTransactionBase extends Transaction {
  /** Notifications for the TU; assign after receiving the request. */
  events: ServerTransactionEvents = {};
  private lastResponse: Buffer | undefined;
  private lastStatus = 0;
  private lastToTag: string | undefined;

  protected constructor(
    key: string,
    context: TransactionContext,
    initial: TransactionState,
    readonly request: SipRequest,
    /** Sends the serialised response; `status` lets the layer apply its per-destination policy. */
    private readonly sendBytes: (data: Buffer, status: number) => Promise<void>,
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

  /**
   * Gives the TU `ms` milliseconds to send a final response; past it the layer answers `status`
   * itself ({@link answerForTu}). Provisional responses do not stop the clock.
   */
  armTuDeadline(ms: number, status: number): void {
    this.startTimer("TU deadline", ms, () => this.answerForTu(status));
  }

  /**
   * Ends the transaction with a final response chosen by the layer (the TU threw or missed its
   * deadline) unless one was already sent; the To-tag of an earlier provisional is kept.
   * Tells the TU through `events.onLayerFinal`. Returns false when there was nothing to do.
   */
  answerForTu(status: number): boolean {
    if (this.currentState === "terminated" || this.lastStatus >= 200) return false;
    const options = this.lastToTag === undefined ? {} : { toTag: this.lastToTag };
    this.respond(createResponse(this.request, status, options));
    this.events.onLayerFinal?.(status);
    return true;
  }

  protected sendResponse(response: SipResponse): void {
    const bytes = serializeMessage(response);
    this.lastResponse = bytes;
    this.lastStatus = response.status;
    this.lastToTag = getTag(response.headers.get("To")) ?? this.lastToTag;
    if (response.status >= 200) this.stopTimer("TU deadline");
    this.transmit(() => this.sendBytes(bytes, response.status));
  }

  protected resendLastResponse(): void {
    const bytes = this.lastResponse;
    const status = this.lastStatus;
    if (bytes) this.transmit(() => this.sendBytes(bytes, status));
  }

  protected ignoreResponse(response: SipResponse): void {
    this.context.logger.warn("response ignored by server transaction", { key: this.key, state: this.currentState, status: response.status });
  }

  protected onTransportError(error: Error): void {
    this.terminate();
    this.events.onTransportError?.(error);
  }
}
