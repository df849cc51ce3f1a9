/**
 * Strict SIP message parser (RFC 3261 §7, §8.2, §18.3, §25).
 *
 * Never throws. The result is either a message or a typed failure that tells the caller what
 * it may do: `bad-request` carries the status to answer (400, 416 or 505) plus whatever headers
 * could be read, so a response can be built per RFC 3261 §8.2.6; `drop` means the bytes were a
 * response or garbage and must be silently discarded (RFC 3261 §18.1.2, §16.7 never answer a
 * response).
 * @module
 */
import { Headers, canonicalHeaderName, isListHeader, splitHeaderList } from "./headers.js";
import { createRequest, createResponseMessage, type SipMessage } from "./message.js";
import { isToken, TOKEN_RE } from "./lexical.js";
import { parseNameAddr } from "./name-addr.js";
import { isSupportedScheme, isSipUri, parseUri } from "./uri.js";
import { parseVia } from "./via.js";

export interface ParseOptions {
  /**
   * `datagram` (UDP): the body is the rest of the datagram and Content-Length is optional;
   * `stream` (TCP/TLS, already framed): Content-Length is mandatory (RFC 3261 §18.3, §20.14).
   * WebSocket frames carry exactly one message and behave like datagrams (RFC 7118 §5).
   */
  framing?: "datagram" | "stream";
  /**
   * Reject requests/responses whose topmost Via has no branch. Default true: this stack does
   * not implement the RFC 2543 matching fallback of RFC 3261 §17.2.3.
   */
  requireViaBranch?: boolean;
  /** Largest accepted message in bytes (default 65535, the UDP datagram limit). */
  maxMessageSize?: number;
}

export type ParseFailure =
  | { ok: false; kind: "bad-request"; status: 400 | 416 | 505; reason: string; method?: string; headers: Headers }
  | { ok: false; kind: "drop"; reason: string };

export type ParseResult = { ok: true; message: SipMessage } | ParseFailure;

const CRLF = Buffer.from("\r\n\r\n");
/** Headers that may appear at most once (RFC 3261 §7.3.1: only list headers may repeat). */
const SINGLE_HEADERS = ["To", "From", "Call-ID", "CSeq", "Max-Forwards", "Content-Length", "Content-Type", "Expires", "Date"];
const CALL_ID_WORD = "[A-Za-z0-9\\-.!%*_+`'~()<>:\\\\\"/\\[\\]?{}]+";
const CALL_ID_RE = new RegExp(`^${CALL_ID_WORD}(?:@${CALL_ID_WORD})?$`);
const DATE_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const MEDIA_TYPE_RE = /^[A-Za-z0-9\-.!%*_+`'~]+[ \t]*\/[ \t]*[A-Za-z0-9\-.!%*_+`'~]+[ \t]*(;.*)?$/;
const MAX_CSEQ = 2 ** 31 - 1;

/** Trims SP/HTAB only; String#trim would also eat U+FEFF and other Unicode spaces in values. */
function trimLws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, "");
}

interface HeaderSection {
  startLine: string;
  headers: Headers;
  /** First structural error found while reading header lines. */
  error?: string;
}

/**
 * Reads start line and header lines: unfolds continuation lines (RFC 3261 §7.3.1 LWS),
 * expands compact names, splits list headers into one entry per element.
 */
function readHeaderSection(text: string): HeaderSection {
  const lines = text.split("\r\n");
  const startLine = lines.shift() ?? "";
  const headers = new Headers();
  let error: string | undefined;
  const logical: string[] = [];
  for (const line of lines) {
    if (/[\r\n]/.test(line)) {
      error ??= "bare CR or LF in header section";
      continue;
    }
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (logical.length === 0) error ??= "continuation line before first header";
      else logical[logical.length - 1] += ` ${trimLws(line)}`;
    } else logical.push(line);
  }
  for (const line of logical) {
    const colon = line.indexOf(":");
    const name = colon < 0 ? "" : line.slice(0, colon).replace(/[ \t]+$/, "");
    if (!isToken(name)) {
      error ??= `malformed header line '${line.slice(0, 40)}'`;
      continue;
    }
    const value = trimLws(line.slice(colon + 1));
    if (isListHeader(name) && value !== "" && !(canonicalHeaderName(name) === "Contact" && value === "*")) {
      const parts = splitHeaderList(value);
      if (parts.some((p) => p === "")) error ??= `empty element in ${canonicalHeaderName(name)} list`;
      for (const part of parts) if (part !== "") headers.append(name, part);
    } else headers.append(name, value);
  }
  const result: HeaderSection = { startLine, headers };
  if (error !== undefined) result.error = error;
  return result;
}

/** Validates headers shared by requests and responses; returns a reason on failure. */
function validateCommonHeaders(headers: Headers, requireViaBranch: boolean): string | undefined {
  for (const name of SINGLE_HEADERS) {
    if (headers.getAll(name).length > 1) return `Multiple ${name} headers`;
  }
  for (const name of ["To", "From", "Call-ID", "CSeq"]) {
    if (!headers.has(name)) return `Missing ${name} header`;
  }
  const vias = headers.getAll("Via");
  if (vias.length === 0) return "Missing Via header";
  for (const [index, value] of vias.entries()) {
    const via = parseVia(value);
    if (!via.ok) return `Bad Via header: ${via.error}`;
    if (index === 0 && requireViaBranch && !via.value.params.get("branch")) return "Missing branch in top Via";
  }
  for (const name of ["To", "From"]) {
    const parsed = parseNameAddr(headers.get(name) ?? "");
    if (!parsed.ok) return `Bad ${name} header: ${parsed.error}`;
  }
  if (!CALL_ID_RE.test(headers.get("Call-ID") ?? "")) return "Bad Call-ID header";
  const cseq = /^(\d+)[ \t]+(\S+)$/.exec(headers.get("CSeq") ?? "");
  if (!cseq || !isToken(cseq[2] ?? "") || (cseq[1] ?? "").length > 10 || Number(cseq[1]) > MAX_CSEQ) return "Bad CSeq header";
  const contacts = headers.getAll("Contact");
  for (const value of contacts) {
    if (value === "*") {
      if (contacts.length > 1) return "Contact * must be the only Contact";
      continue;
    }
    const parsed = parseNameAddr(value);
    if (!parsed.ok) return `Bad Contact header: ${parsed.error}`;
  }
  for (const name of ["Route", "Record-Route"]) {
    for (const value of headers.getAll(name)) {
      const parsed = parseNameAddr(value);
      if (!parsed.ok) return `Bad ${name} header: ${parsed.error}`;
    }
  }
  const length = headers.get("Content-Length");
  if (length !== undefined && !/^\d{1,10}$/.test(length)) return "Bad Content-Length header";
  const date = headers.get("Date");
  // RFC 3261 §20.17: SIP-date is RFC 1123 with "GMT" only (RFC 4475 baddate).
  if (date !== undefined && !DATE_RE.test(date)) return "Bad Date header";
  const type = headers.get("Content-Type");
  if (type !== undefined && !MEDIA_TYPE_RE.test(type)) return "Bad Content-Type header";
  return undefined;
}

function badRequest(status: 400 | 416 | 505, reason: string, headers: Headers, method?: string): ParseFailure {
  const failure: ParseFailure = { ok: false, kind: "bad-request", status, reason, headers };
  if (method !== undefined) failure.method = method;
  return failure;
}

function drop(reason: string): ParseFailure {
  return { ok: false, kind: "drop", reason };
}

/** Splits the body off according to the framing rules; returns a reason on failure. */
function extractBody(data: Buffer, bodyStart: number, headers: Headers, framing: "datagram" | "stream"): Buffer | string {
  const available = data.length - bodyStart;
  const declared = headers.get("Content-Length");
  if (declared === undefined) {
    if (framing === "stream") return "Missing Content-Length on stream transport";
    return data.subarray(bodyStart);
  }
  const length = Number(declared);
  // RFC 3261 §18.3: larger than the datagram is an error; extra bytes are discarded (dblreq).
  if (length > available) return "Content-Length larger than message";
  return data.subarray(bodyStart, bodyStart + length);
}

/**
 * Parses one complete SIP message (one datagram, one WebSocket frame, or one frame cut from a
 * stream by {@link StreamFramer}).
 */
export function parseMessage(input: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  try {
    return parseUnsafe(typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input.buffer, input.byteOffset, input.byteLength), options);
  } catch (err) {
    // Defence in depth: the code above is written not to throw, but hostile input must never
    // escape the layer as an exception.
    return drop(`internal parser error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseUnsafe(raw: Buffer, options: ParseOptions): ParseResult {
  const framing = options.framing ?? "datagram";
  const requireViaBranch = options.requireViaBranch ?? true;
  if (raw.length > (options.maxMessageSize ?? 65535)) return drop("message too large");
  // RFC 3261 §7.5: ignore CRLFs before the start line.
  let start = 0;
  while (raw[start] === 0x0d && raw[start + 1] === 0x0a) start += 2;
  const data = raw.subarray(start);
  if (data.length === 0) return drop("empty message");
  const headerEnd = data.indexOf(CRLF);
  const headerBytes = headerEnd < 0 ? data : data.subarray(0, headerEnd);
  const section = readHeaderSection(headerBytes.toString("utf8"));
  const { startLine, headers } = section;

  if (startLine.startsWith("SIP/")) {
    const m = /^SIP\/(\d+\.\d+) (\d{3})(?: ([^\r\n]*))?$/.exec(startLine);
    if (!m) return drop("malformed status line");
    if (m[1] !== "2.0") return drop("unsupported SIP version in response");
    if (section.error !== undefined) return drop(section.error);
    if (headerEnd < 0) return drop("missing empty line after headers");
    const status = Number(m[2]);
    if (status < 100) return drop("status code out of range");
    const invalid = validateCommonHeaders(headers, requireViaBranch);
    if (invalid !== undefined) return drop(invalid);
    const body = extractBody(data, headerEnd + 4, headers, framing);
    if (typeof body === "string") return drop(body);
    return { ok: true, message: createResponseMessage({ status, reason: m[3] ?? "", headers, body }) };
  }

  const method = /^([^ ]+) /.exec(startLine)?.[1];
  // Only something that looks like a request with a Via can be answered at all (RFC 3261
  // §18.2.2 routes responses by Via); anything else is noise.
  if (method === undefined || !TOKEN_RE.test(method) || !headers.has("Via")) return drop("not a SIP message");
  const line = /^([^ ]+) ([^ ]+) SIP\/(\d+\.\d+)$/.exec(startLine);
  if (!line) return badRequest(400, "Malformed Request-Line", headers, method);
  if (line[3] !== "2.0") return badRequest(505, "Version Not Supported", headers, method);
  if (section.error !== undefined) return badRequest(400, section.error, headers, method);
  if (headerEnd < 0) return badRequest(400, "Missing empty line after headers", headers, method);
  const uriText = line[2] ?? "";
  const uri = parseUri(uriText);
  if (!uri.ok) return badRequest(400, `Bad Request-URI: ${uri.error}`, headers, method);
  if (!isSupportedScheme(uri.value.scheme)) return badRequest(416, "Unsupported URI Scheme", headers, method);
  // RFC 3261 §19.1.1 table: URI headers are not allowed in a Request-URI (RFC 4475 escruri).
  if (isSipUri(uri.value) && uri.value.headers.size > 0) return badRequest(400, "Headers not allowed in Request-URI", headers, method);
  const invalid = validateCommonHeaders(headers, requireViaBranch);
  if (invalid !== undefined) return badRequest(400, invalid, headers, method);
  const maxForwards = headers.get("Max-Forwards");
  if (maxForwards === undefined) return badRequest(400, "Missing Max-Forwards header", headers, method);
  // RFC 3261 §20.22: a value from 0 to 255 (RFC 4475 scalar02 sends 300).
  // Leading zeros are legal (RFC 4475 wsinv sends 0068).
  if (!/^\d{1,10}$/.test(maxForwards) || Number(maxForwards) > 255) return badRequest(400, "Bad Max-Forwards header", headers, method);
  const cseqMethod = /\S+$/.exec(headers.get("CSeq") ?? "")?.[0];
  if (cseqMethod !== method) return badRequest(400, "CSeq method does not match Request-Line", headers, method);
  // RFC 3261 §8.1.1.3: the From of a request MUST carry a tag; we rely on it for dialogs.
  const from = parseNameAddr(headers.get("From") ?? "");
  if (from.ok && !from.value.params.get("tag")) return badRequest(400, "Missing From tag", headers, method);
  const body = extractBody(data, headerEnd + 4, headers, framing);
  if (typeof body === "string") return badRequest(400, body, headers, method);
  return { ok: true, message: createRequest({ method, uri: uriText, headers, body }) };
}
