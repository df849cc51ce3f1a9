/**
 * Cuts a byte stream (TCP/TLS) into SIP messages using Content-Length (RFC 3261 §18.3), and
 * recognises RFC 5626 §4.4.1 CRLF keep-alives.
 * @module
 */

export type FrameEvent =
  | { type: "message"; data: Buffer }
  /** A double-CRLF ping; the owner should answer with a single CRLF pong. */
  | { type: "ping" }
  /**
   * The stream can no longer be framed; the owner must close the connection. `head`: the header section (no body)
   * of a message refused for its declared size, so the owner can answer 513 Message Too Large (RFC 3261 §21.5.14)
   * before closing; absent when no complete header section arrived within the limit.
   */
  | { type: "error"; reason: string; head?: Buffer };

const HEADER_END = Buffer.from("\r\n\r\n");
const CONTENT_LENGTH_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im;

export class StreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private failed = false;

  /** @param maxMessageSize Largest message (headers + body) accepted, default 64 KiB. */
  constructor(private readonly maxMessageSize = 65_536) {}

  /** Appends bytes and returns every event they complete, in order. */
  push(chunk: Buffer): FrameEvent[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const events: FrameEvent[] = [];
    for (;;) {
      // Leading CRLFs between messages are ignored (§7.5); a CRLFCRLF pair is a keep-alive ping.
      let skip = 0;
      while (this.buffer[skip] === 0x0d && this.buffer[skip + 1] === 0x0a) skip += 2;
      if (skip >= 4) events.push({ type: "ping" });
      if (skip > 0) this.buffer = this.buffer.subarray(skip);
      if (this.buffer.length === 0) return events;
      const headerEnd = this.buffer.indexOf(HEADER_END);
      if (headerEnd < 0) {
        if (this.buffer.length > this.maxMessageSize) return this.fail(events, "header section too large");
        return events;
      }
      // Header names are ASCII; latin1 keeps byte offsets and cannot throw.
      const head = this.buffer.subarray(0, headerEnd).toString("latin1").replace(/\r\n[ \t]+/g, " ");
      const lengths = [...head.matchAll(new RegExp(CONTENT_LENGTH_RE.source, "gim"))];
      if (lengths.length !== 1) return this.fail(events, lengths.length === 0 ? "missing Content-Length" : "multiple Content-Length");
      const bodyLength = Number(lengths[0]?.[1]);
      const total = headerEnd + 4 + bodyLength;
      if (total > this.maxMessageSize) return this.fail(events, "message too large", Buffer.from(this.buffer.subarray(0, headerEnd)));
      if (this.buffer.length < total) return events;
      events.push({ type: "message", data: Buffer.from(this.buffer.subarray(0, total)) });
      this.buffer = this.buffer.subarray(total);
    }
  }

  private fail(events: FrameEvent[], reason: string, head?: Buffer): FrameEvent[] {
    this.failed = true;
    this.buffer = Buffer.alloc(0);
    events.push(head ? { type: "error", reason, head } : { type: "error", reason });
    return events;
  }
}
