/**
 * MediaBridge against a REAL rtpengine (spawned by the supervisor, own ng port, RTP 47000-47999) and a REAL Chromium
 * (plain RTCPeerConnection, default bundle policy, fake microphone). The trunk is a Node UDP socket that sends a
 * PCMU tone and counts what it gets back. Proves the whole inbound sequence: queued with music, an abandoned
 * attempt, a second attempt that answers, two-way audio, operator loss back to music, a third operator, teardown.
 */
import { launchTestChromium } from "../../support/chromium";
import { sleep, waitFor } from "../../support/wait";
import dgram from "node:dgram";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaBridge } from "../../../server/calls/media-bridge.js";
import { audioEndpoint } from "../../../server/calls/trunk-sdp.js";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor.js";
import { summarizeSdp } from "../../../server/media/sdp.js";
import { bindUdp, freePort, testRtpPort } from "../../support/net";

const RTP_MIN = testRtpPort(21500);
const RTP_MAX = RTP_MIN + 499;
const CALL_ID = "bridge-it-1";
const SOUNDS_DIR = fileURLToPath(new URL("../../../public/sounds", import.meta.url));

/** G.711 mu-law encoder (ITU-T G.711), enough for a test tone. */
function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = 0;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** A fake SIP trunk's media: sends a 440 Hz PCMU tone in 20 ms RTP packets, records every packet it receives. */
class FakeTrunkMedia {
  readonly received: { at: number; packet: Buffer }[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(readonly socket: dgram.Socket) {
    socket.on("message", (packet) => this.received.push({ at: Date.now(), packet }));
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Starts sending to rtpengine's trunk-facing address (from our 200 OK's SDP). */
  startSending(to: { address: string; port: number }): void {
    this.timer = setInterval(() => {
      const seq = this.seq++;
      const header = Buffer.alloc(12);
      header[0] = 0x80; // V=2
      header[1] = 0; // PT 0 = PCMU
      header.writeUInt16BE(seq & 0xffff, 2);
      header.writeUInt32BE((seq * 160) >>> 0, 4);
      header.writeUInt32BE(0x7e57c0de, 8);
      const payload = Buffer.alloc(160);
      for (let i = 0; i < 160; i++) {
        payload[i] = linearToUlaw(Math.round(8000 * Math.sin((2 * Math.PI * 440 * (seq * 160 + i)) / 8000)));
      }
      this.socket.send(Buffer.concat([header, payload]), to.port, to.address);
    }, 20);
  }

  /** Packets received since `since` (ms epoch). */
  countSince(since: number): number {
    return this.received.filter((r) => r.at >= since).length;
  }

  /** Packets since `since` carrying sound (0xff/0x7f are mu-law zero). */
  audibleSince(since: number): number {
    return this.received.filter((r) => r.at >= since && r.packet.subarray(12).some((b) => b !== 0xff && b !== 0x7f))
      .length;
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }
}

/** The operator side, as SIP.js would do it: RTCPeerConnections in a blank page with the fake microphone. */
const PAGE_SCRIPT = `
window.pcs = {};
window.ring = async (id, offerSdp) => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  window.pcs[id] = pc;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  await pc.setRemoteDescription({ type: "offer", sdp: offerSdp });
};
window.accept = async (id) => {
  const pc = window.pcs[id];
  await pc.setLocalDescription(await pc.createAnswer());
  // rtpengine does not trickle: the answer must carry the candidates.
  if (pc.iceGatheringState !== "complete") {
    await new Promise((resolve) => pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") resolve();
    }));
  }
  return pc.localDescription.sdp;
};
window.hangup = (id) => { window.pcs[id]?.close(); };
window.rtpStats = async (id) => {
  const out = { received: 0, sent: 0, audioLevel: 0, state: window.pcs[id].connectionState };
  (await window.pcs[id].getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "audio") { out.received = s.packetsReceived; out.audioLevel = s.audioLevel ?? 0; }
    if (s.type === "outbound-rtp" && s.kind === "audio") out.sent = s.packetsSent;
  });
  return out;
};
`;

interface RtpStats {
  received: number;
  sent: number;
  audioLevel: number;
  state: string;
}

describe("MediaBridge with real rtpengine and Chromium", () => {
  let supervisor: RtpengineSupervisor;
  let browser: Browser;
  let page: Page;
  let trunk: FakeTrunkMedia;
  let bridge: MediaBridge;
  let answerSdp = "";

  const stats = (id: string): Promise<RtpStats> => page.evaluate((pcId) => (window as never as {
    rtpStats(i: string): Promise<RtpStats>;
  }).rtpStats(pcId), id);
  const call = <T>(fn: string, ...args: string[]): Promise<T> =>
    page.evaluate(
      ([name, params]) => (window as never as Record<string, (...a: string[]) => Promise<T>>)[name!]!(...params!),
      [fn, args] as [string, string[]],
    ) as Promise<T>;

  /** Music (or announcements) reach the trunk: audible packets keep arriving from `since`. */
  const expectTrunkHearsSound = (since: number, packets = 25): Promise<void> =>
    waitFor(`${packets} audible packets at the trunk`, () => trunk.audibleSince(since) >= packets);

  beforeAll(async () => {
    expect(existsSync("/usr/bin/rtpengine"), "apt-get install -y rtpengine-daemon").toBe(true);
    supervisor = new RtpengineSupervisor({
      interfaceAddress: "127.0.0.1",
      ngPort: await freePort(),
      portMin: RTP_MIN,
      portMax: RTP_MAX,
      healthIntervalMs: 0,
    });
    const started = supervisor.start();
    browser = await launchTestChromium();
    page = await browser.newPage();
    // getUserMedia needs a secure context, which about:blank is not; http://localhost is. Nothing listens there:
    // Playwright answers the request itself, then the page is blank.
    await page.route("http://localhost/", (route) => route.fulfill({ contentType: "text/html", body: "" }));
    await page.goto("http://localhost/");
    await page.setContent("<!doctype html><title>operator</title>");
    await page.addScriptTag({ content: PAGE_SCRIPT });
    await started;
    trunk = new FakeTrunkMedia(await bindUdp());
    bridge = new MediaBridge(supervisor.client, CALL_ID, { trunkTag: "trunk-from-tag", soundsDir: SOUNDS_DIR });
  });

  afterAll(async () => {
    trunk?.close();
    await browser?.close();
    await supervisor?.stop();
  });

  it("answers the trunk at once with plain RTP and plays hold music to it while queued", async () => {
    const trunkOffer = readFileSync(new URL("../../fixtures/media/trunk-offer.sdp", import.meta.url), "utf8")
      .replace(/\r?\n/g, "\r\n")
      .replace("m=audio 47000", `m=audio ${trunk.port}`);
    answerSdp = await bridge.answerCaller(trunkOffer);
    const media = summarizeSdp(answerSdp).media[0];
    expect(media?.protocol).toBe("RTP/AVP");
    // An answer: the trunk's first G.711 codec and its telephone-event payload type, nothing else.
    expect(media?.payloadTypes).toEqual(["0", "101"]);
    expect(media?.codecs).toEqual(["PCMU/8000", "telephone-event/8000"]);
    expect(answerSdp).not.toMatch(/a=(crypto|candidate|fingerprint|ice-|setup|mid|ssrc|msid|group|inactive|sendonly)/);
    const endpoint = audioEndpoint(answerSdp)!;
    expect(endpoint.address).toBe("127.0.0.1");
    expect(endpoint.port).toBeGreaterThanOrEqual(RTP_MIN);
    trunk.startSending(endpoint);

    const since = Date.now();
    expect(await bridge.playToCaller("hold-music", { loop: true })).toBeGreaterThan(10_000);
    await expectTrunkHearsSound(since);
    const first = trunk.received.find((r) => r.at >= since)!.packet;
    expect(first[0]! >> 6).toBe(2);
    expect(first[1]! & 0x7f).toBe(0);
    expect(first.length).toBe(12 + 160);
  });

  it("offers a first operator, who never answers; abandoning it keeps the music going", async () => {
    const offer = await bridge.offerToOperator("attempt-1");
    expect(summarizeSdp(offer).media[0]?.protocol).toBe("UDP/TLS/RTP/SAVPF");
    expect(summarizeSdp(offer).media[0]?.codecs).toEqual(["PCMU/8000", "telephone-event/8000"]);
    expect(offer).toMatch(/^a=group:BUNDLE \S+\r$/m);
    expect(offer).toContain("a=setup:actpass");
    await call("ring", "pc1", offer); // the browser rings; the operator never picks up

    let since = Date.now();
    await expectTrunkHearsSound(since, 10); // the re-offer did not interrupt the music
    expect((await bridge.abandonOperatorAttempt("attempt-1")).trunkSdpChanged).toBe(false);
    await call("hangup", "pc1");
    since = Date.now();
    await expectTrunkHearsSound(since, 10);
    expect(bridge.state).toBe("parked");
  });

  it("bridges a second operator: two-way audio, music stopped, trunk port unchanged", async () => {
    const offer = await bridge.offerToOperator("attempt-2");
    await call("ring", "pc2", offer);
    // A late answer from the abandoned attempt must not take the call.
    await expect(bridge.operatorAnswered("attempt-1", "v=0\r\n")).rejects.toThrow(/not the current one/);

    // Quiet baseline: without music and without an operator the trunk gets nothing, so packets after the answer
    // can only be the operator's microphone. (A negative check needs a window: this is the one fixed wait.)
    await bridge.stopCallerPlayback();
    await sleep(200); // packets already in flight when the music stopped
    const quietFrom = Date.now();
    await sleep(400);
    expect(trunk.countSince(quietFrom)).toBeLessThanOrEqual(1);

    const browserAnswer = await call<string>("accept", "pc2");
    const answeredAt = Date.now();
    const result = await bridge.operatorAnswered("attempt-2", browserAnswer);
    expect(result.trunkSdpChanged).toBe(false);
    expect(audioEndpoint(result.trunkSdp)).toEqual(audioEndpoint(answerSdp));
    expect(bridge.state).toBe("bridged");

    // Trunk -> browser: the tone arrives in Chromium.
    await waitFor("browser receives trunk audio", async () => (await stats("pc2")).received >= 50);
    const before = (await stats("pc2")).received;
    await waitFor("browser keeps receiving", async () => (await stats("pc2")).received >= before + 25);
    expect((await stats("pc2")).state).toBe("connected");
    // Browser -> trunk: the fake microphone reaches the trunk socket as PCMU.
    await waitFor("trunk receives the operator's microphone", () => trunk.countSince(answeredAt) >= 50);
    const fromBrowser = trunk.received.filter((r) => r.at >= answeredAt);
    expect(fromBrowser.every((r) => (r.packet[1]! & 0x7f) === 0 || (r.packet[1]! & 0x7f) === 101)).toBe(true);
    expect(fromBrowser.some((r) => r.packet.subarray(12).some((b) => b !== 0xff && b !== 0x7f))).toBe(true);
  });

  it("puts the caller back on music when the operator leg is lost, and bridges a third operator", async () => {
    await call("hangup", "pc2");
    expect((await bridge.operatorLegLost()).trunkSdpChanged).toBe(false);
    expect(bridge.state).toBe("parked");
    expect(bridge.nowPlaying).toBe("hold-music");
    await expectTrunkHearsSound(Date.now());

    // A new browser after a DTLS session with another one: rtpengine must handshake again.
    const offer = await bridge.offerToOperator("attempt-3");
    await call("ring", "pc3", offer);
    const result = await bridge.operatorAnswered("attempt-3", await call<string>("accept", "pc3"));
    expect(result.trunkSdpChanged).toBe(false);
    await waitFor("third browser receives trunk audio", async () => (await stats("pc3")).received >= 50);
    const answeredAt = Date.now();
    await waitFor("trunk receives the third operator", () => trunk.countSince(answeredAt) >= 25);
  });

  it("close() deletes the call in rtpengine and is idempotent", async () => {
    expect(await supervisor.client.list()).toContain(CALL_ID);
    await bridge.close();
    await bridge.close();
    expect(await supervisor.client.list()).not.toContain(CALL_ID);
    expect(bridge.state).toBe("closed");
    await expect(bridge.offerToOperator("late")).rejects.toThrow(/not allowed in state closed/);
  });
});
