/**
 * A tiny raw SIP peer for field-case tests: it writes requests as text (exactly what a carrier, SBC or PBX would send,
 * quirks included) over UDP or TCP from a loopback address, parses what comes back, and lets a test await a message.
 * Plus {@link RtpEndpoint}, a media socket that counts the RTP it receives and can send a tone.
 */
import dgram from "node:dgram";
import net from "node:net";
import { randomBytes } from "node:crypto";

/** A received SIP message, parsed just enough for assertions. */
export interface PeerMessage {
  raw: string;
  /** Response status, or undefined for a request. */
  status: number | undefined;
  method: string | undefined;
  /** Method of the CSeq line. */
  cseqMethod: string;
  cseq: number;
  /** Header values by lower-case name, in order (compact forms are not expanded). */
  headers: Map<string, string[]>;
  body: string;
  at: number;
}

export function parsePeerMessage(raw: string): PeerMessage {
  const split = raw.indexOf("\r\n\r\n");
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? "" : raw.slice(split + 4);
  const [start = "", ...lines] = head.split("\r\n");
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const response = /^SIP\/2\.0 (\d{3})/.exec(start);
  const cseq = /^(\d+)\s+(\S+)/.exec(headers.get("cseq")?.[0] ?? "");
  return {
    raw,
    status: response ? Number(response[1]) : undefined,
    method: response ? undefined : start.split(" ")[0],
    cseq: Number(cseq?.[1] ?? 0),
    cseqMethod: cseq?.[2] ?? "",
    headers,
    body,
    at: Date.now(),
  };
}

/** The first value of a header of a message (lower-case name). */
export const header = (message: PeerMessage, name: string): string | undefined => message.headers.get(name.toLowerCase())?.[0];

/** The tag parameter of a From/To value. */
export const tagOf = (value: string | undefined): string | undefined => /;\s*tag=([^;\s,]+)/i.exec(value ?? "")?.[1];

/** A call's identifiers, as the peer (the UAC) sees them. */
export interface PeerDialog {
  callId: string;
  fromTag: string;
  /** Hotline's tag, once a response carried it. */
  toTag?: string;
  from: string;
  to: string;
  requestUri: string;
  cseq: number;
}

export interface InviteOptions {
  /** Dialled number (Request-URI and To user). */
  number?: string;
  /** The Request-URI's user when it differs from the To user ("" for a Request-URI without user). */
  requestUser?: string;
  from?: string;
  /** SDP body; undefined for none (late offer). */
  sdp?: string;
  contentType?: string;
  headers?: string[];
  branch?: string;
  callId?: string;
  fromTag?: string;
  cseq?: number;
  /** Max-Forwards (default 70). */
  maxForwards?: number;
}

/** A raw SIP user agent on one socket. */
export class SipPeer {
  readonly received: PeerMessage[] = [];
  private waiters: Array<() => void> = [];
  private tcpBuffer = "";

  private constructor(
    readonly transport: "UDP" | "TCP",
    readonly address: string,
    readonly port: number,
    private readonly target: { host: string; port: number },
    private readonly udp?: dgram.Socket,
    private readonly tcp?: net.Socket,
  ) {
    udp?.on("message", (data) => this.receive(data.toString("utf8")));
    tcp?.on("data", (data) => this.receiveStream(data.toString("utf8")));
  }

  /** A peer on UDP, bound to `address` (a loopback address, 127.0.0.1 by default). */
  static async udp(target: { host: string; port: number }, address = "127.0.0.1"): Promise<SipPeer> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new SipPeer("UDP", address, socket.address().port, target, socket);
  }

  /** A peer on one TCP connection to the target, from `address`. */
  static async tcp(target: { host: string; port: number }, address = "127.0.0.1"): Promise<SipPeer> {
    const socket = net.connect({ host: target.host, port: target.port, localAddress: address });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new SipPeer("TCP", address, socket.localPort!, target, undefined, socket);
  }

  private receiveStream(text: string): void {
    this.tcpBuffer += text;
    for (;;) {
      this.tcpBuffer = this.tcpBuffer.replace(/^(\r\n)+/, "");
      const end = this.tcpBuffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const length = Number(/^(?:content-length|l)\s*:\s*(\d+)/im.exec(this.tcpBuffer.slice(0, end))?.[1] ?? 0);
      if (this.tcpBuffer.length < end + 4 + length) return;
      this.receive(this.tcpBuffer.slice(0, end + 4 + length));
      this.tcpBuffer = this.tcpBuffer.slice(end + 4 + length);
    }
  }

  private receive(raw: string): void {
    this.received.push(parsePeerMessage(raw));
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Sends raw text; bare LF line ends become CRLF and Content-Length is computed when absent. */
  send(text: string): void {
    const crlf = text.replace(/\r?\n/g, "\r\n");
    const split = crlf.indexOf("\r\n\r\n");
    let message = crlf;
    if (split >= 0 && !/^(content-length|l)\s*:/im.test(crlf.slice(0, split))) {
      const body = crlf.slice(split + 4);
      message = `${crlf.slice(0, split)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    }
    if (this.udp) this.udp.send(message, this.target.port, this.target.host);
    else this.tcp!.write(message);
  }

  /** Resolves with the first message (received from `since` on) that `match` accepts; rejects after `timeoutMs`. */
  waitFor(what: string, match: (message: PeerMessage) => boolean, options: { timeoutMs?: number; since?: number } = {}): Promise<PeerMessage> {
    const since = options.since ?? 0;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.slice(since).find(match);
        if (found) resolve(found);
        return Boolean(found);
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        reject(new Error(`timed out waiting for ${what}; got:\n${this.received.map((m) => m.raw.split("\r\n")[0]).join("\n")}`));
      }, options.timeoutMs ?? 5000);
      const wake = (): void => {
        if (check()) clearTimeout(timer);
        else this.waiters.push(wake);
      };
      this.waiters.push(wake);
    });
  }

  /** The final response to the request with this CSeq number and method. */
  finalResponse(request: { cseq: number; callId?: string }, method: string, timeoutMs = 5000, since = 0): Promise<PeerMessage> {
    return this.waitFor(
      `the final response to ${method} ${request.cseq}`,
      (m) =>
        m.status !== undefined &&
        m.status >= 200 &&
        m.cseq === request.cseq &&
        m.cseqMethod === method &&
        (request.callId === undefined || header(m, "call-id") === request.callId),
      { timeoutMs, since },
    );
  }

  private via(branch: string): string {
    return `Via: SIP/2.0/${this.transport} ${this.address}:${this.port};branch=${branch};rport`;
  }

  get contact(): string {
    return `<sip:caller@${this.address}:${this.port}${this.transport === "TCP" ? ";transport=tcp" : ""}>`;
  }

  /** Sends an initial INVITE; returns the dialog identifiers (toTag filled in by {@link answered}). */
  invite(options: InviteOptions = {}): PeerDialog & { branch: string } {
    const number = options.number ?? "1000";
    const dialog = {
      callId: options.callId ?? `${randomBytes(6).toString("hex")}@${this.address}`,
      fromTag: options.fromTag ?? randomBytes(4).toString("hex"),
      from: options.from ?? `"Test Caller" <sip:+15550001111@${this.address}>`,
      to: `<sip:${number}@${this.target.host}>`,
      requestUri: `sip:${options.requestUser === "" ? "" : `${options.requestUser ?? number}@`}${this.target.host}:${this.target.port}`,
      cseq: options.cseq ?? 1,
      branch: options.branch ?? newBranch(),
    };
    const lines = [
      `INVITE ${dialog.requestUri} SIP/2.0`,
      this.via(dialog.branch),
      `Max-Forwards: ${options.maxForwards ?? 70}`,
      `From: ${dialog.from};tag=${dialog.fromTag}`,
      `To: ${dialog.to}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${dialog.cseq} INVITE`,
      `Contact: ${this.contact}`,
      ...(options.headers ?? []),
    ];
    if (options.sdp !== undefined) lines.push(`Content-Type: ${options.contentType ?? "application/sdp"}`);
    this.send(`${lines.join("\r\n")}\r\n\r\n${options.sdp ?? ""}`);
    return dialog;
  }

  /** Waits for the 200 to the dialog's INVITE and records Hotline's tag. */
  async answered(dialog: PeerDialog, timeoutMs = 5000): Promise<PeerMessage> {
    const ok = await this.finalResponse(dialog, "INVITE", timeoutMs);
    dialog.toTag = tagOf(header(ok, "to"));
    return ok;
  }

  /** ACK for a 2xx (a new branch unless given; RFC 3261 §13.2.2.4), with an optional SDP answer. */
  ack(dialog: PeerDialog, options: { sdp?: string; branch?: string; cseq?: number } = {}): void {
    const lines = [
      `ACK ${dialog.requestUri} SIP/2.0`,
      this.via(options.branch ?? newBranch()),
      "Max-Forwards: 70",
      `From: ${dialog.from};tag=${dialog.fromTag}`,
      `To: ${dialog.to}${dialog.toTag ? `;tag=${dialog.toTag}` : ""}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${options.cseq ?? dialog.cseq} ACK`,
    ];
    if (options.sdp !== undefined) lines.push("Content-Type: application/sdp");
    this.send(`${lines.join("\r\n")}\r\n\r\n${options.sdp ?? ""}`);
  }

  /**
   * An in-dialog request (BYE, re-INVITE, INFO, UPDATE) with the next CSeq unless `cseq` is given. Returns the CSeq
   * number used, to await its response.
   */
  request(
    dialog: PeerDialog,
    method: string,
    options: { sdp?: string; headers?: string[]; cseq?: number; contentType?: string; body?: string; contact?: string } = {},
  ): { cseq: number; callId: string } {
    const cseq = options.cseq ?? ++dialog.cseq;
    const body = options.sdp ?? options.body;
    const lines = [
      `${method} ${dialog.requestUri} SIP/2.0`,
      this.via(newBranch()),
      "Max-Forwards: 70",
      `From: ${dialog.from};tag=${dialog.fromTag}`,
      `To: ${dialog.to}${dialog.toTag ? `;tag=${dialog.toTag}` : ""}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: ${options.contact ?? this.contact}`,
      ...(options.headers ?? []),
    ];
    if (body !== undefined) lines.push(`Content-Type: ${options.contentType ?? "application/sdp"}`);
    this.send(`${lines.join("\r\n")}\r\n\r\n${body ?? ""}`);
    return { cseq, callId: dialog.callId };
  }

  /** Answers a request Hotline sent (e.g. its BYE) with `status`; `sdp`: an SDP body and our Contact (a 2xx to a re-INVITE). */
  reply(request: PeerMessage, status: number, reason = "OK", sdp?: string): void {
    const copy = ["via", "from", "to", "call-id", "cseq"].flatMap((name) =>
      (request.headers.get(name) ?? []).map((value) => `${name === "call-id" ? "Call-ID" : name === "cseq" ? "CSeq" : name[0]!.toUpperCase() + name.slice(1)}: ${value}`),
    );
    if (sdp !== undefined) copy.push(`Contact: ${this.contact}`, "Content-Type: application/sdp");
    this.send(`SIP/2.0 ${status} ${reason}\r\n${copy.join("\r\n")}\r\n\r\n${sdp ?? ""}`);
  }

  close(): void {
    this.udp?.close();
    this.tcp?.destroy();
  }
}

export const newBranch = (): string => `z9hG4bK-${randomBytes(6).toString("hex")}`;

/** A G.711 audio offer (or answer) from `address:port` with the given direction. */
export function audioSdp(port: number, options: { address?: string; direction?: string; version?: number; family?: "IP4" | "IP6" } = {}): string {
  const address = options.address ?? "127.0.0.1";
  const family = options.family ?? "IP4";
  return [
    "v=0",
    `o=caller 1 ${options.version ?? 1} IN ${family} ${address}`,
    "s=-",
    `c=IN ${family} ${address}`,
    "t=0 0",
    `m=audio ${port} RTP/AVP 8 0 101`,
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:101 telephone-event/8000",
    `a=${options.direction ?? "sendrecv"}`,
    "",
  ].join("\r\n");
}

/** The o= version and the audio direction and port of an SDP. */
export function sdpFacts(sdp: string): { version: number; direction: string; port: number; address: string } {
  return {
    version: Number(/^o=\S+ \S+ (\d+) /m.exec(sdp)?.[1] ?? NaN),
    direction: /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp)?.[1] ?? "sendrecv",
    port: Number(/^m=audio (\d+) /m.exec(sdp)?.[1] ?? NaN),
    address: /^c=IN IP[46] (\S+)/m.exec(sdp)?.[1] ?? "",
  };
}

/** An RTP socket that counts what it receives and, once started, sends PCMA silence every 20 ms to a destination. */
export class RtpEndpoint {
  private readonly socket = dgram.createSocket("udp4");
  private timer: NodeJS.Timeout | undefined;
  received = 0;
  /** Packets by RTP payload type (101: RFC 4733 telephone-events). */
  readonly payloadTypes = new Map<number, number>();
  /** Packets whose payload is the scripted operator's "voice" (every byte 0xd5): the operator is heard. */
  operatorVoice = 0;
  private waiters: Array<() => void> = [];

  static async open(address = "127.0.0.1"): Promise<RtpEndpoint> {
    const endpoint = new RtpEndpoint();
    await new Promise<void>((resolve) => endpoint.socket.bind(0, address, resolve));
    endpoint.socket.on("message", (packet) => {
      endpoint.received += 1;
      const pt = (packet[1] ?? 0) & 0x7f;
      endpoint.payloadTypes.set(pt, (endpoint.payloadTypes.get(pt) ?? 0) + 1);
      if (packet.length > 16 && packet.subarray(12).every((b) => b === 0xd5)) endpoint.operatorVoice += 1;
      const waiters = endpoint.waiters;
      endpoint.waiters = [];
      for (const wake of waiters) wake();
    });
    return endpoint;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Resolves once `count` more packets arrived; rejects after `timeoutMs`. */
  waitForPackets(count: number, timeoutMs = 5000): Promise<void> {
    const goal = this.received + count;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.received - goal + count} of ${count} RTP packets at port ${this.port}`)), timeoutMs);
      const wake = (): void => {
        if (this.received >= goal) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(wake);
      };
      wake();
    });
  }

  /** Sends 20 ms PCMA packets to `to` until {@link stopSending}. */
  startSending(to: { address: string; port: number }): void {
    let seq = 0;
    this.timer = setInterval(() => {
      const packet = Buffer.alloc(172, 0xd5);
      packet[0] = 0x80;
      packet[1] = 8;
      packet.writeUInt16BE(seq & 0xffff, 2);
      packet.writeUInt32BE((seq * 160) >>> 0, 4);
      packet.writeUInt32BE(0xcafe, 8);
      seq += 1;
      this.socket.send(packet, to.port, to.address);
    }, 20);
  }

  stopSending(): void {
    clearInterval(this.timer);
  }

  close(): void {
    this.stopSending();
    this.socket.close();
  }
}
