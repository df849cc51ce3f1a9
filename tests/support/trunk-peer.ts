/**
 * A trunk as a raw UDP peer for media tests, driven step by step by the test (shared by the media-failure and the
 * several-rtpengines tests).
 */
import dgram from "node:dgram";
import { createResponse, generateBranch, generateTag, parseMessage, serializeMessage, type SipRequest, type SipResponse } from "../../server/sip";

/**
 * A trunk as a raw UDP peer: sends an INVITE with a PCMA offer, ACKs the 200, sends 20 ms RTP to the address of the
 * latest SDP it got (the 200, then any re-INVITE, which it answers with `reInviteStatus`), answers Hotline's BYE with
 * 200, and keeps every request and response it received.
 */
export class TrunkPeer {
  readonly sip = dgram.createSocket("udp4");
  readonly rtp = dgram.createSocket("udp4");
  readonly requests: SipRequest[] = [];
  readonly responses: SipResponse[] = [];
  readonly callId = `${generateTag()}@media-peer`;
  private readonly tag = generateTag();
  rtpReceived = 0;
  /** Status for Hotline's re-INVITEs: 200 with our SDP, or a refusal. */
  reInviteStatus = 200;
  private sender: NodeJS.Timeout | undefined;
  private invite: string | undefined;
  private dialog: { toTag: string; target: string } | undefined;

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.sip.bind(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => this.rtp.bind(0, "127.0.0.1", resolve));
    this.rtp.on("message", () => (this.rtpReceived += 1));
    this.sip.on("message", (raw) => {
      const parsed = parseMessage(raw, { framing: "datagram" });
      if (!parsed.ok) return;
      const message = parsed.message;
      if (message.type === "response") {
        this.responses.push(message);
        if (message.status >= 200 && message.headers.get("CSeq")?.endsWith("INVITE")) this.ack(message);
        return;
      }
      this.requests.push(message);
      if (message.method === "BYE") {
        this.stopRtp();
        this.send(serializeMessage(createResponse(message, 200)));
      }
      if (message.method === "INVITE") {
        if (this.reInviteStatus !== 200) {
          this.send(serializeMessage(createResponse(message, this.reInviteStatus)));
          return;
        }
        this.send(serializeMessage(createResponse(message, 200, { headers: [["Contact", `<sip:peer@${this.local}>`], ["Content-Type", "application/sdp"]], body: this.sdp(2) })));
        this.stopRtp();
        this.startRtp(message.body.toString());
      }
    });
  }

  private get local(): string {
    return `127.0.0.1:${this.sip.address().port}`;
  }

  private send(text: string | Buffer): void {
    this.sip.send(text, this.target, "127.0.0.1");
  }

  private sdp(version: number): string {
    return `v=0\r\no=peer 1 ${version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${this.rtp.address().port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;
  }

  /** Sends the INVITE for `number`. */
  call(number: string): void {
    const sdp = this.sdp(1);
    this.invite = [
      `INVITE sip:${number}@127.0.0.1 SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.local};branch=${generateBranch()};rport`,
      `From: "Media Peer" <sip:+15550002222@127.0.0.1>;tag=${this.tag}`,
      `To: <sip:${number}@127.0.0.1>`,
      `Call-ID: ${this.callId}`,
      `CSeq: 1 INVITE`,
      `Contact: <sip:peer@${this.local}>`,
      `Max-Forwards: 70`,
      `Content-Type: application/sdp`,
      `Content-Length: ${sdp.length}`,
      ``,
      sdp,
    ].join("\r\n");
    this.send(this.invite);
  }

  /** The final response to the INVITE, once it came. */
  get final(): SipResponse | undefined {
    return this.responses.find((r) => r.status >= 200 && r.headers.get("CSeq")?.endsWith("INVITE"));
  }

  /** ACK for a final response (§17.1.1.3 for non-2xx, §13.2.2.4 for 2xx), then RTP toward the answer's address. */
  private ack(response: SipResponse): void {
    const to = response.headers.get("To") ?? "";
    const uri = response.status < 300 ? (/<([^>]+)>/.exec(response.headers.get("Contact") ?? "")?.[1] ?? "sip:127.0.0.1") : `sip:127.0.0.1`;
    const via = response.status < 300 ? `SIP/2.0/UDP ${this.local};branch=${generateBranch()};rport` : response.headers.get("Via")!;
    this.send(
      [`ACK ${uri} SIP/2.0`, `Via: ${via}`, `From: ${response.headers.get("From")}`, `To: ${to}`, `Call-ID: ${this.callId}`, `CSeq: ${parseInt(response.headers.get("CSeq") ?? "1", 10)} ACK`, `Max-Forwards: 70`, `Content-Length: 0`, ``, ``].join("\r\n"),
    );
    if (response.status < 300 && !this.dialog) {
      this.dialog = { toTag: /;tag=([^;\s]+)/.exec(to)?.[1] ?? "", target: uri };
      this.startRtp(response.body.toString());
    }
  }

  /** The caller hangs up: BYE in the dialog (RFC 3261 §15.1.1). */
  hangup(): void {
    const dialog = this.dialog!;
    this.stopRtp();
    this.send(
      [
        `BYE ${dialog.target} SIP/2.0`,
        `Via: SIP/2.0/UDP ${this.local};branch=${generateBranch()};rport`,
        `From: "Media Peer" <sip:+15550002222@127.0.0.1>;tag=${this.tag}`,
        `To: ${this.final!.headers.get("To")}`,
        `Call-ID: ${this.callId}`,
        `CSeq: 9 BYE`,
        `Max-Forwards: 70`,
        `Content-Length: 0`,
        ``,
        ``,
      ].join("\r\n"),
    );
  }

  /** A re-INVITE from the trunk with our SDP in `direction` (hold: sendonly; resume: sendrecv), RFC 3264 §8.4. */
  reInvite(direction: "sendonly" | "sendrecv", cseq: number): void {
    const dialog = this.dialog!;
    const sdp = this.sdp(cseq).replace("a=sendrecv", `a=${direction}`);
    this.send(
      [
        `INVITE ${dialog.target} SIP/2.0`,
        `Via: SIP/2.0/UDP ${this.local};branch=${generateBranch()};rport`,
        `From: "Media Peer" <sip:+15550002222@127.0.0.1>;tag=${this.tag}`,
        `To: ${this.final!.headers.get("To")}`,
        `Call-ID: ${this.callId}`,
        `CSeq: ${cseq} INVITE`,
        `Contact: <sip:peer@${this.local}>`,
        `Max-Forwards: 70`,
        `Content-Type: application/sdp`,
        `Content-Length: ${sdp.length}`,
        ``,
        sdp,
      ].join("\r\n"),
    );
  }

  /** Starts sending RTP again to the answer's address (after a resume). */
  resumeRtp(): void {
    this.startRtp(this.final!.body.toString());
  }

  get reInvites(): SipRequest[] {
    return this.requests.filter((r) => r.method === "INVITE");
  }

  private startRtp(answer: string): void {
    const address = /^c=IN IP4 (\S+)/m.exec(answer)?.[1] ?? "127.0.0.1";
    const port = Number(/^m=audio (\d+)/m.exec(answer)?.[1]);
    let seq = 0;
    this.sender = setInterval(() => {
      const packet = Buffer.alloc(12 + 160, 0xd5);
      packet[0] = 0x80;
      packet[1] = 8;
      packet.writeUInt16BE(seq++ & 0xffff, 2);
      packet.writeUInt32BE((seq * 160) >>> 0, 4);
      packet.writeUInt32BE(0x7e57, 8);
      this.rtp.send(packet, port, address);
    }, 20);
  }

  /** The trunk goes silent (a carrier gone without BYE). */
  stopRtp(): void {
    clearInterval(this.sender);
    this.sender = undefined;
  }

  get byes(): SipRequest[] {
    return this.requests.filter((r) => r.method === "BYE");
  }

  async stop(): Promise<void> {
    this.stopRtp();
    await new Promise<void>((resolve) => this.sip.close(() => resolve()));
    await new Promise<void>((resolve) => this.rtp.close(() => resolve()));
  }
}
