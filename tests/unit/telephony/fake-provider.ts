/**
 * A provider on the other side of a fake transport: the real transaction layer runs on an
 * in-memory transport and a fake clock, and tests answer the requests it sends by hand.
 */
import { createHash } from "node:crypto";
import { TransactionLayer } from "../../../server/sip/transaction-layer.js";
import { createResponse } from "../../../server/sip/response.js";
import { serializeMessage } from "../../../server/sip/serializer.js";
import { getCSeq, type SipRequest } from "../../../server/sip/message.js";
import { FakeTimers } from "../sip/fake-timers.js";
import { FakeTransport } from "../sip/sip-test-helpers.js";

export const PROVIDER = { address: "192.0.2.10", port: 5060 };

export function fakeProvider() {
  const timers = new FakeTimers();
  const transport = new FakeTransport("UDP");
  const layer = new TransactionLayer({ transports: [transport], user: { onRequest: () => undefined }, timers });

  /** Every distinct request sent (retransmissions folded: same branch and CSeq). */
  const requests = (method?: string): SipRequest[] => {
    const seen = new Set<string>();
    return transport.sentMessages().flatMap((m) => {
      if (m.type !== "request" || (method && m.method !== method)) return [];
      const key = `${m.method} ${m.headers.get("Via")} ${m.headers.get("CSeq")}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [m];
    });
  };
  const last = (method?: string): SipRequest => {
    const found = requests(method).at(-1);
    if (!found) throw new Error(`no ${method ?? ""} request sent`);
    return found;
  };
  /** Answers `request` (default: the last one sent) as the provider would. */
  const answer = (status: number, headers: Array<[string, string]> = [], options: { request?: SipRequest; toTag?: string; body?: string } = {}) => {
    const request = options.request ?? last();
    const response = createResponse(request, status, { headers, toTag: options.toTag ?? "prov1", ...(options.body ? { body: options.body } : {}) });
    transport.inject(serializeMessage(response), PROVIDER);
  };
  return { timers, transport, layer, requests, last, answer };
}

export const challenge = (nonce: string, extra = "") => `Digest realm="sip.example.net", nonce="${nonce}", qop="auth", algorithm=MD5${extra}`;

/**
 * Checks a Digest answer the way a registrar does (RFC 2617 §3.2.2.1), independently of the code
 * under test: the response must be the MD5 of HA1, nonce, nc, cnonce, qop and HA2.
 */
export function digestValid(request: SipRequest, header: string, password: string): boolean {
  const value = request.headers.get(header);
  if (!value) return false;
  const p = (name: string) => param(value, name) ?? "";
  const md5 = (s: string) => createHash("md5").update(s).digest("hex");
  const ha1 = md5(`${p("username")}:${p("realm")}:${password}`);
  const ha2 = md5(`${request.method}:${p("uri")}`);
  return p("uri") === request.uri && p("response") === md5(`${ha1}:${p("nonce")}:${p("nc")}:${p("cnonce")}:${p("qop")}:${ha2}`);
}

/** A parameter of an auth header or name-addr (`name="v"` or `name=v`), not matching inside longer names. */
export const param = (value: string | undefined, name: string) => new RegExp(`(?:^|[\\s,;])${name}="?([^",;]*)"?`).exec(value ?? "")?.[1];
export const seqOf = (request: SipRequest) => getCSeq(request)?.seq;
