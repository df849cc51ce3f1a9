/**
 * The admission seam between the transaction layer and the policy above it (which sources are
 * vouched for, how fast strangers may talk). The SIP core defines the questions; the telephony
 * layer answers them (allow list, per-source rate limits), so server/sip imports nothing above it.
 * @module
 */
import type { Endpoint, MessageSource } from "./transport.js";

/**
 * Questions the {@link TransactionLayer} asks before it spends anything on a message.
 *
 * Trusted sources (configured trunks, authenticated operator WebSockets) get the RFC 3261 rules
 * unchanged: responses routed by Via (§18.2.2), no rate limit, and room in the transaction table
 * that strangers can never take. Untrusted sources are answered only at the packet's source
 * address (RFC 3581 §4 style: Via maddr/received/sent-by are ignored, so a forged Via cannot aim
 * responses at a third party), their new requests are admitted one by one before any transaction
 * exists, and every error response sent to them (retransmissions included) is admitted too.
 */
export interface SourceAdmission {
  /** True when the source is vouched for. Called for every inbound request (cheap lookups only). */
  isTrusted(source: MessageSource): boolean;
  /**
   * Asked for each request from an untrusted source (new ones, retransmissions, ACKs and
   * malformed ones alike) before it is parsed or anything is allocated; false drops it unanswered.
   */
  admitRequest(source: MessageSource): boolean;
  /**
   * Asked before each error response (status 300-699, first send and retransmissions) goes to an
   * untrusted address; false skips that send (the transaction still runs its timers and ends).
   */
  admitErrorResponse(destination: Endpoint): boolean;
}

/** Every source trusted, nothing limited: the plain RFC 3261 behaviour (tests, embedded uses). */
export const TRUST_EVERY_SOURCE: SourceAdmission = {
  isTrusted: () => true,
  admitRequest: () => true,
  admitErrorResponse: () => true,
};
