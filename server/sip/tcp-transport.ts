/**
 * TCP transport (RFC 3261 §18): Content-Length framing, connection reuse keyed by remote
 * address (§18.1.1, §18.2.2), idle timeout and bounded connection counts.
 *
 * Hostile-traffic bounds: inbound connections from untrusted addresses (see
 * {@link TcpTransportOptions.isTrusted}) are capped per address and in total, so trusted peers
 * (trunks) and Hotline's own outbound connections always have room; an untrusted connection must
 * deliver a complete SIP message soon after connecting, and is closed when no complete message
 * arrives for a while: CRLF keep-alives (RFC 5626 §4.4.1) are answered but never keep it open.
 * @module
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { silentLogger, type Logger } from "./logger.js";
import type { SipMessage } from "./message.js";
import { messageTooLargeResponse } from "./response.js";
import { serializeMessage } from "./serializer.js";
import { StreamFramer } from "./stream-framer.js";
import type { Connection, Destination, Endpoint, MessageHandler, Transport } from "./transport.js";

export interface TcpTransportOptions {
  host?: string;
  port?: number;
  logger?: Logger;
  /** Largest message accepted on a connection; the connection is closed beyond it. Default 64 KiB. */
  maxMessageSize?: number;
  /** Close connections with no traffic for this long. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Refuse connections beyond this count (inbound and outbound together). Default 1024. */
  maxConnections?: number;
  /**
   * Whether an inbound connection's remote address is vouched for (a trunk). Untrusted inbound
   * connections get the per-source caps and deadlines below; outbound connections (ours) and
   * trusted ones do not. Default: every address trusted.
   */
  isTrusted?: (remote: Endpoint) => boolean;
  /** Inbound connections from untrusted addresses, all together. Default 512 (half of 1024). */
  maxUntrustedConnections?: number;
  /** Inbound connections from one untrusted address. Default 8. */
  maxConnectionsPerUntrustedSource?: number;
  /** An untrusted connection must deliver its first complete message within this. Default 3 s. */
  firstMessageTimeoutMs?: number;
  /** An untrusted connection with no complete message for this long is closed (pings do not count). Default 30 s. */
  untrustedIdleTimeoutMs?: number;
  /** Give up on an outbound connect after this long. Default 5 s. */
  connectTimeoutMs?: number;
}

let connectionCounter = 0;

class TcpConnection implements Connection {
  readonly id = `tcp-${++connectionCounter}`;
  readonly transport = "TCP" as const;

  constructor(
    private readonly socket: Socket,
    readonly remote: Endpoint,
  ) {}

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  send(data: Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new Error(`connection ${this.id} closed`));
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    this.socket.destroy();
  }
}

const keyOf = (e: Endpoint): string => `${e.address}|${e.port}`;

export class TcpTransport implements Transport {
  readonly kind = "TCP" as const;
  private handler: MessageHandler | undefined;
  private readonly connections = new Map<string, TcpConnection>();
  private readonly pending = new Map<string, Promise<TcpConnection>>();
  private boundLocal: Endpoint = { address: "", port: 0 };
  private readonly logger: Logger;
  private readonly maxMessageSize: number;
  private readonly idleTimeoutMs: number;
  private readonly maxConnections: number;
  private readonly connectTimeoutMs: number;
  private readonly isTrusted: (remote: Endpoint) => boolean;
  private readonly maxUntrusted: number;
  private readonly maxPerUntrustedSource: number;
  private readonly firstMessageTimeoutMs: number;
  private readonly untrustedIdleTimeoutMs: number;
  /** Open inbound connections per untrusted address; the sum is `untrustedCount`. */
  private readonly untrustedBySource = new Map<string, number>();
  private untrustedCount = 0;

  private constructor(
    private readonly server: Server,
    options: TcpTransportOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.maxMessageSize = options.maxMessageSize ?? 65_536;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    this.maxConnections = options.maxConnections ?? 1024;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.isTrusted = options.isTrusted ?? (() => true);
    this.maxUntrusted = options.maxUntrustedConnections ?? Math.floor(this.maxConnections / 2);
    this.maxPerUntrustedSource = options.maxConnectionsPerUntrustedSource ?? 8;
    this.firstMessageTimeoutMs = options.firstMessageTimeoutMs ?? 3000;
    this.untrustedIdleTimeoutMs = options.untrustedIdleTimeoutMs ?? 30_000;
  }

  static async listen(options: TcpTransportOptions = {}): Promise<TcpTransport> {
    const server = createServer();
    const transport = new TcpTransport(server, options);
    server.on("connection", (socket) => transport.adopt(socket, undefined));
    server.on("error", (err) => transport.logger.warn("tcp server error", { error: err.message }));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 5060, options.host ?? "0.0.0.0", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === "object") transport.boundLocal = { address: address.address, port: address.port };
    return transport;
  }

  get local(): Endpoint {
    return this.boundLocal;
  }

  /** Number of open connections (bounded by maxConnections). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Number of open inbound connections from untrusted addresses (bounded by maxUntrustedConnections). */
  get untrustedConnectionCount(): number {
    return this.untrustedCount;
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  async send(data: SipMessage | Buffer, destination: Destination): Promise<void> {
    const bytes = Buffer.isBuffer(data) ? data : serializeMessage(data);
    if (destination.connection?.open) return destination.connection.send(bytes);
    const connection = await this.connectionTo(destination);
    return connection.send(bytes);
  }

  close(): Promise<void> {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private connectionTo(remote: Endpoint): Promise<TcpConnection> {
    const key = keyOf(remote);
    const existing = this.connections.get(key);
    if (existing?.open) return Promise.resolve(existing);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const attempt = new Promise<TcpConnection>((resolve, reject) => {
      const socket = connect({ host: remote.address, port: remote.port, timeout: this.connectTimeoutMs });
      const onError = (err: Error): void => {
        socket.destroy();
        reject(err);
      };
      socket.once("error", onError);
      socket.once("timeout", () => onError(new Error("connect timeout")));
      socket.once("connect", () => {
        socket.off("error", onError);
        socket.removeAllListeners("timeout");
        const connection = this.adopt(socket, remote);
        if (connection) resolve(connection);
        else reject(new Error("connection limit reached"));
      });
    }).finally(() => this.pending.delete(key));
    this.pending.set(key, attempt);
    return attempt;
  }

  /**
   * Wires framing, timeouts and bookkeeping onto a socket: inbound when `knownRemote` is
   * undefined, outbound (ours, never counted as a stranger) otherwise. Returns undefined and
   * destroys the socket when a bound refuses it.
   */
  private adopt(socket: Socket, knownRemote: Endpoint | undefined): TcpConnection | undefined {
    const remote = knownRemote ?? { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 };
    const untrusted = knownRemote === undefined && !this.isTrusted(remote);
    const refusal =
      this.connections.size >= this.maxConnections
        ? "tcp connection limit reached"
        : untrusted && this.untrustedCount >= this.maxUntrusted
          ? "tcp limit of untrusted connections reached"
          : untrusted && (this.untrustedBySource.get(remote.address) ?? 0) >= this.maxPerUntrustedSource
            ? "tcp limit of connections from one untrusted source reached"
            : undefined;
    if (refusal) {
      this.logger.debug(refusal, { from: remote.address });
      socket.destroy();
      return undefined;
    }
    const connection = new TcpConnection(socket, remote);
    const key = keyOf(remote);
    this.connections.get(key)?.close();
    this.connections.set(key, connection);
    const framer = new StreamFramer(this.maxMessageSize);
    socket.setNoDelay(true);
    let deadline: NodeJS.Timeout | undefined;
    if (untrusted) {
      this.untrustedCount++;
      this.untrustedBySource.set(remote.address, (this.untrustedBySource.get(remote.address) ?? 0) + 1);
      // One timer, never reset by bytes or pings: first the first-message deadline, then the idle
      // time since the last complete message.
      deadline = setTimeout(() => socket.destroy(), this.firstMessageTimeoutMs);
      deadline.unref();
    } else {
      socket.setTimeout(this.idleTimeoutMs, () => socket.destroy());
    }
    socket.on("error", (err) => this.logger.debug("tcp connection error", { id: connection.id, error: err.message }));
    socket.on("close", () => {
      if (this.connections.get(key) === connection) this.connections.delete(key);
      if (untrusted) {
        clearTimeout(deadline);
        this.untrustedCount--;
        const left = (this.untrustedBySource.get(remote.address) ?? 1) - 1;
        if (left > 0) this.untrustedBySource.set(remote.address, left);
        else this.untrustedBySource.delete(remote.address);
      }
    });
    let framed = false;
    socket.on("data", (chunk: Buffer) => {
      for (const event of framer.push(chunk)) {
        if (event.type === "ping") socket.write("\r\n");
        else if (event.type === "error") {
          this.logger.info("closing unframeable tcp connection", { id: connection.id, reason: event.reason });
          const tooLarge = event.head && messageTooLargeResponse(event.head);
          if (tooLarge) socket.end(tooLarge);
          else socket.destroy();
        } else {
          if (deadline) {
            if (!framed) {
              framed = true;
              clearTimeout(deadline);
              deadline = setTimeout(() => socket.destroy(), this.untrustedIdleTimeoutMs);
              deadline.unref();
            } else deadline.refresh();
          }
          this.handler?.(event.data, { transport: "TCP", remote, local: this.boundLocal, connection });
        }
      }
    });
    return connection;
  }
}
