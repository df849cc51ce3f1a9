/**
 * Receives the digits callers send as RFC 4733 telephone events, from rtpengine's DTMF log: started with
 * `--dtmf-log-dest=host:port`, rtpengine sends one UDP datagram of JSON per digit, when the event ends (measured on
 * 10.5; its dtmf.c prints `{"callid":"…","source_tag":"…","tags":[…],"type":"DTMF","timestamp":…,"source_ip":"…",
 * "event":N,"duration":…,"volume":…}`). Event codes follow RFC 4733 §3.2: 0-9 the digits, 10 `*`, 11 `#`, 12-15
 * A-D. Event-driven (one datagram, one digit) and bounded: datagrams over {@link MAX_DATAGRAM_BYTES} or not from
 * the allowed address are dropped, and a repeat of the same event (same call, tag and timestamp) is reported once.
 */
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import { type Logger, silentLogger } from "./logger.js";

/** A DTMF log line is ~250 bytes; anything much larger is not rtpengine. */
const MAX_DATAGRAM_BYTES = 4096;
/** RFC 4733 §3.2 event codes 0-15 as keypad characters. */
const EVENT_DIGITS = "0123456789*#ABCD";
/** How many recent events are remembered to drop repeats (bounded memory). */
const RECENT_EVENTS = 256;

export interface DtmfEvent {
  /** rtpengine's call id (Hotline's call record id). */
  callId: string;
  /** The media party that sent the digit (its From/To tag in rtpengine). */
  sourceTag: string | undefined;
  digit: string;
  durationMs: number | undefined;
}

/** Reads one rtpengine DTMF log datagram; undefined when it is not one (bad JSON, no call id, unknown event). */
export function parseDtmfLog(text: string): (DtmfEvent & { timestamp: unknown }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const event = v.event;
  if (typeof v.callid !== "string" || !v.callid || typeof event !== "number" || !Number.isInteger(event) || event < 0 || event >= EVENT_DIGITS.length) return undefined;
  return {
    callId: v.callid,
    sourceTag: typeof v.source_tag === "string" ? v.source_tag : undefined,
    digit: EVENT_DIGITS[event]!,
    // rtpengine gives the event's duration in ms (its `duration` divided by the clock rate, times 1000).
    durationMs: typeof v.duration === "number" ? v.duration : undefined,
    timestamp: v.timestamp,
  };
}

export interface DtmfListenerOptions {
  /** Address to listen on (rtpengine's host; loopback for the supervised child). Only datagrams from it are read. */
  host: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  onDigit: (event: DtmfEvent) => void;
  logger?: Logger;
}

/** UDP endpoint for rtpengine's `--dtmf-log-dest`. */
export class DtmfListener {
  private readonly socket: dgram.Socket;
  private readonly logger: Logger;
  private readonly recent: string[] = [];

  private constructor(private readonly options: DtmfListenerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.socket = dgram.createSocket(options.host.includes(":") ? "udp6" : "udp4");
    this.socket.on("message", (message, from) => this.handle(message, from));
  }

  /** Starts listening; rejects when the address cannot be bound. */
  static async listen(options: DtmfListenerOptions): Promise<DtmfListener> {
    const listener = new DtmfListener(options);
    await new Promise<void>((resolve, reject) => {
      listener.socket.once("error", reject);
      listener.socket.bind(options.port ?? 0, options.host, () => {
        listener.socket.off("error", reject);
        listener.socket.on("error", (error) => listener.logger.warn("DTMF log socket error", { error: String(error) }));
        resolve();
      });
    });
    return listener;
  }

  /** The value for rtpengine's `--dtmf-log-dest` (host:port). */
  get destination(): string {
    const { address, port } = this.socket.address() as AddressInfo;
    return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
  }

  private handle(message: Buffer, from: dgram.RemoteInfo): void {
    if (message.length > MAX_DATAGRAM_BYTES || from.address !== this.options.host) return;
    const event = parseDtmfLog(message.toString("utf8"));
    if (!event) {
      this.logger.warn("unreadable DTMF log datagram from rtpengine", { bytes: message.length });
      return;
    }
    this.logger.debug("rtpengine DTMF", { callId: event.callId, sourceTag: event.sourceTag, digit: event.digit });
    const key = `${event.callId}|${event.sourceTag ?? ""}|${String(event.timestamp)}|${event.digit}`;
    if (event.timestamp !== undefined && this.recent.includes(key)) return;
    this.recent.push(key);
    if (this.recent.length > RECENT_EVENTS) this.recent.shift();
    const { timestamp: _timestamp, ...digit } = event;
    try {
      this.options.onDigit(digit);
    } catch (error) {
      this.logger.error("DTMF handler threw", { callId: event.callId, error: String(error) });
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
