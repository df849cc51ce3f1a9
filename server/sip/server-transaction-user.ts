/**
 * Optional notifications a server transaction gives its transaction user.
 * @module
 */
import type { SipRequest } from "./message.js";

export interface ServerTransactionEvents {
  /** Timer H fired: no ACK arrived for a non-2xx final response (RFC 3261 §17.2.1). */
  onTimeout?(): void;
  /** A response could not be sent (RFC 3261 §17.2.4). */
  onTransportError?(error: Error): void;
  /** An ACK matched the transaction in the RFC 6026 Accepted state (ACK for 2xx reusing the branch). */
  onAck?(ack: SipRequest): void;
  /**
   * The layer ended the transaction with a final response of its own (`status`): 500 when the TU
   * threw while handling the request, 408 (INVITE) or 500 (non-INVITE) when the TU gave no final
   * response before its deadline. The TU drops whatever it keeps for this request; responses it
   * sends later are ignored.
   */
  onLayerFinal?(status: number): void;
}
