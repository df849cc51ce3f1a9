/**
 * The narrow transport seam between the wire and the transaction layer (RFC 3261 §18).
 * @module
 */
import type { SipMessage } from "./message.js";

/** Transport tokens as they appear in Via (RFC 3261 §20.42, RFC 7118 §5). */
export type TransportKind = "UDP" | "TCP" | "TLS" | "WS" | "WSS";

/** Reliable transports disable retransmission timers (RFC 3261 §17.1.1.2, §17.1.2.2). */
export function isReliableTransport(kind: TransportKind): boolean {
  return kind !== "UDP";
}

export interface Endpoint {
  address: string;
  port: number;
}

/**
 * One stream connection (TCP or WebSocket). Responses to a request that arrived on a
 * connection go back on it while it is open (RFC 3261 §18.2.2).
 */
export interface Connection {
  readonly id: string;
  readonly transport: TransportKind;
  readonly remote: Endpoint;
  readonly open: boolean;
  send(data: Buffer): Promise<void>;
  close(): void;
}

/** Where a message came from. */
export interface MessageSource {
  transport: TransportKind;
  remote: Endpoint;
  local: Endpoint;
  /** Present for stream transports: reply on this connection when possible. */
  connection?: Connection;
}

/** Where to send. With a connection, it is used when still open; otherwise address/port. */
export interface Destination extends Endpoint {
  transport: TransportKind;
  connection?: Connection;
}

export type MessageHandler = (raw: Buffer, source: MessageSource) => void;

export interface Transport {
  readonly kind: TransportKind;
  /** Bound local address (after listen; port 0 resolves to the real port). */
  readonly local: Endpoint;
  /** Sends a message or pre-serialised bytes. Rejects on transport errors (RFC 3261 §18.4). */
  send(data: SipMessage | Buffer, destination: Destination): Promise<void>;
  /** Registers the single handler for raw inbound messages (one complete message each). */
  onMessage(handler: MessageHandler): void;
  close(): Promise<void>;
}
