/**
 * What a call leg needs of the SIP side to send its requests and responses: a narrow port that the B2BUA
 * implements (server/telephony/b2bua.ts). Legs never call the B2BUA back to change its tables; they emit
 * `dialog-created` and `released` (see trunk-leg.ts, operator-leg.ts) and the B2BUA, which subscribed when it made
 * the leg, keeps its own tables.
 */
import type { ClientTransaction, ClientTransactionUser, Destination, SipRequest, SipResponse } from "../sip";
import type { Logger } from "../logger";
import type { SipDialog, LocalContact } from "./sip-dialog";
import { SUPPORTED_EXTENSIONS } from "./uas-inspection";

/** The methods Hotline serves, in every Allow header (RFC 3261 §20.5). */
export const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REGISTER";
/** The option tags Hotline implements, in every Supported header (RFC 3261 §20.37). */
export const SUPPORTED = SUPPORTED_EXTENSIONS.join(", ");

/** Why a leg ended: BYE, CANCEL, no ACK for our 2xx, its transport died, our side, RFC 4028 expiry, a 500 of the layer. */
export type EndReason = "bye" | "cancel" | "no-ack" | "transport-error" | "local" | "session-expired" | "server-error";

/** Outcome of a re-INVITE we sent: the final status (408 on timeout, 503 on transport failure) and the answer SDP. */
export interface ReofferResult {
  status: number;
  sdp: string | undefined;
}

/**
 * End reasons that are Hotline's doing, not the peer's (a call record's `ended_by` is then `system`). `no-ack`: our
 * 2xx was never ACKed, so we sent BYE (RFC 3261 §13.3.1.4).
 */
export const SYSTEM_END_REASONS: ReadonlySet<string> = new Set(["local", "session-expired", "server-error", "no-ack"]);

/**
 * End reasons of a caller's leg that mean the call failed, not that the caller gave up: our 2xx was never ACKed
 * within 64*T1 (RFC 3261 §13.3.1.4: the dialog was never confirmed, the UAS sends BYE), or our own layer answered a
 * request with a 500. A caller not yet answered by an operator is then recorded `failed` (end reason kept), never
 * `abandoned`, so it stays out of abandon figures (board, reports, callbacks of abandoned calls).
 */
export const FAILED_END_REASONS: ReadonlySet<string> = new Set(["no-ack", "server-error"]);

/** The outcome of a caller who left before talking to anyone, by their leg's end reason (see {@link FAILED_END_REASONS}). */
export function callerGoneOutcome(reason: string | undefined): "failed" | "abandoned" {
  return reason !== undefined && FAILED_END_REASONS.has(reason) ? "failed" : "abandoned";
}

/**
 * Sends a re-INVITE and, if it meets a re-INVITE of the other side (491 Request Pending), sends it once more after a
 * random wait of `minMs` to `minMs + 1900` ms (RFC 3261 §14.1: 2.1-4 s when we own the Call-ID, 0-2 s when not).
 * Resolves with the last attempt's result; never rejects unless `send` does.
 */
export async function retryAfterGlare(send: () => Promise<ReofferResult>, minMs: number): Promise<ReofferResult> {
  const first = await send();
  if (first.status !== 491) return first;
  await new Promise((resolve) => setTimeout(resolve, minMs + Math.random() * 1900));
  return send();
}

export interface LegSignalling {
  readonly logger: Logger;
  /** Our Contact toward `transport`'s peers. */
  localContact(transport: "UDP" | "TCP" | "WS" | "TLS" | "WSS"): LocalContact;
  /** A new client transaction (throws when the transport is gone). */
  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction;
  /** ACK for a 2xx received on `dialog` to the INVITE with CSeq `cseq` (RFC 3261 §13.2.2.4). */
  sendAck(dialog: SipDialog, cseq?: number): void;
  /** A BYE in `dialog`, its responses ignored. */
  sendInDialog(dialog: SipDialog, method: "BYE"): void;
  /** A request built on `dialog`; `onResponse` gets every response (408 on timeout or transport error). */
  sendInDialogRequest(dialog: SipDialog, request: SipRequest, onResponse: (response: SipResponse) => void): void;
  /** A re-INVITE with an SDP offer in `dialog` (RFC 3261 §14.1); never rejects. */
  sendReInvite(dialog: SipDialog, sdp: string): Promise<ReofferResult>;
}
