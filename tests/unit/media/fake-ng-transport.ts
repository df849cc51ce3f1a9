import { type BencodeDict, decode, encode, isDict } from "../../../server/media/bencode.js";
import type { NgTransport, NgTransportFactory } from "../../../server/media/ng-client.js";

/** One request as the fake rtpengine saw it. */
export interface SeenRequest {
  cookie: string;
  dict: BencodeDict;
}

/**
 * A fake ng peer: records every datagram the client sends and lets the test answer (or not), like rtpengine would.
 * `responder` runs for every datagram; return a dict to reply, or undefined to stay silent (a lost datagram).
 */
export class FakeNgTransport implements NgTransport {
  readonly sent: SeenRequest[] = [];
  closed = false;
  responder: ((request: SeenRequest, attempt: number) => BencodeDict | undefined) | undefined;
  private handler: ((data: Buffer) => void) | undefined;
  private errorHandler: ((error: Error) => void) | undefined;

  readonly factory: NgTransportFactory = () => this;

  send(data: Buffer): void {
    if (this.closed) throw new Error("send on closed fake transport");
    const space = data.indexOf(0x20);
    const dict = decode(data.subarray(space + 1));
    if (!isDict(dict)) throw new Error("client sent a non-dict");
    const request = { cookie: data.toString("ascii", 0, space), dict };
    this.sent.push(request);
    const attempt = this.sent.filter((r) => r.cookie === request.cookie).length;
    const reply = this.responder?.(request, attempt);
    if (reply) queueMicrotask(() => this.deliver(request.cookie, reply));
  }

  /** Delivers a reply frame for `cookie` as if it came from rtpengine. */
  deliver(cookie: string, dict: BencodeDict): void {
    this.deliverRaw(Buffer.concat([Buffer.from(`${cookie} `), encode(dict)]));
  }

  deliverRaw(frame: Buffer): void {
    this.handler?.(frame);
  }

  emitError(error: Error): void {
    this.errorHandler?.(error);
  }

  onMessage(handler: (data: Buffer) => void): void {
    this.handler = handler;
  }

  onError(handler: (error: Error) => void): void {
    this.errorHandler = handler;
  }

  close(): void {
    this.closed = true;
  }
}
