import dgram from "node:dgram";

/**
 * The media end of a test trunk: SIPp signals, this socket carries the RTP. It answers wherever
 * rtpengine sends from (symmetric RTP) with a 400 Hz A-law tone in 20 ms packets, and counts what
 * arrives, so a test can tell the caller's audio was sent and the operator's audio came back.
 */
export class TrunkMedia {
  private readonly socket = dgram.createSocket("udp4");
  private peer: { address: string; port: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  received = 0;
  sent = 0;
  /** Payload bytes seen in received packets: a live microphone changes them, a silent stream does not. */
  readonly distinctPayloads = new Set<string>();
  /** Packets received per SSRC since the last reset: one SSRC per stream rtpengine forwards to the trunk. */
  readonly ssrcs = new Map<number, number>();

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
    this.socket.on("message", (packet, from) => {
      this.received += 1;
      if (this.distinctPayloads.size < 1000) this.distinctPayloads.add(packet.subarray(12, 28).toString("hex"));
      if (packet.length >= 12) this.ssrcs.set(packet.readUInt32BE(8), (this.ssrcs.get(packet.readUInt32BE(8)) ?? 0) + 1);
      if (!this.peer) {
        this.peer = { address: from.address, port: from.port };
        this.startSending();
      }
    });
    return this.socket.address().port;
  }

  /** Starts counting afresh (e.g. after the answer, when hold music has stopped). */
  reset(): void {
    this.received = 0;
    this.distinctPayloads.clear();
    this.ssrcs.clear();
  }

  private startSending(): void {
    let seq = 0;
    const tone = toneFrame();
    this.timer = setInterval(() => {
      const packet = Buffer.concat([Buffer.alloc(12), tone]);
      packet[0] = 0x80;
      packet[1] = 8; // PCMA
      packet.writeUInt16BE(seq & 0xffff, 2);
      packet.writeUInt32BE((seq * 160) >>> 0, 4);
      packet.writeUInt32BE(0x5eed, 8);
      seq += 1;
      this.sent += 1;
      this.socket.send(packet, this.peer!.port, this.peer!.address);
    }, 20);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

/** G.711 A-law encoding of one 16-bit sample (ITU-T G.711). */
/** One 20 ms packet of the 400 Hz tone (A-law): every packet carries the same payload. */
function toneFrame(): Buffer {
  const tone = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) tone[i] = alaw(Math.round(8000 * Math.sin((2 * Math.PI * 400 * i) / 8000)));
  return tone;
}

/** The tone's payload as {@link TrunkMedia.distinctPayloads} records it: an echo of the caller is recognised by it. */
export const TRUNK_TONE_PAYLOAD = toneFrame().subarray(0, 16).toString("hex");

function alaw(sample: number): number {
  const sign = sample >= 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635);
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = exponent === 0 ? (magnitude >> 4) & 0x0f : (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = (exponent << 4) | mantissa;
  return (sign | magnitude) ^ 0x55;
}
