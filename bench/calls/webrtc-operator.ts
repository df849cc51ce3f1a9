/**
 * A load-generator operator whose softphone negotiates what Chromium negotiates: it logs in on the desk socket,
 * registers over the SIP WebSocket (like SIP.js), and answers each INVITE with a werift RTCPeerConnection: ICE
 * (host candidate on 127.0.0.1, rtpengine's own host candidate on the other side), DTLS-SRTP (werift answers
 * `setup:active` to rtpengine's `actpass`, as Chromium does), rtcp-mux, Opus and PCMU supported. rtpengine therefore
 * does the SRTP encryption and decryption it does in production.
 *
 * Audio: while a call is up the operator sends a 20 ms frame every 20 ms (160 bytes of {@link VOICE_MARKER} for
 * G.711; a constant Opus frame if Opus was negotiated) and counts what comes back, at its socket: SRTP leaves the RTP
 * header in the clear (RFC 3711 §3.1), so each packet's SSRC and sequence number are read there, before decryption.
 * Counted: packets arrived, the sequence numbers' gaps (RFC 3550 §A.3: expected = highest - first + 1 per SSRC),
 * the packets carrying its own SSRC (its voice echoed by SIPp's `-rtp_echo` at the trunk end: rtpengine forwards
 * without touching the SSRC), and apart, the packets that decrypted and authenticated (werift's SRTP receiver, at
 * its RTP router's entry).
 *
 * werift quirks met with rtpengine 10.5 (measured): `a=rtcp:<port>` without an address throws in
 * setRemoteDescription ({@link withRtcpAddress}); streams without a=ssrc and without the mid header extension are
 * dropped by its RTP router (counted at the transports instead); loopback is not gathered unless added; as the DTLS
 * client (`a=setup:active`, Chromium's choice) werift keeps retransmitting its flight 5 in 2 to 6 legs of 10, even on
 * an idle machine, although rtpengine logged "Peer certificate accepted" and "DTLS-SRTP successfully negotiated":
 * werift missed rtpengine's last flight and the leg stays ICE connected / DTLS connecting with no audio. As the DTLS
 * server ({@link DTLS_ROLE}, the default) every leg connects (20 of 20, twice). Every packet that arrives decrypts
 * (100 % at 100 calls); the transceiver's own `dtlsTransport.onRtp` never fires, so the count is taken where the
 * peer connection hands decrypted packets to its router.
 */
import { io, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type RTCRtpTransceiver } from "werift";
import { createResponse, generateBranch, generateTag, parseMessage, serializeMessage, type SipRequest } from "../../server/sip";
import type { OperatorStateView } from "../../server/realtime/events";
import { SESSION_COOKIE } from "../../server/auth/session-cookie";
import { connectBucket } from "./media-connect";
import { RtpSequence } from "./rtp-sequence";

/**
 * The DTLS role the operators answer: `passive` by default (rtpengine, offering `actpass`, becomes the DTLS client);
 * BENCH_DTLS_ROLE=active answers `a=setup:active` as Chromium does, where werift loses its handshake on some legs
 * (see the module comment). rtpengine's SRTP work per packet is the same either way.
 */
export const DTLS_ROLE: "active" | "passive" = process.env.BENCH_DTLS_ROLE === "active" ? "active" : "passive";
const DTLS_PASSIVE = DTLS_ROLE === "passive";

/** A G.711 byte the operator's "microphone" sends, recognisable when it comes back. */
export const VOICE_MARKER = 0xd5;
/** An Opus frame (TOC 0xF8: CELT fullband 20 ms, one frame) followed by marker bytes; rtpengine only forwards it. */
const OPUS_FRAME = Buffer.from([0xf8, 0xff, 0xfe, ...new Array<number>(37).fill(VOICE_MARKER)]);

/** One timer for every call's microphone in this process (hundreds of 20 ms timers would cost more than the media). */
interface Microphone {
  tick(now: number): void;
}
const microphones = new Set<Microphone>();
let microphoneTicker: NodeJS.Timeout | undefined;

/** The codecs a Chromium answer can pick from, in Chromium's order of preference. */
function browserCodecs(): RTCRtpCodecParameters[] {
  return [
    new RTCRtpCodecParameters({ mimeType: "audio/opus", clockRate: 48000, channels: 2, parameters: "minptime=10;useinbandfec=1" }),
    new RTCRtpCodecParameters({ mimeType: "audio/PCMU", clockRate: 8000, channels: 1 }),
  ];
}

/** Media counters of one operator, cumulative over its calls. */
export interface MediaCounters {
  rtpSent: number;
  /** RTP packets that reached the operator's socket (SRTP, counted from their clear headers). */
  rtpReceived: number;
  /** Of those, the packets werift's SRTP receiver decrypted and authenticated. */
  rtpDecrypted: number;
  /** Packets that came back carrying the operator's own SSRC (SIPp echoed them). */
  echoedBack: number;
  /** Packets expected from the RTP sequence numbers of each stream received (RFC 3550 §A.3). */
  rtpExpected: number;
  /** Calls whose peer connection reached "connected" (ICE + DTLS done). */
  connected: number;
  /** Calls whose peer connection failed. */
  failed: number;
  /**
   * Media set-up time of the connected calls, from the 200 OK sent to the peer connection "connected" (ICE + DTLS),
   * counted by upper bound in ms (see media-connect.ts).
   */
  connectMs: Record<string, number>;
  /** Per answered call: the codec, the DTLS role taken, and (once connected) the SRTP profile DTLS agreed. */
  codecs: Record<string, number>;
  dtlsRoles: Record<string, number>;
  srtpProfiles: Record<string, number>;
}

/** Adds one to `counts[key]` (an undefined key counts as "none"). */
function bump(counts: Record<string, number>, key: string | undefined): void {
  const k = key ?? "none";
  counts[k] = (counts[k] ?? 0) + 1;
}


interface CurrentCall {
  invite: SipRequest;
  toTag: string;
  pc: RTCPeerConnection;
  track: MediaStreamTrack;
  /** Per incoming SSRC: the packets its sequence numbers say were sent. */
  streams: Map<number, RtpSequence>;
  sender?: Microphone;
  hangupTimer?: NodeJS.Timeout;
  /** performance.now() when the 200 OK left. */
  answeredAt?: number;
}

export class WebRtcOperator {
  private ws!: WebSocket;
  private desk!: Socket;
  state: OperatorStateView | undefined;
  current: CurrentCall | undefined;
  /** INVITEs received (new calls, not re-INVITEs). */
  offers = 0;
  /** Codec name of the last answered call (e.g. "PCMU"). */
  codec: string | undefined;
  readonly media: MediaCounters = { rtpSent: 0, rtpReceived: 0, rtpDecrypted: 0, echoedBack: 0, rtpExpected: 0, connected: 0, failed: 0, connectMs: {}, codecs: {}, dtlsRoles: {}, srtpProfiles: {} };
  private cseq = 1;
  private readonly callId = `${generateTag()}@bench-operator`;
  private readonly tag = generateTag();
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly baseUrl: string,
    readonly username: string,
    private readonly token: string,
    private readonly options: { talkMs?: number; onHangup?: () => void } = {},
  ) {}

  async start(): Promise<void> {
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
    });
    const registered = new Promise<void>((resolve, reject) => {
      this.onRegistered = (status) => (status === 200 ? resolve() : reject(new Error(`REGISTER ${status}`)));
    });
    this.ws.on("message", (data) => this.receive(Buffer.from(data as Buffer)));
    this.register();
    await registered;
  }

  private onRegistered: (status: number, expiresS?: number) => void = () => {};
  private refresh: NodeJS.Timeout | undefined;

  /**
   * Sends REGISTER on the same Call-ID with the next CSeq (RFC 3261 §10.2.4), and once it succeeds refreshes it at 90 %
   * of the granted expiry, as SIP.js's Registerer does: without it the binding lapses after 600 s and the operator is
   * no longer reachable (a 30-minute soak found it: two thirds of its calls abandoned).
   */
  private register(): void {
    const first = this.onRegistered;
    this.onRegistered = (status, expiresS) => {
      first(status, expiresS);
      this.onRegistered = () => {};
      if (status === 200 && this.ws.readyState === WebSocket.OPEN) this.refresh = setTimeout(() => this.register(), (expiresS ?? 600) * 900);
    };
    this.ws.send(
      [
        `REGISTER sip:hotline.invalid SIP/2.0`,
        `Via: SIP/2.0/WSS ${this.tag}.invalid;branch=${generateBranch()}`,
        `Max-Forwards: 70`,
        `From: <sip:${this.username}@hotline.invalid>;tag=${this.tag}`,
        `To: <sip:${this.username}@hotline.invalid>`,
        `Call-ID: ${this.callId}`,
        `CSeq: ${this.cseq++} REGISTER`,
        `Contact: <sip:${this.tag}@${this.tag}.invalid;transport=ws>;expires=600`,
        `Expires: 600`,
        `Content-Length: 0`,
        ``,
        ``,
      ].join("\r\n"),
    );
  }

  async goAvailable(): Promise<void> {
    await this.desk.emitWithAck("operator:set-status", { status: "available" });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.username}: not available within 15 s`)), 15_000);
      const check = () => {
        if (this.state?.status !== "available") return void this.waiters.push(check);
        clearTimeout(timer);
        resolve();
      };
      check();
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
      if (message.headers.get("CSeq")?.endsWith("REGISTER")) {
        // The granted expiry: the Contact's expires parameter, else the Expires header (RFC 3261 §10.2.4).
        const granted = /;expires=(\d+)/i.exec(message.headers.get("Contact") ?? "")?.[1] ?? message.headers.get("Expires");
        this.onRegistered(message.status, granted ? Number(granted) : undefined);
      }
      return;
    }
    const request = message;
    const reply = (status: number, options: Parameters<typeof createResponse>[2] = {}) =>
      this.ws.send(serializeMessage(createResponse(request, status, options)));
    const sameCall = this.current?.invite.headers.get("Call-ID") === request.headers.get("Call-ID");
    switch (request.method) {
      case "INVITE": {
        if (this.current && sameCall && /;tag=/.test(request.headers.get("To") ?? "")) {
          // A re-INVITE: keep the peer connection, answer with its current description.
          return reply(200, { headers: this.contact(), body: this.current.pc.localDescription?.sdp ?? "" });
        }
        this.offers += 1;
        if (this.current) return reply(486);
        const toTag = generateTag();
        reply(180, { toTag });
        void this.answer(request, toTag).then(
          (sdp) => {
            if (this.current?.invite !== request) return;
            this.current.answeredAt = performance.now();
            reply(200, { toTag, headers: this.contact(), body: sdp });
          },
          (error: unknown) => {
            if (process.env.BENCH_DEBUG) console.error(`${this.username}: answer failed`, error, request.body.toString());
            this.media.failed += 1;
            this.endCall();
            reply(488, { toTag });
          },
        );
        return;
      }
      case "ACK":
        if (sameCall && this.current && !this.current.sender) {
          const call = this.current;
          this.startSending(call);
          if (this.options.talkMs) call.hangupTimer = setTimeout(() => this.hangup(call), this.options.talkMs);
        }
        return;
      case "CANCEL":
        reply(200);
        if (sameCall) this.endCall();
        return;
      case "BYE":
        reply(200);
        if (sameCall) this.endCall();
        return;
      default:
        reply(200);
    }
  }

  private contact(): Array<[string, string]> {
    return [
      ["Contact", `<sip:${this.tag}@${this.tag}.invalid;transport=ws>`],
      ["Content-Type", "application/sdp"],
    ];
  }

  /** Answers the WebRTC offer as Chromium would and resolves with the answer SDP once ICE gathering completes. */
  private async answer(invite: SipRequest, toTag: string): Promise<string> {
    const pc = new RTCPeerConnection({
      codecs: { audio: browserCodecs(), video: [] },
      // No STUN server (werift defaults to a public one); rtpengine is on loopback, which werift skips unless added.
      iceServers: [],
      iceAdditionalHostAddresses: ["127.0.0.1"],
      iceFilterCandidatePair: (pair) => pair.localCandidate.host === "127.0.0.1",
    });
    const track = new MediaStreamTrack({ kind: "audio" });
    const call: CurrentCall = { invite, toTag, pc, track, streams: new Map() };
    this.current = call;
    pc.connectionStateChange.subscribe((state) => {
      if (state === "connected") {
        this.media.connected += 1;
        bump(this.media.connectMs, connectBucket(performance.now() - (call.answeredAt ?? performance.now())));
        // The SRTP protection profile DTLS agreed (RFC 5764 §4.1.2).
        const profile = pc.getTransceivers()[0]?.dtlsTransport.dtls?.srtp.srtpProfile;
        bump(this.media.srtpProfiles, profile === 1 ? "AES_CM_128_HMAC_SHA1_80" : profile === 7 ? "AEAD_AES_128_GCM" : String(profile));
      }
      if (state === "failed") this.media.failed += 1;
    });
    await pc.setRemoteDescription({ type: "offer", sdp: withRtcpAddress(invite.body.toString()) });
    const transceiver: RTCRtpTransceiver | undefined = pc.getTransceivers()[0];
    if (!transceiver) throw new Error("offer without audio");
    transceiver.setDirection("sendrecv");
    await transceiver.sender.replaceTrack(track);
    // rtpengine's offer has no a=ssrc and its packets no mid header extension: werift's router drops such
    // "unsignaled" streams (Chromium plays them on the only audio m-line), so count what arrives at the socket, and
    // what decrypts where the router receives it.
    transceiver.dtlsTransport.iceTransport.connection.onData.subscribe((data) => this.arrived(call, transceiver.sender.ssrc, data));
    // werift hands every decrypted packet to its RTP router, which looks for a receiver by SSRC, by rid and by mid, and
    // finds none for these unsignaled streams: 26 % of the generator's CPU at 100 calls (V8 profile, BENCH_FLEET_PROF).
    // Nothing here plays the audio, so the router's RTP entry point only counts; RTCP still goes through it.
    (pc as unknown as { router: { routeRtp: (rtp: RtpPacket) => void } }).router.routeRtp = (rtp) => this.decrypted(transceiver.sender.ssrc, rtp);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(DTLS_PASSIVE ? { type: "answer", sdp: answer.sdp.replace(/^a=setup:active/gm, "a=setup:passive") } : answer);
    if (pc.iceGatheringState !== "complete") {
      await new Promise<void>((resolve) => {
        const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
          if (state !== "complete") return;
          unSubscribe();
          resolve();
        });
      });
    }
    const sdp = pc.localDescription?.sdp ?? "";
    this.codec = /^a=rtpmap:\d+ ([^/]+)/m.exec(sdp)?.[1];
    bump(this.media.codecs, this.codec);
    // The DTLS role taken in the answer (`active` or `passive`).
    bump(this.media.dtlsRoles, /^a=setup:(\S+)/m.exec(sdp)?.[1]);
    return sdp;
  }

  /**
   * A packet werift decrypted. Its own voice under another SSRC (rtpengine re-encodes, e.g. with `inject-DTMF`) is
   * recognised by the marker bytes; under its own SSRC it was counted at the socket.
   */
  private decrypted(ownSsrc: number, rtp: RtpPacket): void {
    this.media.rtpDecrypted += 1;
    const payload = rtp.payload;
    const marked = payload.length > 8 && payload[payload.length - 1] === VOICE_MARKER && payload[payload.length - 4] === VOICE_MARKER;
    if (marked && rtp.header.ssrc !== ownSsrc) this.media.echoedBack += 1;
  }

  /** A datagram at the operator's socket: an (S)RTP packet is counted from its clear header (RFC 3550 §5.1). */
  private arrived(call: CurrentCall, ownSsrc: number, data: Buffer): void {
    // RTP version 2, and not RTCP (multiplexed: payload types 64-95 with the marker bit, RFC 5761 §4).
    if (data.length < 12 || data[0]! >> 6 !== 2 || (data[1]! >= 192 && data[1]! <= 223)) return;
    this.media.rtpReceived += 1;
    const ssrc = data.readUInt32BE(8);
    if (ssrc === ownSsrc) this.media.echoedBack += 1;
    const seq = data.readUInt16BE(2);
    const stream = call.streams.get(ssrc);
    if (stream) stream.add(seq);
    else call.streams.set(ssrc, new RtpSequence(seq));
  }

  private startSending(call: CurrentCall): void {
    const opus = this.codec?.toLowerCase() === "opus";
    let seq = Math.floor(Math.random() * 0xffff);
    let timestamp = Math.floor(Math.random() * 2 ** 31);
    const payload = opus ? OPUS_FRAME : Buffer.alloc(160, VOICE_MARKER);
    const started = performance.now();
    let frames = 0;
    call.sender = {
      tick: (now) => {
        if (call.pc.connectionState !== "connected") return void (frames = Math.floor((now - started) / 20));
        // A microphone makes 50 frames a second whatever the timer's lateness: catch up (at most 10 at once).
        const due = Math.min(10, Math.floor((now - started) / 20) - frames);
        for (let i = 0; i < due; i++) {
          frames += 1;
          seq = (seq + 1) & 0xffff;
          timestamp = (timestamp + (opus ? 960 : 160)) >>> 0;
          call.track.writeRtp(new RtpPacket(new RtpHeader({ sequenceNumber: seq, timestamp, payloadType: 0, marker: false }), payload));
          this.media.rtpSent += 1;
        }
        if (due === 10) frames = Math.floor((now - started) / 20);
      },
    };
    microphones.add(call.sender);
    microphoneTicker ??= setInterval(() => {
      const now = performance.now();
      for (const microphone of microphones) microphone.tick(now);
    }, 20);
  }

  /** Hangs up with BYE, as the desk's hangup button does. */
  private hangup(call: CurrentCall): void {
    if (this.current !== call) return;
    const invite = call.invite;
    this.ws.send(
      [
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
      ].join("\r\n"),
    );
    this.options.onHangup?.();
    this.endCall();
  }

  private endCall(): void {
    const call = this.current;
    if (!call) return;
    this.current = undefined;
    if (call.sender) microphones.delete(call.sender);
    if (microphones.size === 0) {
      clearInterval(microphoneTicker);
      microphoneTicker = undefined;
    }
    clearTimeout(call.hangupTimer);
    for (const s of call.streams.values()) this.media.rtpExpected += s.expected;
    void call.pc.close().catch(() => {});
    this.notify();
  }

  /** Expected packets of the call in progress (to compute loss while it is up). */
  currentExpected(): number {
    let n = 0;
    for (const s of this.current?.streams.values() ?? []) n += s.expected;
    return n;
  }

  async stop(): Promise<void> {
    clearTimeout(this.refresh);
    this.endCall();
    this.ws?.close();
    this.desk?.disconnect();
  }
}

/**
 * werift 0.25 throws on `a=rtcp:<port>` without the address part, which RFC 3605 §2.1 allows and rtpengine sends
 * (Chromium accepts it): add the c= address, as the RFC says the port alone means.
 */
export function withRtcpAddress(sdp: string): string {
  const address = /^c=(IN IP[46] \S+)/m.exec(sdp)?.[1];
  return address ? sdp.replace(/^a=rtcp:(\d+)\s*$/gm, `a=rtcp:$1 ${address}`) : sdp;
}
