/**
 * SIP over WebSocket (RFC 7118): one SIP message per WebSocket message, text or binary.
 *
 * Independent of the HTTP server: whoever accepts the upgrade (checking the `sip` subprotocol,
 * RFC 7118 §4.1, and authenticating the operator) hands the socket to
 * {@link WebSocketTransport.attachWebSocketConnection}. Outbound WebSocket connections are not
 * opened by this transport; responses and requests reach browsers over the connection they
 * opened.
 * @module
 */
import { silentLogger, type Logger } from "./logger.js";
import type { SipMessage } from "./message.js";
import { serializeMessage } from "./serializer.js";
import type { Connection, Destination, Endpoint, MessageHandler, Transport } from "./transport.js";

/** The subset of the `ws` package's WebSocket this transport uses (keeps `ws` out of the type). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string | Buffer, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  on(event: "message", listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
}

export interface WebSocketMeta {
  remote: Endpoint;
  /** True when the HTTP server accepted the upgrade over TLS (Via transport WSS). */
  secure: boolean;
}

const OPEN = 1;

export interface WebSocketTransportOptions {
  logger?: Logger;
  /** Larger messages close the connection with 1009 (message too big). Default 64 KiB. */
  maxMessageSize?: number;
  /** Address the web server listens on, reported as `local` in message sources. */
  local?: Endpoint;
}

let wsCounter = 0;

const remoteKey = (e: Endpoint): string => `${e.address}|${e.port}`;

class WebSocketConnection implements Connection {
  readonly id = `ws-${++wsCounter}`;

  constructor(
    private readonly ws: WebSocketLike,
    readonly remote: Endpoint,
    readonly transport: "WS" | "WSS",
  ) {}

  get open(): boolean {
    return this.ws.readyState === OPEN;
  }

  send(data: Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new Error(`connection ${this.id} closed`));
    // SIP is UTF-8 text; text frames are what browsers (SIP.js) expect (RFC 7118 §5.1).
    return new Promise((resolve, reject) => this.ws.send(data.toString("utf8"), (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.ws.close(1000);
  }
}

/**
 * Transport for all WebSocket connections of one kind. Register it with the TransactionLayer
 * once; attach each accepted socket as it arrives.
 */
export class WebSocketTransport implements Transport {
  private handler: MessageHandler | undefined;
  /** Keyed by remote address and port, so a destination without a handle is found in O(1). */
  private readonly connections = new Map<string, WebSocketConnection>();
  private readonly logger: Logger;
  private readonly maxMessageSize: number;
  readonly local: Endpoint;

  constructor(
    readonly kind: "WS" | "WSS" = "WS",
    options: WebSocketTransportOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.maxMessageSize = options.maxMessageSize ?? 65_536;
    this.local = options.local ?? { address: "0.0.0.0", port: 0 };
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  /** Open connections, for metrics. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Takes ownership of an accepted WebSocket and returns its connection handle. */
  attachWebSocketConnection(ws: WebSocketLike, meta: WebSocketMeta): Connection {
    const connection = new WebSocketConnection(ws, meta.remote, this.kind);
    const key = remoteKey(meta.remote);
    this.connections.set(key, connection);
    ws.on("message", (data) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (bytes.length > this.maxMessageSize) {
        ws.close(1009, "message too big");
        return;
      }
      // RFC 7118 §5: no keep-alive CRLFs inside WebSocket frames are SIP messages; ignore them.
      if (bytes.length === 0 || /^(\r\n)+$/.test(bytes.toString("latin1"))) return;
      this.handler?.(bytes, { transport: this.kind, remote: meta.remote, local: this.local, connection });
    });
    ws.on("close", () => {
      if (this.connections.get(key) === connection) this.connections.delete(key);
    });
    ws.on("error", (err) => this.logger.debug("websocket error", { id: connection.id, error: err.message }));
    return connection;
  }

  /** Sends on the destination's connection; WebSocket peers cannot be reached any other way. */
  send(data: SipMessage | Buffer, destination: Destination): Promise<void> {
    const bytes = Buffer.isBuffer(data) ? data : serializeMessage(data);
    const connection = destination.connection ?? this.connections.get(remoteKey(destination));
    if (!connection?.open) return Promise.reject(new Error("no open WebSocket connection to destination"));
    return connection.send(bytes);
  }

  close(): Promise<void> {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    return Promise.resolve();
  }
}
