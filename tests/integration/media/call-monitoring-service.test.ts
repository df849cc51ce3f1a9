/**
 * The board's listen and whisper (server/monitoring/call-monitoring-service.ts) against a REAL rtpengine 10.5, with
 * plain-RTP peers standing for the caller, the operator, the supervisor's browser and the operator's whisper
 * connection (the WebRTC profile is the loopback check's, proven by the e2e; here what counts is who hears whom):
 * listen gives the supervisor both parties and forwards nothing of theirs; whisper makes the supervisor's published
 * microphone reach the operator's second connection and never the caller; stop and the call's end stop the copies;
 * the operator is told (listening hidden by policy when asked); every session is logged with its from/to.
 */
import type dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewCallEvent } from "../../../db/queries/calls";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor.js";
import { summarizeSdp } from "../../../server/media/sdp.js";
import { CallMonitoring, MAX_MONITORS_PER_CALL, MonitorError, type OperatorMonitorView, type TakeOverMedia } from "../../../server/monitoring/call-monitoring-service.js";
import { bindUdp, freePort, testRtpPort } from "../../support/net";

const RTP_MIN = testRtpPort(22800);
const RTP_MAX = RTP_MIN + 99;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const plainSdp = (port: number, direction = "sendrecv") =>
  `v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=${direction}\r\n`;
const answerFor = (ports: number[], direction: string) =>
  `v=0\r\no=s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${ports.map((p) => `m=audio ${p} RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\na=rtpmap:0 PCMU/8000\r\na=${direction}\r\n`).join("")}`;
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
const heard = (packets: Buffer[], voice: number) => packets.filter((p) => voiceOf(p) === voice).length;

let rtpengine: RtpengineSupervisor;
beforeAll(async () => {
  rtpengine = new RtpengineSupervisor({ interfaceAddress: "127.0.0.1", ngPort: await freePort(), portMin: RTP_MIN, portMax: RTP_MAX, healthIntervalMs: 500, backoff: { initialMs: 100 } });
  await rtpengine.start();
});
afterAll(() => rtpengine?.stop());

/** A bridged call in rtpengine (trunk tag "trunk", operator tag "op") with its two parties' sockets. */
async function bridgedCall(callId: string) {
  const ng = rtpengine.client;
  const [caller, operator] = await Promise.all([bindUdp(), bindUdp()]);
  const offer = await ng.offer({ callId, fromTag: "trunk", sdp: plainSdp(caller.address().port) });
  const answer = await ng.answer({ callId, fromTag: "trunk", toTag: "op", sdp: plainSdp(operator.address().port) });
  return { caller, operator, towardCaller: summarizeSdp(offer.sdp).media[0]!.port, towardOperator: summarizeSdp(answer.sdp).media[0]!.port };
}

function collect(sockets: Record<string, dgram.Socket>) {
  const got: Record<string, Buffer[]> = {};
  for (const [name, socket] of Object.entries(sockets)) {
    got[name] = [];
    socket.on("message", (m) => got[name]!.push(m));
  }
  return got;
}

function harness(options: { showListening?: boolean; operatorEar?: dgram.Socket; takeOver?: TakeOverMedia } = {}) {
  const told: Array<OperatorMonitorView | undefined> = [];
  const ended: string[] = [];
  const log: NewCallEvent[] = [];
  const calls = new Map<string, { operatorTag: string }>();
  const monitoring = new CallMonitoring({
    findCall: (callId) => (calls.has(callId) ? { ng: rtpengine.client, trunkTag: "trunk", operatorTag: "op", operatorId: 7, queueId: null, takeOver: options.takeOver } : undefined),
    browserProfile: {},
    finishSdp: (sdp) => sdp,
    askOperator: async (_operatorId, offer) => {
      expect(offer).toContain("a=sendonly");
      if (!options.operatorEar) throw new Error("no desk");
      return answerFor([options.operatorEar.address().port], "recvonly");
    },
    tellOperator: (_id, view) => told.push(view),
    tellSupervisor: (_id, _callId, reason) => ended.push(reason),
    supervisorName: () => "Sam",
    log: (event) => log.push(event),
    now: () => Date.now(),
    showListening: options.showListening,
  });
  return { monitoring, told, ended, log, calls };
}

describe("listen and whisper from the board through rtpengine 10.5", () => {
  it("listen: the supervisor hears both parties, nobody hears the supervisor, stop ends the copies; logged and shown", async () => {
    const callId = "monitor-listen";
    const call = await bridgedCall(callId);
    const ear = await bindUdp();
    const { monitoring, told, log, calls } = harness();
    calls.set(callId, { operatorTag: "op" });
    const got = collect({ caller: call.caller, operator: call.operator, ear });
    try {
      await expect(monitoring.start(1, "unknown", "listen")).rejects.toBeInstanceOf(MonitorError);
      const offers = await monitoring.start(1, callId, "listen");
      // One offer per party, one m= line each.
      expect(offers.map((o) => summarizeSdp(o).media.length)).toEqual([1, 1]);
      const lines = offers.map((o) => summarizeSdp(o).media[0]!);
      // One socket for both streams is enough to count who is heard (the payload says who spoke).
      await monitoring.answer(1, [answerFor([ear.address().port], "recvonly"), answerFor([ear.address().port], "recvonly")]);
      expect(monitoring.of(1)).toMatchObject({ callId, mode: "listen", stage: "listening" });
      expect(told.at(-1)).toEqual({ mode: "listen", supervisorName: "Sam" });
      let seq = 1;
      const talk = setInterval(() => {
        call.caller.send(frame(seq, 0xca11, CALLER), call.towardOperator, "127.0.0.1");
        call.operator.send(frame(seq, 0x0be, OPERATOR), call.towardCaller, "127.0.0.1");
        ear.send(frame(seq, 0x5b, SUPERVISOR), lines[0]!.port, "127.0.0.1");
        ear.send(frame(seq, 0x5b, SUPERVISOR), lines[1]!.port, "127.0.0.1");
        seq += 1;
      }, 20);
      await sleep(1000);
      expect(heard(got.ear!, CALLER)).toBeGreaterThan(20);
      expect(heard(got.ear!, OPERATOR)).toBeGreaterThan(20);
      expect(heard([...got.caller!, ...got.operator!], SUPERVISOR)).toBe(0);
      await monitoring.stop(1);
      await sleep(100);
      const after = got.ear!.length;
      await sleep(400);
      clearInterval(talk);
      expect(got.ear!.length).toBe(after);
      expect(told.at(-1)).toBeUndefined();
      expect(log.map((e) => e.type)).toEqual(["call.monitor-started", "call.monitored"]);
      expect(log[1]!.data).toMatchObject({ supervisorId: 1, mode: "listen", reason: "stopped" });
      expect(Date.parse(String(log[1]!.data!.to)) - Date.parse(String(log[1]!.data!.from))).toBeGreaterThanOrEqual(900);
    } finally {
      for (const s of [call.caller, call.operator, ear]) s.close();
      await rtpengine.client.delete({ callId }).catch(() => {});
    }
  });

  it("whisper: the operator's second connection hears the supervisor, the caller never does; the call's end stops it", async () => {
    const callId = "monitor-whisper";
    const call = await bridgedCall(callId);
    const [ear, mouth, operatorEar] = await Promise.all([bindUdp(), bindUdp(), bindUdp()]);
    const { monitoring, told, ended, log, calls } = harness({ operatorEar, showListening: false });
    calls.set(callId, { operatorTag: "op" });
    const got = collect({ caller: call.caller, operator: call.operator, ear, operatorEar });
    try {
      await monitoring.start(2, callId, "whisper");
      await monitoring.answer(2, [answerFor([ear.address().port], "recvonly"), answerFor([ear.address().port], "recvonly")]);
      // Listening is hidden by this policy: the operator is told only once the whisper starts.
      expect(told.filter(Boolean)).toHaveLength(0);
      const published = await monitoring.publish(2, plainSdp(mouth.address().port, "sendonly"));
      expect(monitoring.of(2)?.stage).toBe("whispering");
      expect(told.at(-1)).toEqual({ mode: "whisper", supervisorName: "Sam" });
      const mouthPort = summarizeSdp(published).media[0]!.port;
      let seq = 1;
      const talk = setInterval(() => {
        call.caller.send(frame(seq, 0xca11, CALLER), call.towardOperator, "127.0.0.1");
        call.operator.send(frame(seq, 0x0be, OPERATOR), call.towardCaller, "127.0.0.1");
        mouth.send(frame(seq, 0x5b, SUPERVISOR), mouthPort, "127.0.0.1");
        seq += 1;
      }, 20);
      await sleep(1000);
      clearInterval(talk);
      expect(heard(got.operatorEar!, SUPERVISOR)).toBeGreaterThan(20);
      expect(heard(got.caller!, SUPERVISOR)).toBe(0);
      expect(heard(got.operator!, SUPERVISOR)).toBe(0);
      expect(heard(got.caller!, OPERATOR)).toBeGreaterThan(20);
      expect(heard(got.ear!, CALLER)).toBeGreaterThan(20);
      // A second supervisor may listen too; a third is refused.
      await monitoring.start(3, callId, "listen");
      expect(MAX_MONITORS_PER_CALL).toBe(2);
      await expect(monitoring.start(4, callId, "listen")).rejects.toMatchObject({ code: "busy" });
      await monitoring.callChanged(callId);
      expect(monitoring.size).toBe(0);
      expect(ended).toEqual(["call-ended", "call-ended"]);
      expect(told.at(-1)).toBeUndefined();
      expect(log.filter((e) => e.type === "call.monitored").map((e) => e.data!.mode)).toEqual(["whisper"]);
    } finally {
      for (const s of [call.caller, call.operator, ear, mouth, operatorEar]) s.close();
      await rtpengine.client.delete({ callId }).catch(() => {});
    }
  });

  it("a whisper the operator's desk cannot take ends, and leaves nothing running", async () => {
    const callId = "monitor-nodesk";
    const call = await bridgedCall(callId);
    const mouth = await bindUdp();
    const { monitoring, calls } = harness();
    calls.set(callId, { operatorTag: "op" });
    try {
      await monitoring.start(5, callId, "whisper");
      await monitoring.answer(5, [answerFor([mouth.address().port], "recvonly"), answerFor([mouth.address().port], "recvonly")]);
      await expect(monitoring.publish(5, plainSdp(mouth.address().port, "sendonly"))).rejects.toMatchObject({ code: "no-desk" });
      expect(monitoring.size).toBe(0);
      await expect(monitoring.answer(5, [plainSdp(1), plainSdp(1)])).rejects.toMatchObject({ code: "invalid" });
      await expect(monitoring.answer(5, plainSdp(1))).rejects.toMatchObject({ code: "invalid" });
    } finally {
      for (const s of [call.caller, call.operator, mouth]) s.close();
      await rtpengine.client.delete({ callId }).catch(() => {});
    }
  });

  it("barge is a take-over: one two-way offer, the call's media re-paired on the answer and given back at the end (media steps faked; the e2e runs them)", async () => {
    const steps: string[] = [];
    const takeOver: TakeOverMedia = {
      offer: async (tag) => (steps.push(`offer ${tag.slice(0, 6)}`), plainSdp(1)),
      answered: async (tag) => steps.push(`answered ${tag.slice(0, 6)}`),
      end: async () => void steps.push("end"),
    };
    const { monitoring, told, log, calls } = harness({ takeOver, showListening: false });
    calls.set("barged", { operatorTag: "op" });
    expect(await monitoring.start(8, "barged", "barge")).toHaveLength(1);
    await expect(monitoring.answer(8, [plainSdp(2), plainSdp(3)])).rejects.toMatchObject({ code: "invalid" });
    await monitoring.answer(8, [plainSdp(2)]);
    // Shown even when listening is hidden: the operator is taken out of the conversation.
    expect(told.at(-1)).toEqual({ mode: "barge", supervisorName: "Sam" });
    await expect(monitoring.start(9, "barged", "barge")).rejects.toMatchObject({ code: "busy" });
    await monitoring.stop(8);
    expect(steps).toEqual(["offer barge-", "answered barge-", "end"]);
    expect(log.map((e) => [e.type, e.data!.mode])).toEqual([["call.monitor-started", "barge"], ["call.monitored", "barge"]]);
    // Ended by the call's own end: nothing to give back.
    await monitoring.start(8, "barged", "barge");
    await monitoring.answer(8, [plainSdp(2)]);
    await monitoring.callChanged("barged");
    expect(steps.filter((s) => s === "end")).toHaveLength(1);
  });
});
