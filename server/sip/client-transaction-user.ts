/**
 * Callbacks a transaction user (UAC core, B2BUA leg) gives a client transaction.
 * @module
 */
import type { SipResponse } from "./message.js";

export interface ClientTransactionUser {
  /** Every response the transaction passes up (provisional, final, and 2xx retransmissions in Accepted). */
  onResponse(response: SipResponse): void;
  /** Timer B or F fired: treat as 408 (RFC 3261 §8.1.3.1). */
  onTimeout?(): void;
  /** The transport failed: treat as 503 (RFC 3261 §8.1.3.1). */
  onTransportError?(error: Error): void;
}
