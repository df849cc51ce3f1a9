/**
 * Receives rtpengine's media-timeout notifications, so dead media ends its call at once without Hotline polling
 * anything.
 *
 * rtpengine checks every call once a second (its own timer). A call none of whose streams received a packet within
 * `--timeout` seconds (`--silent-timeout` for streams told not to send, i.e. on hold; `--offer-timeout` for streams
 * whose peer never answered) is deleted, and when `--b2b-url` is set rtpengine forks a child that makes one XML-RPC
 * call per deleted call. With `--xmlrpc-format=1` it is `teardown(call-id)` (measured on 10.5: an HTTP/1.1 POST of a
 * `methodCall`, retried up to 3 times when it gets no valid answer). This module is that XML-RPC endpoint: an HTTP
 * server on a loopback address with an unguessable path, answering every well-formed call with a `methodResponse`.
 *
 * Bounded: bodies over {@link MAX_BODY_BYTES} are refused with 413 and the connection closed; a request that does not
 * come through the secret path gets 404.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, silentLogger } from "./logger.js";

/** An XML-RPC teardown is ~200 bytes; anything much larger is not rtpengine. */
const MAX_BODY_BYTES = 8 * 1024;

export interface MediaTimeoutListenerOptions {
  /** Address to listen on (rtpengine's host; loopback for the supervised child). */
  host: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Called once per call rtpengine dropped for a media timeout, with rtpengine's call id. */
  onTimeout: (callId: string) => void;
  logger?: Logger;
}

/** XML-RPC endpoint for rtpengine's `--b2b-url` (format 1, `teardown(call-id)`). */
export class MediaTimeoutListener {
  private readonly server: http.Server;
  private readonly token = randomBytes(12).toString("hex");
  private readonly logger: Logger;

  private constructor(private readonly options: MediaTimeoutListenerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  /** Starts listening; rejects when the address cannot be bound. */
  static async listen(options: MediaTimeoutListenerOptions): Promise<MediaTimeoutListener> {
    const listener = new MediaTimeoutListener(options);
    await new Promise<void>((resolve, reject) => {
      listener.server.once("error", reject);
      listener.server.listen(options.port ?? 0, options.host, () => resolve());
    });
    return listener;
  }

  /** The value for rtpengine's `--b2b-url`. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host.includes(":") ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${port}/${this.token}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== "POST" || req.url !== `/${this.token}`) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413, { Connection: "close" }).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > MAX_BODY_BYTES) return;
      const call = parseXmlRpcCall(Buffer.concat(chunks).toString("utf8"));
      if (!call || call.method !== "teardown" || call.params.length !== 1) {
        this.logger.warn("unexpected XML-RPC call from rtpengine", { method: call?.method });
        reply(res, fault(`unsupported call ${call?.method ?? "(unreadable)"}`));
        return;
      }
      const callId = call.params[0]!;
      this.logger.info("rtpengine media timeout", { callId });
      reply(res, ok());
      try {
        this.options.onTimeout(callId);
      } catch (error) {
        this.logger.error("media timeout handler threw", { callId, error: String(error) });
      }
    });
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The method name and string parameters of an XML-RPC `methodCall` (XML-RPC spec: a `<value>` without a type is a
 * string). Returns undefined for anything else. Pure.
 */
export function parseXmlRpcCall(xml: string): { method: string; params: string[] } | undefined {
  const method = /<methodName>\s*([\w.]+)\s*<\/methodName>/.exec(xml)?.[1];
  if (!method) return undefined;
  const params = [...xml.matchAll(/<param>\s*<value>(?:\s*<string>([^<]*)<\/string>\s*|([^<]*))<\/value>\s*<\/param>/g)].map(
    (m) => unescapeXml(m[1] ?? m[2] ?? ""),
  );
  return { method, params };
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");
}

function ok(): string {
  return '<?xml version="1.0"?><methodResponse><params><param><value><string>ok</string></value></param></params></methodResponse>';
}

function fault(message: string): string {
  const text = message.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value><string>${text}</string></value></member></struct></value></fault></methodResponse>`;
}

function reply(res: http.ServerResponse, body: string): void {
  res.writeHead(200, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) }).end(body);
}
