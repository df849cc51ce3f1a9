/**
 * A SIP dialog as one side of the B2BUA sees it (RFC 3261 §12): identifiers, remote target,
 * route set and local CSeq, and building the in-dialog requests we send (BYE, ACK, re-INVITE).
 */
import {
  createRequest,
  generateBranch,
  parseNameAddr,
  parseUri,
  isSipUri,
  type Destination,
  type SipRequest,
  type TransportKind,
  type Connection,
} from "../sip";

export interface LocalContact {
  /** host:port we put in Via and Contact for this transport. */
  hostport: string;
  transport: TransportKind;
}

export interface DialogInit {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From/To header values without tags, as they appear on our requests. */
  localUri: string;
  remoteUri: string;
  remoteTarget: string;
  routeSet: string[];
  localSeq: number;
  local: LocalContact;
  /** Where in-dialog requests go when no route says otherwise; a stream connection is reused. */
  fallback: Destination;
}

export class SipDialog {
  localSeq: number;
  constructor(readonly init: DialogInit) {
    this.localSeq = init.localSeq;
  }

  get callId(): string {
    return this.init.callId;
  }

  /** An in-dialog request (RFC 3261 §12.2.1.1): Request-URI = remote target, Route = route set. */
  request(method: string, options: { body?: string; contentType?: string; cseq?: number; branch?: string } = {}): SipRequest {
    const { init } = this;
    const seq = options.cseq ?? (method === "ACK" ? this.localSeq : ++this.localSeq);
    const headers: Array<[string, string]> = [
      ["Via", `SIP/2.0/${init.local.transport} ${init.local.hostport};branch=${options.branch ?? generateBranch()};rport`],
      ["Max-Forwards", "70"],
      ...init.routeSet.map((route): [string, string] => ["Route", route]),
      ["From", `${init.localUri};tag=${init.localTag}`],
      ["To", `${init.remoteUri};tag=${init.remoteTag}`],
      ["Call-ID", init.callId],
      ["CSeq", `${seq} ${method}`],
      ["Contact", contactHeader(init.local)],
      ["User-Agent", USER_AGENT],
    ];
    if (options.body) headers.push(["Content-Type", options.contentType ?? "application/sdp"]);
    return createRequest({ method, uri: init.remoteTarget, headers, body: options.body ?? "" });
  }

  /** Where to send in-dialog requests: the first route, else the remote target, else the fallback. */
  destination(): Destination {
    const { init } = this;
    const first = init.routeSet[0];
    const target = first ? uriOfNameAddr(first) : init.remoteTarget;
    return resolveDestination(target, init.fallback);
  }
}

export const USER_AGENT = "Hotline";

export function contactHeader(local: LocalContact, user = "hotline"): string {
  const transport = local.transport === "UDP" ? "" : `;transport=${local.transport.toLowerCase()}`;
  return `<sip:${user}@${local.hostport}${transport}>`;
}

function uriOfNameAddr(value: string): string {
  const parsed = parseNameAddr(value);
  return parsed.ok ? parsed.value.uriText : value;
}

/**
 * A URI's host and port as a destination (RFC 3263 reduced to what a trunk and a browser need:
 * IP literals and explicit ports; no DNS). A connection of the fallback is kept for stream transports
 * and always for WebSocket peers, who cannot be reached any other way.
 */
export function resolveDestination(uriText: string, fallback: Destination): Destination {
  const parsed = parseUri(uriText);
  if (!parsed.ok || !isSipUri(parsed.value) || fallback.transport === "WS" || fallback.transport === "WSS") return fallback;
  const uri = parsed.value;
  const host = uri.host.replace(/^\[|\]$/g, "");
  if (!/^[0-9.]+$|:/.test(host)) return fallback; // a hostname: no DNS here, use where the dialog came from
  const transportParam = uri.params.get("transport")?.toUpperCase();
  const transport = (transportParam === "TCP" ? "TCP" : transportParam === "UDP" ? "UDP" : fallback.transport) as TransportKind;
  const destination: Destination = { address: host, port: uri.port ?? 5060, transport };
  if (fallback.connection && transport === fallback.transport) destination.connection = fallback.connection as Connection;
  return destination;
}
