/**
 * A scripted operator for integration tests and load benchmarks: logs in (desk socket, so the
 * queue sees them logged in and connected), registers its softphone over the SIP WebSocket like
 * SIP.js does, and answers offered calls. Instead of WebRTC it answers with plain RTP to a UDP
 * socket it owns, so tests can count the audio that really crosses rtpengine in both directions.
 */
import dgram from "node:dgram";
import { io, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { createResponse, generateBranch, generateTag, parseMessage, serializeMessage, type SipRequest, type SipResponse } from "../../server/sip";
import type { DeskCallRequest, OperatorStateView } from "../../server/realtime/events";
import { SESSION_COOKIE } from "../../server/auth/session-cookie";

export type AnswerMode = "answer" | "ignore" | "decline";

export interface OfferedCall {
  callId: string;
  caller: string | undefined;
  invite: SipRequest;
  /** rtpengine's address for the operator side, from the offer. */
  remote: { address: string; port: number } | undefined;
}

/** An outbound call this operator placed (see {@link TestOperator.dial}). */
export interface DialledCall {
  callId: string;
  fromTag: string;
  /** Every response status to the INVITE, in order (100, 180, 200, 486…). */
  statuses: number[];
  /** The final status, once one arrived. */
  final: number | undefined;
  reason: string | undefined;
  toTag: string | undefined;
  /** The BYE target: the 2xx's Contact. */
  target: string | undefined;
  invite: string;
  toHeader: string;
}

export class TestOperator {
  private ws!: WebSocket;
  private desk!: Socket;
  readonly rtp = dgram.createSocket("udp4");
  /** The "microphone" sends a loud tone after the marker bytes instead of near-silence (see startSending). */
  speaksTone = false;
  rtpReceived = 0;
  /** Packets that came back carrying the operator's own voice marker: SIPp (-rtp_echo) received them. */
  echoedBack = 0;
  /** RTP packets received by source address:port (each rtpengine call, and each branch of one, has its own port). */
  readonly rtpBySource = new Map<string, number>();
  mode: AnswerMode = "answer";
  /** Re-INVITEs received in the current call (answered with 200 and the same local RTP port). */
  reInvites = 0;
  ringMs = 0;
  readonly offers: OfferedCall[] = [];
  current: { invite: SipRequest; toTag: string; remote?: { address: string; port: number } } | undefined;
  state: OperatorStateView | undefined;
  private registered!: Promise<void>;
  private sender: NodeJS.Timeout | undefined;
  private readonly waiters: Array<() => void> = [];
  private cseq = 1;
  private payloadType = 0;
  private readonly callId = `${generateTag()}@test-operator`;
  private readonly tag = generateTag();
  /** The outbound call in progress or last placed. */
  dialled: DialledCall | undefined;
  /** The call on hold while this operator consults on a second session (see {@link dial}'s `consultOf`). */
  parked: TestOperator["current"];

  constructor(
    readonly baseUrl: string,
    readonly username: string,
    private readonly token: string,
  ) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.rtp.bind(0, "127.0.0.1", resolve));
    this.rtp.on("message", (packet, from) => {
      this.rtpReceived += 1;
      const source = `${from.address}:${from.port}`;
      this.rtpBySource.set(source, (this.rtpBySource.get(source) ?? 0) + 1);
      if (packet.length > 16 && packet.subarray(12, 16).every((b) => b === VOICE_MARKER)) this.echoedBack += 1;
    });
    const cookie = `${SESSION_COOKIE}=${this.token}`;
    this.desk = io(`${this.baseUrl}/desk`, { extraHeaders: { cookie }, transports: ["websocket"] });
    this.desk.on("operator:state", (state: OperatorStateView) => {
      this.state = state;
      this.notify();
    });
    await new Promise<void>((resolve, reject) => {
      this.desk.once("connect", resolve);
      this.desk.once("connect_error", reject);
    });
    this.ws = new WebSocket(`${this.baseUrl.replace(/^http/, "ws")}/sip`, "sip", { headers: { cookie } });
    await new Promise<void>((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("error", reject);
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    this.ws.on("message", (data) => this.receive(Buffer.from(data as Buffer)));
    this.registered = new Promise((resolve, reject) => {
      this.onRegisterResponse = (response) => (response.status === 200 ? resolve() : reject(new Error(`REGISTER ${response.status}`)));
    });
    this.sendRegister(300);
    await this.registered;
  }

  private onRegisterResponse: (response: SipResponse) => void = () => {};

  /** Status of the last REGISTER response. */
  lastRegisterStatus: number | undefined;

  sendRegister(expires: number, username = this.username): void {
    const text = [
      `REGISTER sip:hotline.invalid SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.tag}.invalid;branch=${generateBranch()}`,
      `Max-Forwards: 70`,
      `From: <sip:${username}@hotline.invalid>;tag=${this.tag}`,
      `To: <sip:${username}@hotline.invalid>`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${this.cseq++} REGISTER`,
      `Contact: <sip:${this.tag}@${this.tag}.invalid;transport=ws>;expires=${expires}`,
      `Expires: ${expires}`,
      `Content-Length: 0`,
      ``,
      ``,
    ].join("\r\n");
    this.ws.send(text);
  }

  /** A REGISTER for another operator's address, which the registrar must refuse. */
  sendRegisterFor(username: string): void {
    this.sendRegister(300, username);
  }

  /** What the desk's status control sends; resolves with the server's answer. */
  setStatus(request: { status: "available" } | { status: "paused"; reason: string }): Promise<{ ok: boolean; error?: string }> {
    return this.desk.emitWithAck("operator:set-status", request);
  }

  /** What the desk's hold, keypad and transfer controls send about the current call; resolves with the answer. */
  callRequest(request: DeskCallRequest): Promise<{ ok: boolean; error?: string }> {
    return this.desk.emitWithAck("call:request", request);
  }

  /** Says "available" on the desk and waits until the queue engine agrees. */
  async goAvailable(): Promise<void> {
    await this.setStatus({ status: "available" });
    await this.waitFor(() => this.state?.status === "available", "operator available");
  }

  waitFor(predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      // Media counters change without events: check on every signalling event and every 50 ms.
      const poll = setInterval(() => check(), 50);
      const timer = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      let done = false;
      const check = () => {
        if (done) return;
        if (!predicate()) return void this.waiters.push(check);
        done = true;
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private receive(raw: Buffer): void {
    const parsed = parseMessage(raw, { framing: "datagram" });
    if (!parsed.ok) return;
    const message = parsed.message;
    if (message.type === "response") {
      if (this.dialled && message.headers.get("Call-ID") === this.dialled.callId) return this.dialResponse(message);
      if (message.headers.get("CSeq")?.endsWith("REGISTER")) {
        this.lastRegisterStatus = message.status;
        this.onRegisterResponse(message);
        this.notify();
      }
      return;
    }
    const request = message;
    const reply = (status: number, options: Parameters<typeof createResponse>[2] = {}) =>
      this.ws.send(serializeMessage(createResponse(request, status, options)));
    switch (request.method) {
      case "INVITE": {
        const remote = rtpTarget(request.body.toString());
        // A re-INVITE in the current call's dialog (the call's media moved): answer it and send to the new address.
        if (this.current && /;tag=/.test(request.headers.get("To") ?? "") && request.headers.get("Call-ID") === this.current.invite.headers.get("Call-ID")) {
          this.current.remote = remote;
          this.reInvites += 1;
          return reply(200, {
            headers: [["Contact", `<sip:${this.tag}@${this.tag}.invalid;transport=ws>`], ["Content-Type", "application/sdp"]],
            body: this.answerSdp(request.body.toString()),
          });
        }
        this.offers.push({ callId: request.headers.get("X-Hotline-Call-Id") ?? "", caller: request.headers.get("X-Hotline-Caller"), invite: request, remote });
        this.notify();
        if (this.current) return reply(486);
        const toTag = generateTag();
        if (this.mode === "decline") return reply(603, { toTag });
        reply(180, { toTag });
        if (this.mode === "ignore") return;
        this.current = { invite: request, toTag, remote };
        setTimeout(() => {
          if (this.current?.invite !== request) return;
          reply(200, {
            toTag,
            headers: [["Contact", `<sip:${this.tag}@${this.tag}.invalid;transport=ws>`], ["Content-Type", "application/sdp"]],
            body: this.answerSdp(request.body.toString()),
          });
        }, this.ringMs);
        return;
      }
      case "ACK":
        // The ACK of a re-INVITE finds the microphone already on.
        if (this.current?.invite.headers.get("Call-ID") === request.headers.get("Call-ID") && !this.sender) this.startSending();
        return;
      case "CANCEL":
        reply(200);
        if (this.current?.invite.headers.get("Call-ID") === request.headers.get("Call-ID")) this.current = undefined;
        return;
      case "BYE": {
        reply(200);
        const callId = request.headers.get("Call-ID");
        // The consultation ended: back to the held call. The held call ended (a completed consultation): forgotten.
        if (this.parked && callId === this.current?.invite.headers.get("Call-ID")) {
          this.current = this.parked;
          this.parked = undefined;
          return this.notify();
        }
        if (this.parked && callId === this.parked.invite.headers.get("Call-ID")) {
          this.parked = undefined;
          return this.notify();
        }
        this.endCall();
        return;
      }
      default:
        reply(200);
    }
  }

  /** Answers with the first G.711 codec offered, as a browser picks from the offer. */
  private answerSdp(offer: string): string {
    const port = this.rtp.address().port;
    const payload = /^m=audio \d+ \S+ ([0-9 ]+)/m.exec(offer)?.[1]?.split(" ").find((pt) => pt === "0" || pt === "8") ?? "0";
    this.payloadType = Number(payload);
    return [
      "v=0",
      `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
      "s=-",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      `m=audio ${port} RTP/AVP ${payload} 101`,
      `a=rtpmap:${payload} ${payload === "8" ? "PCMA" : "PCMU"}/8000`,
      "a=rtpmap:101 telephone-event/8000",
      "a=sendrecv",
      "",
    ].join("\r\n");
  }

  /** 20 ms PCMU packets to rtpengine, as a headset microphone would send. */
  private startSending(): void {
    if (!this.current?.remote) return;
    let seq = 0;
    const ssrc = Math.floor(Math.random() * 2 ** 32);
    this.sender = setInterval(() => {
      const packet = Buffer.alloc(12 + 160, VOICE_MARKER);
      // A loud 400 Hz square wave after the 4 marker samples, when asked (a recording test hears this side).
      if (this.speaksTone) {
        const [high, low] = this.payloadType === 8 ? [0xaa, 0x2a] : [0x80, 0x00];
        for (let i = 4; i < 160; i++) packet[12 + i] = Math.floor(i / 10) % 2 === 0 ? high : low;
      }
      packet[0] = 0x80;
      packet[1] = this.payloadType;
      packet.writeUInt16BE(seq++ & 0xffff, 2);
      packet.writeUInt32BE((seq * 160) >>> 0, 4);
      packet.writeUInt32BE(ssrc, 8);
      // Read at each packet: a re-INVITE may have moved the call's media.
      const target = this.current?.remote;
      if (target) this.rtp.send(packet, target.port, target.address);
    }, 20);
  }

  /**
   * Calls `number` out through the trunk, as the desk's dial pad does: an INVITE marked `X-Hotline-Outbound` with a
   * plain-RTP offer (PCMU, PCMA, telephone-event); the 2xx is ACKed and the "microphone" starts.
   */
  dial(number: string, options: { callbackId?: number; consultOf?: string } = {}): DialledCall {
    const callId = `${generateTag()}@test-operator-out`;
    const fromTag = generateTag();
    const port = this.rtp.address().port;
    const sdp = [
      "v=0",
      `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
      "s=-",
      "c=IN IP4 127.0.0.1",
      "t=0 0",
      `m=audio ${port} RTP/AVP 0 8 101`,
      "a=rtpmap:0 PCMU/8000",
      "a=rtpmap:8 PCMA/8000",
      "a=rtpmap:101 telephone-event/8000",
      "a=sendrecv",
      "",
    ].join("\r\n");
    // Escaped as a softphone escapes a typed number (RFC 3261 §25.1: a space is %20).
    const user = encodeURIComponent(number);
    const toHeader = `<sip:${user}@hotline.invalid>`;
    const branch = generateBranch();
    const text = [
      `INVITE sip:${user}@hotline.invalid SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.tag}.invalid;branch=${branch}`,
      `Max-Forwards: 70`,
      `From: <sip:${this.username}@hotline.invalid>;tag=${fromTag}`,
      `To: ${toHeader}`,
      `Call-ID: ${callId}`,
      `CSeq: 1 INVITE`,
      `Contact: <sip:${this.tag}@${this.tag}.invalid;transport=ws>`,
      `X-Hotline-Outbound: 1`,
      ...(options.callbackId === undefined ? [] : [`X-Hotline-Callback: ${options.callbackId}`]),
      // A consultation: a second session while the call holds; its answer takes the "microphone" until it ends.
      ...(options.consultOf === undefined ? [] : [`X-Hotline-Consult: ${options.consultOf}`]),
      `Content-Type: application/sdp`,
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      ``,
      sdp,
    ].join("\r\n");
    this.dialled = { callId, fromTag, statuses: [], final: undefined, reason: undefined, toTag: undefined, target: undefined, invite: text, toHeader };
    this.ws.send(text);
    return this.dialled;
  }

  private dialResponse(response: SipResponse): void {
    const call = this.dialled!;
    const cseq = response.headers.get("CSeq") ?? "";
    if (!cseq.endsWith("INVITE")) return;
    call.statuses.push(response.status);
    if (response.status >= 200 && call.final === undefined) {
      call.final = response.status;
      call.reason = response.reason;
      call.toTag = /;tag=([^;>\s]+)/.exec(response.headers.get("To") ?? "")?.[1];
      call.target = /<([^>]+)>/.exec(response.headers.get("Contact") ?? "")?.[1] ?? "sip:hotline@hotline.invalid";
      const branch = /branch=([^;\s]+)/.exec(call.invite)?.[1] ?? generateBranch();
      // 2xx: a new transaction's ACK to the Contact (RFC 3261 §13.2.2.4); otherwise the INVITE's own (§17.1.1.3).
      const ok = response.status < 300;
      this.ws.send(
        [
          `ACK ${ok ? call.target : `sip:x@hotline.invalid`} SIP/2.0`,
          `Via: SIP/2.0/WSS ${this.tag}.invalid;branch=${ok ? generateBranch() : branch}`,
          `Max-Forwards: 70`,
          `From: <sip:${this.username}@hotline.invalid>;tag=${call.fromTag}`,
          `To: ${response.headers.get("To")}`,
          `Call-ID: ${call.callId}`,
          `CSeq: 1 ACK`,
          `Content-Length: 0`,
          ``,
          ``,
        ].join("\r\n"),
      );
      if (ok) {
        const remote = rtpTarget(response.body.toString());
        this.payloadType = Number(/^m=audio \d+ \S+ (\d+)/m.exec(response.body.toString())?.[1] ?? 0);
        const invite = parseMessage(Buffer.from(call.invite), { framing: "datagram" });
        if (/^X-Hotline-Consult:/m.test(call.invite) && this.current) this.parked = this.current;
        if (invite.ok && invite.message.type === "request") this.current = { invite: invite.message, toTag: call.fromTag, remote };
        if (!this.sender) this.startSending();
      }
    }
    this.notify();
  }

  /** Gives up on the outbound call while it rings (CANCEL, RFC 3261 §9.1). */
  cancelDial(): void {
    const call = this.dialled;
    if (!call || call.final !== undefined) return;
    const via = /^Via: .*$/m.exec(call.invite)?.[0] ?? "";
    this.ws.send(
      [
        `CANCEL sip:x@hotline.invalid SIP/2.0`,
        via,
        `Max-Forwards: 70`,
        `From: <sip:${this.username}@hotline.invalid>;tag=${call.fromTag}`,
        `To: ${call.toHeader}`,
        `Call-ID: ${call.callId}`,
        `CSeq: 1 CANCEL`,
        `Content-Length: 0`,
        ``,
        ``,
      ].join("\r\n"),
    );
  }

  /** Hangs up the answered outbound call with BYE (we are the UAC of that dialog). */
  hangupDialled(): void {
    const call = this.dialled;
    if (!call?.toTag) return;
    this.ws.send(
      [
        `BYE ${call.target} SIP/2.0`,
        `Via: SIP/2.0/WSS ${this.tag}.invalid;branch=${generateBranch()}`,
        `Max-Forwards: 70`,
        `From: <sip:${this.username}@hotline.invalid>;tag=${call.fromTag}`,
        `To: ${call.toHeader};tag=${call.toTag}`,
        `Call-ID: ${call.callId}`,
        `CSeq: 2 BYE`,
        `Content-Length: 0`,
        ``,
        ``,
      ].join("\r\n"),
    );
    this.endCall();
  }

  /** Hangs up the current call with BYE, as the hangup button does. */
  hangup(): void {
    const call = this.current;
    if (!call) return;
    const invite = call.invite;
    const text = [
      `BYE ${/<([^>]+)>/.exec(invite.headers.get("Contact") ?? "")?.[1] ?? "sip:hotline@hotline.invalid"} SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.tag}.invalid;branch=${generateBranch()}`,
      `Max-Forwards: 70`,
      `From: ${invite.headers.get("To")};tag=${call.toTag}`,
      `To: ${invite.headers.get("From")}`,
      `Call-ID: ${invite.headers.get("Call-ID")}`,
      `CSeq: 1 BYE`,
      `Content-Length: 0`,
      ``,
      ``,
    ].join("\r\n");
    this.ws.send(text);
    this.endCall();
  }

  private endCall(): void {
    clearInterval(this.sender);
    this.sender = undefined;
    this.current = undefined;
    this.notify();
  }

  /** Closes the browser: desk and SIP sockets drop without goodbye. */
  crash(): void {
    clearInterval(this.sender);
    this.ws.terminate();
    this.desk.disconnect();
  }

  async stop(): Promise<void> {
    clearInterval(this.sender);
    this.ws?.close();
    this.desk?.disconnect();
    await new Promise<void>((resolve) => this.rtp.close(() => resolve()));
  }
}

/** A G.711 byte the operator's "microphone" sends, recognisable when it comes back. */
const VOICE_MARKER = 0xd5;

function rtpTarget(sdp: string): { address: string; port: number } | undefined {
  const address = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];
  const port = Number(/^m=audio (\d+)/m.exec(sdp)?.[1]);
  return address && port ? { address, port } : undefined;
}

