/**
 * Pure checks a UAS runs on a request before acting on it (RFC 3261 §8.2), and the parsing of the header families
 * carriers use: list-valued headers, Require/Supported (§8.2.2.3), bodies (§8.2.3, RFC 5621 multipart), session
 * timers (RFC 4028) and asserted identities (RFC 3325). No I/O: the B2BUA turns each verdict into a response.
 */
import type { SipRequest } from "../sip";

/** Option tags Hotline implements as a UAS (RFC 3261 §19.2): `timer` (RFC 4028). */
export const SUPPORTED_EXTENSIONS: readonly string[] = ["timer"];
/** Body types Hotline understands in INVITE, re-INVITE, UPDATE and ACK (RFC 3261 §8.2.3). */
export const ACCEPTED_BODY_TYPES = "application/sdp, multipart/mixed";

/**
 * The option tags of `Require` that Hotline does not implement (RFC 3261 §8.2.2.3: answer 420 listing them in
 * `Unsupported`). `Proxy-Require` is for proxies (§20.29) and `Supported` never is an error, so neither is read.
 * ACK and CANCEL are never refused this way (§8.2.2.3).
 */
export function unsupportedRequirements(request: SipRequest): string[] {
  if (request.method === "ACK" || request.method === "CANCEL") return [];
  return request.headers.getList("Require").filter((tag) => !SUPPORTED_EXTENSIONS.includes(tag.toLowerCase()));
}

/** True when the request lists `tag` in Supported or Require (RFC 3261 §20.37, §20.32). */
export function supportsExtension(request: SipRequest, tag: string): boolean {
  return [...request.headers.getList("Supported"), ...request.headers.getList("Require")].some((t) => t.toLowerCase() === tag);
}

/** The SDP a request carries, or why it cannot be used. */
export type BodyVerdict =
  | { ok: true; sdp: string | undefined }
  | { ok: false; status: 415 | 488; reason: string; headers: Array<[string, string]> };

/** Media type and parameters of a Content-Type value (`type/subtype;a=b`), lower-cased type. */
function mediaType(value: string): { type: string; params: Map<string, string> } {
  const [type = "", ...rest] = value.split(";");
  const params = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1"));
  }
  return { type: type.trim().toLowerCase(), params };
}

/** 415 with what we accept (RFC 3261 §8.2.3, §21.4.13); `what` names the refused part for the reason phrase. */
const unsupportedType = (what: string): BodyVerdict => ({
  ok: false,
  status: 415,
  reason: `Unsupported Media Type (${what.replace(/[^\w/.+ -]/g, "")})`,
  headers: [
    ["Accept", ACCEPTED_BODY_TYPES],
    ["Accept-Encoding", "identity"],
  ],
});

/**
 * The session description of a request (RFC 3261 §8.2.3, RFC 5621):
 * - no body: `sdp` undefined (a late offer in an INVITE, RFC 3261 §13.2.1);
 * - `application/sdp`: the body;
 * - `multipart/mixed`: its `application/sdp` part; any other part whose Content-Disposition handling is `required`
 *   (RFC 3204's default for unknown types) and whose type we do not understand makes it 415;
 * - any other Content-Type or a Content-Encoding other than identity: 415 with `Accept`/`Accept-Encoding`.
 * Plain SDP must speak IPv4 (`c=IN IP4`) unless `allowIp6`: otherwise 488 with `Warning: 301` (RFC 3261 §20.43),
 * never an answer of the other family. ICE descriptions are exempt: their candidates carry the addresses.
 */
export function sessionDescription(request: SipRequest, options: { allowIp6?: boolean; warnAgent?: string } = {}): BodyVerdict {
  if (request.body.length === 0) return { ok: true, sdp: undefined };
  const encoding = (request.headers.get("Content-Encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "") return unsupportedType("encoding");
  const { type, params } = mediaType(request.headers.get("Content-Type") ?? "application/sdp");
  let sdp: string | undefined;
  if (type === "application/sdp") sdp = request.body.toString("utf8");
  else if (type === "multipart/mixed") {
    const boundary = params.get("boundary");
    if (!boundary) return unsupportedType("multipart without boundary");
    for (const part of multipartParts(request.body.toString("utf8"), boundary)) {
      const partType = mediaType(part.headers.get("content-type") ?? "text/plain").type;
      if (partType === "application/sdp") {
        sdp ??= part.body;
        continue;
      }
      const disposition = mediaType(part.headers.get("content-disposition") ?? "");
      const handling = disposition.params.get("handling")?.toLowerCase() ?? "required";
      if (handling === "required") return unsupportedType(`required part ${partType}`);
    }
    if (sdp === undefined) return unsupportedType("no sdp part");
  } else return unsupportedType(type);
  // An ICE description (a browser's) negotiates its addresses in candidates (RFC 8839), whatever its c= family.
  if (!options.allowIp6 && /^c=IN IP6 /m.test(sdp) && !/^a=ice-ufrag:/m.test(sdp)) {
    return {
      ok: false,
      status: 488,
      reason: "Not Acceptable Here",
      headers: [["Warning", `301 ${options.warnAgent ?? "hotline"} "Incompatible network address format: IPv6 not configured"`]],
    };
  }
  return { ok: true, sdp };
}

/** The parts of a multipart body (RFC 2046 §5.1): headers (lower-cased names) and body text. */
export function multipartParts(body: string, boundary: string): Array<{ headers: Map<string, string>; body: string }> {
  const parts: Array<{ headers: Map<string, string>; body: string }> = [];
  const delimiter = `--${boundary}`;
  const chunks = body.split(delimiter).slice(1);
  for (const chunk of chunks) {
    if (chunk.startsWith("--")) break; // close delimiter
    const text = chunk.replace(/^[ \t]*\r?\n/, "").replace(/\r?\n$/, "");
    // A part without headers starts with its blank line (RFC 2046 §5.1.1).
    const split = /^\r?\n/.exec(text) ?? /\r?\n\r?\n/.exec(text);
    const head = split ? text.slice(0, split.index) : "";
    const content = split ? text.slice(split.index + split[0].length) : text;
    const headers = new Map<string, string>();
    for (const line of head.split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    parts.push({ headers, body: content });
  }
  return parts;
}

/** RFC 4028 session timer parameters of a request. */
export interface SessionTimerRequest {
  /** Session-Expires delta in seconds, undefined when absent. */
  expiresS: number | undefined;
  refresher: "uac" | "uas" | undefined;
  /** Min-SE in seconds (90 when absent, RFC 4028 §5). */
  minSeS: number;
  /** The UAC lists `timer` in Supported or Require. */
  uacSupports: boolean;
}

/** Reads Session-Expires (compact `x`) and Min-SE (RFC 4028 §4, §5). */
export function sessionTimerRequest(request: SipRequest): SessionTimerRequest {
  const raw = request.headers.get("Session-Expires");
  const [delta = "", ...params] = (raw ?? "").split(";");
  const expires = raw === undefined ? undefined : Number.parseInt(delta.trim(), 10);
  const refresherParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("refresher="))?.slice("refresher=".length);
  const minSe = Number.parseInt((request.headers.get("Min-SE") ?? "").split(";")[0]!.trim(), 10);
  return {
    expiresS: expires !== undefined && Number.isFinite(expires) ? expires : undefined,
    refresher: refresherParam === "uac" || refresherParam === "uas" ? refresherParam : undefined,
    minSeS: Number.isFinite(minSe) ? Math.max(90, minSe) : 90,
    uacSupports: supportsExtension(request, "timer"),
  };
}

/**
 * Thrown by the media side when it cannot take a new offer right now (another negotiation is under way): the B2BUA
 * answers 500 with Retry-After, as RFC 3261 §14.2 asks of a UAS that receives a re-INVITE in that situation.
 */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
}

/** RFC 4028: our smallest acceptable session interval (the RFC's absolute minimum, §5) and the one we pick, in s. */
export const MIN_SESSION_EXPIRES_S = 90;
export const DEFAULT_SESSION_EXPIRES_S = 1800;

/** The session timer of a dialog as our 2xx states it (RFC 4028 §9). */
export interface SessionTimer {
  /** Session interval, seconds. */
  expiresS: number;
  /** Who sends the refreshes: the caller (`uac`) or Hotline (`uas`). */
  refresher: "uac" | "uas";
  /** The caller supports the extension: our 2xx then carries `Require: timer`. */
  uacSupports: boolean;
}

/**
 * The session timer for a request and our 2xx (RFC 4028 §9, with erratum 1687), or `"too-small"` (answer 422 with
 * Min-SE: {@link MIN_SESSION_EXPIRES_S}), or undefined for no timer.
 * - the caller supports `timer`: an interval below our minimum is refused; otherwise its interval (or the dialog's,
 *   or {@link DEFAULT_SESSION_EXPIRES_S}), never below Min-SE, and its refresher choice, else the caller refreshes;
 * - it does not, but a proxy put Session-Expires in: the interval raised to Min-SE, and Hotline refreshes;
 * - neither: the dialog's timer as it was (a refresh from a caller that does not know the extension), or none.
 */
export function negotiateSessionTimer(request: SessionTimerRequest, current: SessionTimer | undefined): SessionTimer | "too-small" | undefined {
  if (request.uacSupports) {
    if (request.expiresS !== undefined && request.expiresS < MIN_SESSION_EXPIRES_S) return "too-small";
    return {
      expiresS: Math.max(request.expiresS ?? current?.expiresS ?? DEFAULT_SESSION_EXPIRES_S, request.minSeS, MIN_SESSION_EXPIRES_S),
      refresher: request.refresher ?? current?.refresher ?? "uac",
      uacSupports: true,
    };
  }
  if (request.expiresS !== undefined) {
    return { expiresS: Math.max(request.expiresS, request.minSeS, MIN_SESSION_EXPIRES_S), refresher: "uas", uacSupports: false };
  }
  return current;
}
