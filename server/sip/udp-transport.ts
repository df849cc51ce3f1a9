/**
 * UDP transport (RFC 3261 §18): one datagram is one message.
 * @module
 */
import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";
import type { SipMessage } from "./message.js";
import { serializeMessage } from "./serializer.js";
import { silentLogger, type Logger } from "./logger.js";
import type { Destination, Endpoint, MessageHandler, Transport } from "./transport.js";

export interface UdpTransportOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  logger?: Logger;
  /**
   * Kernel receive buffer asked for, in bytes (SO_RCVBUF; Linux caps it at net.core.rmem_max).
   * Default 4 MiB, so a burst of datagrams (a flood, or many calls at once) waits in the kernel
   * while the event loop is busy instead of being dropped, a trunk's INVITE among them.
   */
  receiveBufferBytes?: number;
}

export class UdpTransport implements Transport {
  readonly kind = "UDP" as const;
  private handler: MessageHandler | undefined;
  private boundLocal: Endpoint = { address: "", port: 0 };

  private constructor(
    private readonly socket: Socket,
    private readonly logger: Logger,
  ) {}

  /** Binds the socket and resolves once it is listening. */
  static async listen(options: UdpTransportOptions = {}): Promise<UdpTransport> {
    const host = options.host ?? "0.0.0.0";
    const socket = createSocket(isIP(host) === 6 ? "udp6" : "udp4");
    const transport = new UdpTransport(socket, options.logger ?? silentLogger);
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(options.port ?? 5060, host, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(options.receiveBufferBytes ?? 4 * 1024 * 1024);
    } catch (err) {
      transport.logger.warn("udp receive buffer not enlarged", { error: err instanceof Error ? err.message : String(err) });
    }
    const address = socket.address();
    transport.boundLocal = { address: address.address, port: address.port };
    socket.on("error", (err) => transport.logger.warn("udp socket error", { error: err.message }));
    socket.on("message", (data, rinfo) => {
      if (!transport.handler) return;
      transport.handler(data, { transport: "UDP", remote: { address: rinfo.address, port: rinfo.port }, local: transport.boundLocal });
    });
    return transport;
  }

  get local(): Endpoint {
    return this.boundLocal;
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  send(data: SipMessage | Buffer, destination: Destination): Promise<void> {
    const bytes = Buffer.isBuffer(data) ? data : serializeMessage(data);
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, destination.port, destination.address, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
