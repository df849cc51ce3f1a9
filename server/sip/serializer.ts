/**
 * Serialises messages to wire bytes (RFC 3261 §7).
 * @module
 */
import type { SipMessage } from "./message.js";

/** Default reason phrases (RFC 3261 §21) used when a response is built without one. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: "Trying", 180: "Ringing", 181: "Call Is Being Forwarded", 182: "Queued", 183: "Session Progress",
  200: "OK", 202: "Accepted", 300: "Multiple Choices", 301: "Moved Permanently", 302: "Moved Temporarily",
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  407: "Proxy Authentication Required", 408: "Request Timeout", 415: "Unsupported Media Type",
  416: "Unsupported URI Scheme", 420: "Bad Extension", 480: "Temporarily Unavailable",
  481: "Call/Transaction Does Not Exist", 482: "Loop Detected", 483: "Too Many Hops", 486: "Busy Here",
  487: "Request Terminated", 488: "Not Acceptable Here", 491: "Request Pending", 500: "Server Internal Error",
  501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Server Time-out",
  505: "Version Not Supported", 513: "Message Too Large", 600: "Busy Everywhere", 603: "Decline",
  604: "Does Not Exist Anywhere", 606: "Not Acceptable",
};

/** The start line without CRLF. */
export function startLine(message: SipMessage): string {
  return message.type === "request"
    ? `${message.method} ${message.uri} SIP/2.0`
    : `SIP/2.0 ${message.status} ${message.reason}`;
}

/**
 * Encodes a message. Content-Length is always rewritten from the body so framing on stream
 * transports can never disagree with the bytes sent (RFC 3261 §18.3, §20.14). Header values
 * must not contain CR or LF; they are stripped here so no caller can inject a header.
 */
export function serializeMessage(message: SipMessage): Buffer {
  let head = `${startLine(message)}\r\n`;
  let wroteLength = false;
  for (const { name, value } of message.headers) {
    if (name === "Content-Length") {
      // Kept at its original position so a parse/serialize round trip preserves header order.
      if (!wroteLength) head += `Content-Length: ${message.body.length}\r\n`;
      wroteLength = true;
      continue;
    }
    head += `${name}: ${value.replace(/[\r\n]+/g, " ")}\r\n`;
  }
  if (!wroteLength) head += `Content-Length: ${message.body.length}\r\n`;
  head += "\r\n";
  return message.body.length === 0 ? Buffer.from(head, "utf8") : Buffer.concat([Buffer.from(head, "utf8"), message.body]);
}
