/**
 * Building responses from requests (RFC 3261 §8.2.6).
 * @module
 */
import { Headers } from "./headers.js";
import { createResponseMessage, isRequest, type SipRequest, type SipResponse } from "./message.js";
import { getTag, withTag } from "./name-addr.js";
import { REASON_PHRASES, serializeMessage } from "./serializer.js";
import { generateTag } from "./ids.js";
import { parseMessage, type ParseFailure } from "./parser.js";

export interface ResponseOptions {
  /** Reason phrase; defaults to the RFC 3261 §21 phrase. */
  reason?: string;
  /**
   * To-tag to add when the request has none. Defaults to a fresh tag for every status except
   * 100, which RFC 3261 §8.2.6.2 lets go without one. Pass the dialog's tag for all responses
   * of one transaction so retransmissions and the final response agree.
   */
  toTag?: string;
  /** Extra headers appended after the copied ones. */
  headers?: Iterable<readonly [string, string]>;
  body?: Buffer | string;
}

/**
 * Copies Via (all, in order), From, To, Call-ID and CSeq from the request headers
 * (RFC 3261 §8.2.6.2), for 100 Trying, Timestamp (§8.2.6.1), and for a response that establishes
 * a dialog, every Record-Route value in order (§12.1.1).
 */
function copyHeaders(source: Headers, status: number, toTag: string | undefined, establishesDialog = false): Headers {
  const headers = new Headers();
  for (const via of source.getAll("Via")) headers.append("Via", via);
  if (establishesDialog) for (const route of source.getAll("Record-Route")) headers.append("Record-Route", route);
  for (const name of ["From", "To", "Call-ID", "CSeq"]) {
    const value = source.get(name);
    if (value === undefined) continue;
    const needsTag = name === "To" && status !== 100 && getTag(value) === undefined;
    headers.append(name, needsTag ? withTag(value, toTag ?? generateTag()) : value);
  }
  const timestamp = source.get("Timestamp");
  if (status === 100 && timestamp !== undefined) headers.append("Timestamp", timestamp);
  return headers;
}

/** Builds a response to `request` per RFC 3261 §8.2.6. */
export function createResponse(request: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const headers = copyHeaders(request.headers, status, options.toTag, establishesDialog(request, status));
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  const init: Parameters<typeof createResponseMessage>[0] = {
    status,
    reason: options.reason ?? REASON_PHRASES[status] ?? "Unknown",
    headers,
  };
  if (options.body !== undefined) init.body = options.body;
  return createResponseMessage(init);
}

/**
 * True for a response that creates a dialog (RFC 3261 §12.1): a 101-299 with a To tag to an INVITE that had none
 * (the only dialog-creating method Hotline serves). Such a response carries the request's Record-Route (§12.1.1),
 * so a proxy that record-routed the INVITE (Kamailio in front, a carrier's SBC) stays on the dialog's path.
 */
function establishesDialog(request: SipRequest, status: number): boolean {
  return request.method === "INVITE" && status > 100 && status < 300 && getTag(request.headers.get("To")) === undefined;
}

/**
 * Builds the 400/416/505 answer for a request the parser rejected, copying whatever headers
 * could be read. The parser's reason becomes the reason phrase (RFC 3261 §21.4.1 suggests
 * saying what was wrong), sanitised to stay on one line.
 */
export function createErrorResponse(failure: Extract<ParseFailure, { kind: "bad-request" }>): SipResponse {
  const headers = copyHeaders(failure.headers, failure.status, undefined);
  if (failure.status === 416 || failure.status === 505) headers.append("Warning", `399 - "${failure.reason.replace(/["\\]/g, "")}"`);
  const reason = failure.status === 400 ? `Bad Request - ${failure.reason}` : (REASON_PHRASES[failure.status] ?? "Bad Request");
  return createResponseMessage({ status: failure.status, reason: reason.replace(/[\r\n]/g, " ").slice(0, 120), headers });
}

/**
 * 513 Message Too Large (RFC 3261 §21.5.14) for a request whose header section `head` (no body, no final blank line)
 * declared more than the stream transport accepts; undefined when the head is not a parseable request (a response,
 * or garbage: nothing to answer). The caller sends it and closes the connection, which can no longer be framed.
 */
export function messageTooLargeResponse(head: Buffer): Buffer | undefined {
  const section = head.toString("latin1").replace(/^(content-length|l)[ \t]*:.*$/gim, "Content-Length: 0");
  const parsed = parseMessage(Buffer.from(`${section}\r\n\r\n`, "latin1"), { framing: "stream" });
  if (!parsed.ok || !isRequest(parsed.message) || parsed.message.method === "ACK") return undefined;
  return serializeMessage(createResponse(parsed.message, 513));
}
