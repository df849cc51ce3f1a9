/**
 * Via header values (RFC 3261 §20.42, §18.2.1; RFC 3581 rport).
 * @module
 */
import { fail, ok, type Result } from "./result.js";
import { skipWs, TOKEN_PREFIX_RE } from "./lexical.js";
import { formatParams, parseParams, type Params } from "./params.js";
import { isValidHost, parsePort } from "./uri.js";

/** RFC 3261 §8.1.1.7: branches starting with this cookie were minted by an RFC 3261 element. */
export const MAGIC_COOKIE = "z9hG4bK";

export interface Via {
  protocolName: string;
  protocolVersion: string;
  /** Transport token, upper-cased: UDP, TCP, TLS, SCTP, WS, WSS, or an extension. */
  transport: string;
  host: string;
  port?: number;
  params: Params;
}

const SENT_PROTOCOL_RE = /^([A-Za-z0-9\-.!%*_+`'~]+)[ \t]*\/[ \t]*([A-Za-z0-9\-.!%*_+`'~]+)[ \t]*\/[ \t]*([A-Za-z0-9\-.!%*_+`'~]+)[ \t]+/;

/** Parses one via-parm (one element of a Via list). */
export function parseVia(value: string): Result<Via> {
  const s = value.trim();
  const proto = SENT_PROTOCOL_RE.exec(s);
  if (!proto) return fail("invalid Via sent-protocol");
  let i = proto[0].length;
  let host: string;
  if (s[i] === "[") {
    const end = s.indexOf("]", i);
    if (end < 0) return fail("invalid Via IPv6 host");
    host = s.slice(i, end + 1);
    i = end + 1;
  } else {
    host = /^[A-Za-z0-9\-.]+/.exec(s.slice(i))?.[0] ?? "";
    i += host.length;
  }
  if (!isValidHost(host)) return fail(`invalid Via host '${host}'`);
  const via: Via = {
    protocolName: proto[1] ?? "",
    protocolVersion: proto[2] ?? "",
    transport: (proto[3] ?? "").toUpperCase(),
    host,
    params: new Map(),
  };
  i = skipWs(s, i);
  if (s[i] === ":") {
    i = skipWs(s, i + 1);
    const digits = /^\d+/.exec(s.slice(i))?.[0] ?? "";
    const port = parsePort(digits);
    if (port === undefined) return fail("invalid Via port");
    via.port = port;
    i += digits.length;
  }
  const params = parseParams(s, i);
  if (!params.ok) return fail(`Via: ${params.error}`);
  for (const [name, v] of params.value) {
    if (name === "branch" && (v === null || !TOKEN_PREFIX_RE.test(v))) return fail("invalid Via branch");
    if (name === "received" && (v === null || !isValidHost(v))) return fail("invalid Via received");
    if (name === "rport" && v !== null && parsePort(v) === undefined) return fail("invalid Via rport");
    if (name === "ttl" && (v === null || !/^\d{1,3}$/.test(v) || Number(v) > 255)) return fail("invalid Via ttl");
  }
  via.params = params.value;
  return ok(via);
}

/** Formats a Via value. */
export function formatVia(via: Via): string {
  const port = via.port !== undefined ? `:${via.port}` : "";
  return `${via.protocolName}/${via.protocolVersion}/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

/** The branch parameter, if any. */
export function viaBranch(via: Via): string | undefined {
  return via.params.get("branch") ?? undefined;
}

/** `sent-by` as `host:port`, with the transport's default port filled in (RFC 3261 §18.2.2). */
export function viaSentBy(via: Via): string {
  const defaultPort = via.transport === "TLS" || via.transport === "WSS" ? 5061 : 5060;
  return `${via.host.toLowerCase()}:${via.port ?? defaultPort}`;
}
