import { parseMessage } from "../../../server/sip/parser.js";
import type { SipMessage, SipRequest, SipResponse } from "../../../server/sip/message.js";
import type { Connection, Destination, Endpoint, MessageHandler, MessageSource, Transport, TransportKind } from "../../../server/sip/transport.js";
import { serializeMessage } from "../../../server/sip/serializer.js";

export function requestText(method: string, options: { branch?: string; callId?: string; cseq?: number; cseqMethod?: string; via?: string; extra?: string } = {}): string {
  const branch = options.branch ?? "z9hG4bKtest1";
  const via = options.via ?? `SIP/2.0/UDP 192.0.2.10:5060;branch=${branch}`;
  return (
    `${method} sip:bob@example.com SIP/2.0\r\n` +
    `Via: ${via}\r\n` +
    `Max-Forwards: 70\r\n` +
    `To: <sip:bob@example.com>\r\n` +
    `From: "Alice" <sip:alice@example.com>;tag=a1\r\n` +
    `Call-ID: ${options.callId ?? "call-1@example.com"}\r\n` +
    `CSeq: ${options.cseq ?? 1} ${options.cseqMethod ?? method}\r\n` +
    (options.extra ?? "") +
    `Content-Length: 0\r\n\r\n`
  );
}

export function parseRequest(text: string | Buffer): SipRequest {
  const result = parseMessage(text);
  if (!result.ok || result.message.type !== "request") throw new Error(`not a request: ${result.ok ? "response" : result.reason}`);
  return result.message;
}

export function parseResponse(text: string | Buffer): SipResponse {
  const result = parseMessage(text);
  if (!result.ok || result.message.type !== "response") throw new Error(`not a response: ${result.ok ? "request" : result.reason}`);
  return result.message;
}

/** In-memory transport recording what is sent and letting tests inject inbound bytes. */
export class FakeTransport implements Transport {
  readonly local: Endpoint = { address: "192.0.2.1", port: 5060 };
  readonly sent: { data: Buffer; destination: Destination }[] = [];
  fail = false;
  private handler: MessageHandler | undefined;

  constructor(readonly kind: TransportKind = "UDP") {}

  send(data: SipMessage | Buffer, destination: Destination): Promise<void> {
    if (this.fail) return Promise.reject(new Error("network unreachable"));
    this.sent.push({ data: Buffer.isBuffer(data) ? data : serializeMessage(data), destination });
    return Promise.resolve();
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  inject(raw: string | Buffer, remote: Endpoint = { address: "192.0.2.10", port: 5060 }, connection?: Connection): void {
    const source: MessageSource = { transport: this.kind, remote, local: this.local };
    if (connection) source.connection = connection;
    this.handler?.(Buffer.isBuffer(raw) ? raw : Buffer.from(raw), source);
  }

  sentMessages(): SipMessage[] {
    return this.sent.flatMap(({ data }) => {
      const r = parseMessage(data);
      return r.ok ? [r.message] : [];
    });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
