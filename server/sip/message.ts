/**
 * SIP message model (RFC 3261 §7) and typed accessors for the headers every layer needs.
 *
 * Messages are plain mutable objects; the authoritative data is the header multimap, and the
 * accessors parse on demand so a TU that rewrites a header never sees a stale cached value.
 * @module
 */
import { Headers } from "./headers.js";
import { parseVia, type Via } from "./via.js";

export interface SipRequest {
  readonly type: "request";
  /** Method token, case-sensitive (RFC 3261 §7.1). */
  method: string;
  /** Request-URI as written on the wire. */
  uri: string;
  headers: Headers;
  body: Buffer;
}

export interface SipResponse {
  readonly type: "response";
  status: number;
  reason: string;
  headers: Headers;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Parsed CSeq (RFC 3261 §20.16). */
export interface CSeq {
  seq: number;
  method: string;
}

export function createRequest(init: { method: string; uri: string; headers?: Headers | Iterable<readonly [string, string]>; body?: Buffer | string }): SipRequest {
  return {
    type: "request",
    method: init.method,
    uri: init.uri,
    headers: toHeaders(init.headers),
    body: toBuffer(init.body),
  };
}

export function createResponseMessage(init: { status: number; reason: string; headers?: Headers | Iterable<readonly [string, string]>; body?: Buffer | string }): SipResponse {
  return {
    type: "response",
    status: init.status,
    reason: init.reason,
    headers: toHeaders(init.headers),
    body: toBuffer(init.body),
  };
}

function toHeaders(headers: Headers | Iterable<readonly [string, string]> | undefined): Headers {
  return headers instanceof Headers ? headers : new Headers(headers);
}

function toBuffer(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === "string" ? Buffer.from(body, "utf8") : body;
}

export function isRequest(message: SipMessage): message is SipRequest {
  return message.type === "request";
}

/** Parsed CSeq, or undefined when absent/malformed (parsed messages always have one). */
export function getCSeq(message: SipMessage): CSeq | undefined {
  const m = /^(\d{1,10})[ \t]+(\S+)$/.exec(message.headers.get("CSeq") ?? "");
  if (!m) return undefined;
  return { seq: Number(m[1]), method: m[2] ?? "" };
}

/** The topmost Via (RFC 3261 §17.1.3/§17.2.3 match on it), or undefined. */
export function getTopVia(message: SipMessage): Via | undefined {
  const value = message.headers.get("Via");
  if (value === undefined) return undefined;
  const via = parseVia(value);
  return via.ok ? via.value : undefined;
}

export function getCallId(message: SipMessage): string | undefined {
  return message.headers.get("Call-ID");
}

/** Max-Forwards as a number; undefined when absent or malformed. */
export function getMaxForwards(request: SipRequest): number | undefined {
  const v = request.headers.get("Max-Forwards");
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * True when the request must not be forwarded any further: Max-Forwards is 0. RFC 3261 §16.3
 * says a proxy answers 483, but a UAS may still process e.g. OPTIONS (§11, RFC 4475 zeromf),
 * so the decision stays with the caller.
 */
export function isMaxForwardsExhausted(request: SipRequest): boolean {
  return getMaxForwards(request) === 0;
}
