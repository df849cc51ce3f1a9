/**
 * Raw SIP peers for the hostile-traffic tests: a UDP peer bound to a chosen loopback address that
 * awaits responses by event, the SIP texts a trunk and a stranger send, and a flood sender that
 * runs in a worker thread (its own event loop, like a second machine) so it floods while the test
 * places calls.
 */
import dgram from "node:dgram";
import { Worker } from "node:worker_threads";

export interface SipReply {
  text: string;
  status: number;
  from: { address: string; port: number };
}

/** A UDP SIP peer on `address` (127.0.0.x); collects every datagram and awaits them by predicate. */
export class UdpPeer {
  readonly replies: SipReply[] = [];
  private waiters: Array<{ match: (r: SipReply) => boolean; resolve: (r: SipReply) => void }> = [];

  private constructor(readonly socket: dgram.Socket) {
    socket.on("message", (message, rinfo) => {
      const text = message.toString();
      const reply = { text, status: Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0), from: { address: rinfo.address, port: rinfo.port } };
      this.replies.push(reply);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(reply)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(reply);
        }
      }
    });
  }

  static async bind(address: string): Promise<UdpPeer> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new UdpPeer(socket);
  }

  get address(): string {
    return this.socket.address().address;
  }
  get port(): number {
    return this.socket.address().port;
  }

  send(text: string, port: number, host = "127.0.0.1"): void {
    this.socket.send(text, port, host);
  }

  /** The first datagram (already received or to come) matching `match`, or a rejection after `timeoutMs`. */
  next(match: (r: SipReply) => boolean, timeoutMs: number, what: string): Promise<SipReply> {
    const seen = this.replies.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (r: SipReply) => (clearTimeout(timer), resolve(r)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; got ${this.replies.map((r) => r.text.split("\r\n")[0]).join(" | ")}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.socket.close();
  }
}

export const callIdOf = (text: string) => /^Call-ID: (.*)$/m.exec(text)?.[1]?.trim();
export const cseqOf = (text: string) => /^CSeq: (.*)$/m.exec(text)?.[1]?.trim();

export function sdp(port: number): string {
  return `v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;
}

/** A request as a trunk or a stranger writes it; `via` replaces the whole Via value. */
export function request(
  method: string,
  peer: { address: string; port: number },
  options: { callId: string; branch: string; cseq?: number; from?: string; toTag?: string; via?: string; body?: string; number?: string },
): string {
  const number = options.number ?? "1000";
  const lines = [
    `${method} sip:${number}@127.0.0.1 SIP/2.0`,
    `Via: ${options.via ?? `SIP/2.0/UDP ${peer.address}:${peer.port};branch=${options.branch};rport`}`,
    `From: ${options.from ?? `"Trunk Caller" <sip:+15550001111@${peer.address}>;tag=caller-${options.callId.replace(/[^A-Za-z0-9-]/g, "")}`}`,
    `To: <sip:${number}@127.0.0.1>${options.toTag ? `;tag=${options.toTag}` : ""}`,
    `Call-ID: ${options.callId}`,
    `CSeq: ${options.cseq ?? 1} ${method}`,
    `Max-Forwards: 70`,
    `Contact: <sip:caller@${peer.address}:${peer.port}>`,
  ];
  const body = options.body ?? "";
  if (body) lines.push("Content-Type: application/sdp");
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

export interface FloodResult {
  sent: number;
  replies: number;
}

/**
 * Sends `count` requests (OPTIONS and INVITE alternately, each a new transaction) from `from` (one
 * address, or several taken in turn, like forged sources) to 127.0.0.1:`port`, `batch` datagrams
 * every `pauseMs`, in a worker thread. Resolves when all were handed to the kernel, with how many
 * replies came back meanwhile.
 */
export function flood(options: { from: string | string[]; port: number; count: number; batch: number; pauseMs: number }): Promise<FloodResult> {
  const code = `
    const { workerData, parentPort } = require("node:worker_threads");
    const dgram = require("node:dgram");
    let replies = 0;
    const bind = (address) => new Promise((resolve) => {
      const socket = dgram.createSocket("udp4");
      socket.on("message", () => replies++);
      socket.bind(0, address, () => resolve(socket));
    });
    (async () => {
      const sockets = await Promise.all(workerData.from.map(bind));
      const message = (i, socket) => {
        const from = socket.address().address;
        const local = socket.address().port;
        const body = "v=0\\r\\no=x 1 1 IN IP4 " + from + "\\r\\ns=-\\r\\nc=IN IP4 " + from + "\\r\\nt=0 0\\r\\nm=audio 9 RTP/AVP 0\\r\\n";
        const method = i % 2 ? "INVITE" : "OPTIONS";
        const content = method === "INVITE" ? body : "";
        return method + " sip:1000@127.0.0.1 SIP/2.0\\r\\n" +
          "Via: SIP/2.0/UDP " + from + ":" + local + ";branch=z9hG4bK-flood-" + i + ";rport\\r\\n" +
          "From: <sip:scanner@" + from + ">;tag=f" + i + "\\r\\n" +
          "To: <sip:1000@127.0.0.1>\\r\\n" +
          "Call-ID: flood-" + i + "@" + from + "\\r\\n" +
          "CSeq: 1 " + method + "\\r\\nMax-Forwards: 70\\r\\n" +
          (content ? "Content-Type: application/sdp\\r\\n" : "") +
          "Content-Length: " + content.length + "\\r\\n\\r\\n" + content;
      };
      let sent = 0;
      let done = 0;
      await new Promise((resolve) => {
        const step = () => {
          for (let n = 0; n < workerData.batch && sent < workerData.count; n++, sent++) {
            const socket = sockets[sent % sockets.length];
            socket.send(message(sent, socket), workerData.port, "127.0.0.1", () => { if (++done === workerData.count) resolve(); });
          }
          if (sent < workerData.count) setTimeout(step, workerData.pauseMs);
        };
        step();
      });
      parentPort.postMessage({ sent: done, replies });
      for (const socket of sockets) socket.close();
    })();
  `;
  const from = typeof options.from === "string" ? [options.from] : options.from;
  const worker = new Worker(code, { eval: true, workerData: { ...options, from } });
  return new Promise((resolve, reject) => {
    worker.once("message", (result: FloodResult) => resolve(result));
    worker.once("error", reject);
  });
}
