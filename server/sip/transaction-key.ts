/**
 * Transaction matching keys (RFC 3261 §17.1.3, §17.2.3).
 * @module
 */
import { getCSeq, getTopVia, type SipMessage, type SipRequest } from "./message.js";
import { viaBranch, viaSentBy } from "./via.js";

/**
 * Server key: branch + sent-by + method, where ACK maps to INVITE so the ACK for a non-2xx
 * final response finds its INVITE transaction, and CANCEL stays its own transaction
 * (§17.2.3). Undefined when the top Via has no branch (RFC 2543 peers are not supported).
 */
export function serverTransactionKey(request: SipRequest): string | undefined {
  const via = getTopVia(request);
  const branch = via && viaBranch(via);
  if (!via || !branch) return undefined;
  const method = request.method === "ACK" ? "INVITE" : request.method;
  return `${branch}|${viaSentBy(via)}|${method}`;
}

/**
 * Client key: branch of the top Via + CSeq method (§17.1.3). The same function serves the
 * outgoing request and the incoming response, since the response copies both.
 */
export function clientTransactionKey(message: SipMessage): string | undefined {
  const via = getTopVia(message);
  const branch = via && viaBranch(via);
  const cseq = getCSeq(message);
  if (!branch || !cseq) return undefined;
  return `${branch}|${cseq.method}`;
}
