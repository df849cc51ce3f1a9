/**
 * Listening to a call through a REAL rtpengine 10.5 (server/media/call-monitoring.ts): with a caller and an operator
 * exchanging plain RTP, a subscription for both parties delivers each one's packets to the supervisor's two ports,
 * while what the supervisor sends reaches neither party; after `unsubscribe` nothing more arrives. Also pins what
 * 10.5 lacks for whisper and barge (`connect` is unknown).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerListen, requestListen, stopListen, subscriptionSdp } from "../../../server/media/call-monitoring.js";
import { browserLegOptions } from "../../../server/media/leg-profiles.js";
import { NgError } from "../../../server/media/ng-client.js";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor.js";
import { summarizeSdp } from "../../../server/media/sdp.js";
import { bindUdp, freePort, testRtpPort } from "../../support/net";

const RTP_MIN = testRtpPort(22700);
const RTP_MAX = RTP_MIN + 99;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free UDP port outside our RTP range (ephemeral ports overlap it). */
const plainSdp = (port: number, direction = "sendrecv") =>
  `v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=${direction}\r\n`;
/** A 20 ms PCMU frame whose payload bytes are all `voice`: who spoke survives rtpengine's SSRC rewriting. */
const frame = (seq: number, ssrc: number, voice: number) => {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(seq * 160, 4);
  header.writeUInt32BE(ssrc, 8);
  return Buffer.concat([header, Buffer.alloc(160, voice)]);
};
const CALLER = 0x22;
const OPERATOR = 0x33;
const SUPERVISOR = 0x44;
const voiceOf = (packet: Buffer) => (packet.length > 12 ? packet[12] : undefined);

let supervisor: RtpengineSupervisor;
beforeAll(async () => {
  supervisor = new RtpengineSupervisor({ interfaceAddress: "127.0.0.1", ngPort: await freePort(), portMin: RTP_MIN, portMax: RTP_MAX, healthIntervalMs: 500, backoff: { initialMs: 100 } });
  await supervisor.start();
});
afterAll(() => supervisor?.stop());

describe("listening through rtpengine 10.5", () => {
  it("gives the supervisor both parties' audio on two m= lines and forwards nothing the supervisor sends", async () => {
    const ng = supervisor.client;
    const [caller, operator, earCaller, earOperator] = await Promise.all([bindUdp(), bindUdp(), bindUdp(), bindUdp()]);
    const got = { caller: [] as Buffer[], operator: [] as Buffer[], earCaller: [] as Buffer[], earOperator: [] as Buffer[] };
    caller.on("message", (m) => got.caller.push(m));
    operator.on("message", (m) => got.operator.push(m));
    earCaller.on("message", (m) => got.earCaller.push(m));
    earOperator.on("message", (m) => got.earOperator.push(m));
    const callId = "listen-1";
    try {
      const offer = await ng.offer({ callId, fromTag: "trunk", sdp: plainSdp(caller.address().port) });
      const answer = await ng.answer({ callId, fromTag: "trunk", toTag: "op", sdp: plainSdp(operator.address().port) });
      // rtpengine's offer goes to the operator: its port is where the operator sends; the answer's, the caller.
      const towardCaller = summarizeSdp(offer.sdp).media[0]!.port;
      const towardOperator = summarizeSdp(answer.sdp).media[0]!.port;
      const target = { callId, partyTags: ["trunk", "op"], subscriberTag: "sup-1" };
      const listenOffer = await requestListen(ng, target);
      const lines = summarizeSdp(listenOffer).media;
      expect(lines).toHaveLength(2);
      expect(listenOffer.match(/a=sendonly/g)).toHaveLength(2);
      // The supervisor's endpoint answers recvonly, one port per party, in the offer's order (caller, operator).
      const supAnswer = `v=0\r\no=s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${[earCaller, earOperator]
        .map((s) => `m=audio ${s.address().port} RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:0 PCMU/8000\r\na=recvonly\r\n`)
        .join("")}`;
      await answerListen(ng, target, supAnswer);

      let seq = 1;
      const talk = setInterval(() => {
        caller.send(frame(seq, 0xca11e4, CALLER), towardOperator, "127.0.0.1");
        operator.send(frame(seq, 0x0bea70, OPERATOR), towardCaller, "127.0.0.1");
        // The supervisor talks into both of its streams: nobody may hear it.
        earCaller.send(frame(seq, 0x5b9e4, SUPERVISOR), lines[0]!.port, "127.0.0.1");
        earOperator.send(frame(seq, 0x5b9e4, SUPERVISOR), lines[1]!.port, "127.0.0.1");
        seq += 1;
      }, 20);
      try {
        await sleep(1500);
      } finally {
        clearInterval(talk);
      }
      // The call itself still works both ways.
      expect(got.operator.filter((p) => voiceOf(p) === CALLER).length).toBeGreaterThan(30);
      expect(got.caller.filter((p) => voiceOf(p) === OPERATOR).length).toBeGreaterThan(30);
      // The supervisor hears each party on its own stream.
      expect(got.earCaller.filter((p) => voiceOf(p) === CALLER).length).toBeGreaterThan(30);
      expect(got.earOperator.filter((p) => voiceOf(p) === OPERATOR).length).toBeGreaterThan(30);
      // Neither party hears the supervisor.
      expect([...got.caller, ...got.operator].filter((p) => voiceOf(p) === SUPERVISOR)).toHaveLength(0);

      await stopListen(ng, target);
      await sleep(100);
      const after = got.earCaller.length + got.earOperator.length;
      const more = setInterval(() => caller.send(frame(seq++, 0xca11e4, CALLER), towardOperator, "127.0.0.1"), 20);
      await sleep(500);
      clearInterval(more);
      expect(got.earCaller.length + got.earOperator.length).toBe(after);
    } finally {
      for (const s of [caller, operator, earCaller, earOperator]) s.close();
      await ng.delete({ callId }).catch(() => {});
    }
  });

  it("offers a browser one distinct mid per stream, and has no `connect` to join calls", async () => {
    const ng = supervisor.client;
    const callId = "listen-2";
    try {
      await ng.offer({ callId, fromTag: "trunk", sdp: plainSdp(40000) });
      await ng.answer({ callId, fromTag: "trunk", toTag: "op", sdp: plainSdp(40002) });
      const offer = await requestListen(ng, { callId, partyTags: ["trunk", "op"], subscriberTag: "sup-web" }, browserLegOptions("offer"));
      expect(offer.match(/a=mid:\S+/g)).toEqual(["a=mid:0", "a=mid:1"]);
      expect(offer).toContain("UDP/TLS/RTP/SAVPF");
      const err = await ng.request("connect", { "call-id": callId, "from-tag": "trunk", "to-tag": "op" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NgError);
      expect((err as NgError).reason).toMatch(/Unrecognized command/);
    } finally {
      await ng.delete({ callId }).catch(() => {});
    }
  });

  it("renumbers duplicate mids and leaves SDP without mids alone", () => {
    expect(subscriptionSdp("v=0\r\nm=audio 1 X 0\r\na=mid:1\r\nm=audio 2 X 0\r\na=mid:1\r\n")).toBe("v=0\r\nm=audio 1 X 0\r\na=mid:0\r\nm=audio 2 X 0\r\na=mid:1\r\n");
    expect(subscriptionSdp(plainSdp(5))).toBe(plainSdp(5));
  });
});
