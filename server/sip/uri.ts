/**
 * SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966), parsed strictly.
 *
 * Components are kept in their escaped wire form so a parse/format round trip is exact;
 * compare users with {@link percentDecode} (RFC 3261 §19.1.4).
 * @module
 */
import { fail, ok, type Result } from "./result.js";
import { percentDecode } from "./lexical.js";

/** Ordered URI parameters, lowercase names, `null` for flag parameters (`;lr`). */
export type UriParams = Map<string, string | null>;

export interface SipUri {
  readonly scheme: "sip" | "sips";
  /** Escaped user part, if any (may contain `;` and `?`, RFC 4475 semiuri/intmeth). */
  user?: string;
  password?: string;
  /** Hostname, IPv4 or bracketed IPv6 reference, as written. */
  host: string;
  port?: number;
  params: UriParams;
  /** `?name=value` headers; forbidden in a Request-URI (RFC 3261 §19.1.1 table). */
  headers: Map<string, string>;
}

export interface TelUri {
  readonly scheme: "tel";
  /** Subscriber number including visual separators, e.g. `+1-201-555-0123`. */
  number: string;
  params: UriParams;
}

/** Any other absoluteURI (e.g. `http:`, `isbn:`): allowed in header fields, not as Request-URI. */
export interface OtherUri {
  readonly scheme: string;
  opaque: string;
}

export type Uri = SipUri | TelUri | OtherUri;

const ESC = "%[0-9A-Fa-f]{2}";
const USER_RE = new RegExp(`^(?:[A-Za-z0-9\\-_.!~*'()&=+$,;?/]|${ESC})+$`);
const PASSWORD_RE = new RegExp(`^(?:[A-Za-z0-9\\-_.!~*'()&=+$,]|${ESC})*$`);
const PARAMCHARS_RE = new RegExp(`^(?:[A-Za-z0-9\\-_.!~*'()\\[\\]/:&+$]|${ESC})+$`);
const HNAME_RE = new RegExp(`^(?:[A-Za-z0-9\\-_.!~*'()\\[\\]/?:+$]|${ESC})+$`);
const HVALUE_RE = new RegExp(`^(?:[A-Za-z0-9\\-_.!~*'()\\[\\]/?:+$]|${ESC})*$`);
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const IPV4_RE = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const IPV6_REF_RE = /^\[[0-9A-Fa-f:.]+\]$/;
const HOSTNAME_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
const URIC_RE = /^[A-Za-z0-9\-_.!~*'();/?:@&=+$,%[\]#]+$/;
const TEL_NUMBER_RE = /^(?:\+[0-9\-.()]*[0-9][0-9\-.()]*|[0-9A-Fa-f*#\-.()]+)$/;

/** True for a hostname, IPv4 address or IPv6 reference (RFC 3261 §25.1 `host`). */
export function isValidHost(host: string): boolean {
  if (IPV4_RE.test(host)) return host.split(".").every((o) => Number(o) <= 255);
  return IPV6_REF_RE.test(host) || HOSTNAME_RE.test(host);
}

/** Parses a port string (1*DIGIT, at most 65535). */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

function parseUriParams(parts: string[]): Result<UriParams> {
  const params: UriParams = new Map();
  for (const part of parts) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (!PARAMCHARS_RE.test(name)) return fail(`invalid URI parameter name '${name}'`);
    if (value !== null && !PARAMCHARS_RE.test(value)) return fail(`invalid value for URI parameter '${name}'`);
    const key = percentDecode(name).toLowerCase();
    // RFC 3261 §19.1.1: any given parameter-name MUST NOT appear more than once.
    if (params.has(key)) return fail(`duplicate URI parameter '${name}'`);
    params.set(key, value);
  }
  return ok(params);
}

function parseSipUri(scheme: "sip" | "sips", rest: string): Result<SipUri> {
  // No character that may follow the userinfo (params, headers) allows an unescaped '@',
  // so the first '@' always ends the userinfo even when the user contains ';' or '?'.
  const at = rest.indexOf("@");
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const colon = userinfo.indexOf(":");
    user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (colon >= 0) password = userinfo.slice(colon + 1);
    if (!USER_RE.test(user)) return fail("invalid user part in URI");
    if (password !== undefined && !PASSWORD_RE.test(password)) return fail("invalid password in URI");
  }
  const q = hostPart.indexOf("?");
  const headerText = q < 0 ? undefined : hostPart.slice(q + 1);
  const beforeHeaders = q < 0 ? hostPart : hostPart.slice(0, q);
  const [hostport = "", ...paramParts] = beforeHeaders.split(";");
  let host = hostport;
  let port: number | undefined;
  const portMatch = /^(.*):([^:\]]*)$/.exec(hostport);
  if (portMatch && !(hostport.startsWith("[") && !hostport.includes("]:"))) {
    host = portMatch[1] ?? "";
    port = parsePort(portMatch[2] ?? "");
    if (port === undefined) return fail("invalid port in URI");
  }
  if (!isValidHost(host)) return fail(`invalid host '${host}' in URI`);
  const params = parseUriParams(paramParts);
  if (!params.ok) return params;
  const headers = new Map<string, string>();
  if (headerText !== undefined) {
    for (const pair of headerText.split("&")) {
      const eq = pair.indexOf("=");
      if (eq <= 0) return fail("invalid URI header");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (!HNAME_RE.test(name) || !HVALUE_RE.test(value)) return fail("invalid URI header");
      headers.set(name, value);
    }
  }
  const uri: SipUri = { scheme, host, params: params.value, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  return ok(uri);
}

function parseTelUri(rest: string): Result<TelUri> {
  const [number = "", ...paramParts] = rest.split(";");
  if (!TEL_NUMBER_RE.test(number)) return fail("invalid tel URI number");
  const params = parseUriParams(paramParts);
  if (!params.ok) return params;
  return ok({ scheme: "tel", number, params: params.value });
}

/**
 * Parses any absolute URI. sip/sips/tel get full structure; other schemes are accepted as
 * opaque (RFC 3261 §19 allows any absoluteURI in To/From/Contact, RFC 4475 unksm2). Whether a
 * scheme is acceptable as Request-URI is the caller's decision (see {@link isSupportedScheme}).
 */
export function parseUri(text: string): Result<Uri> {
  const colon = text.indexOf(":");
  if (colon <= 0) return fail("URI without scheme");
  const scheme = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (!SCHEME_RE.test(scheme)) return fail("invalid URI scheme");
  const lower = scheme.toLowerCase();
  if (lower === "sip" || lower === "sips") return parseSipUri(lower, rest);
  if (lower === "tel") return parseTelUri(rest);
  if (!URIC_RE.test(rest)) return fail("invalid characters in URI");
  return ok({ scheme: lower, opaque: rest });
}

/** True for the schemes this stack routes on: sip, sips, tel. Others get 416 (RFC 3261 §8.2.2.1). */
export function isSupportedScheme(scheme: string): boolean {
  return scheme === "sip" || scheme === "sips" || scheme === "tel";
}

export function isSipUri(uri: Uri): uri is SipUri {
  return uri.scheme === "sip" || uri.scheme === "sips";
}

export function isTelUri(uri: Uri): uri is TelUri {
  return uri.scheme === "tel";
}

function formatUriParams(params: UriParams): string {
  let out = "";
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

/** Formats a URI back to its wire form. */
export function formatUri(uri: Uri): string {
  if (isSipUri(uri)) {
    let out = `${uri.scheme}:`;
    if (uri.user !== undefined) out += uri.password !== undefined ? `${uri.user}:${uri.password}@` : `${uri.user}@`;
    out += uri.host;
    if (uri.port !== undefined) out += `:${uri.port}`;
    out += formatUriParams(uri.params);
    if (uri.headers.size > 0) out += `?${[...uri.headers].map(([n, v]) => `${n}=${v}`).join("&")}`;
    return out;
  }
  if (isTelUri(uri)) return `tel:${uri.number}${formatUriParams(uri.params)}`;
  return `${uri.scheme}:${(uri as OtherUri).opaque}`;
}
