/**
 * MediaBridge with a WebRTC CALLER (the demo path: an admin calls a queue from the browser) against a REAL rtpengine
 * (own ng port, RTP 46500-46999) and REAL Chromium: one page is the caller, another the operators, both plain
 * RTCPeerConnections with the fake microphone (default bundle policy, like SIP.js). getStats() proves every
 * direction: the caller hears music while queued, an abandoned attempt, a bridged operator (two-way audio), the
 * operator lost and the caller back on music, teardown.
 */
import { launchTestChromium } from "../../support/chromium";
import { sleep, waitFor } from "../../support/wait";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaBridge } from "../../../server/calls/media-bridge.js";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor.js";
import { summarizeSdp } from "../../../server/media/sdp.js";
import { freePort, testRtpPort } from "../../support/net.js";

const RTP_MIN = testRtpPort(22000);
const RTP_MAX = RTP_MIN + 499;
const CALL_ID = "bridge-browser-caller-1";
const SOUNDS_DIR = fileURLToPath(new URL("../../../public/sounds", import.meta.url));

/** Both roles in one script: `dial`/`answered` for the caller, `ring`/`accept` for an operator. */
const PAGE_SCRIPT = `
window.pcs = {};
const open = async (id) => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  window.pcs[id] = pc;
  // Play what arrives, as the product does (SIP.js leaves that to the page): Chrome measures audio energy on playout.
  pc.addEventListener("track", (event) => {
    const audio = new Audio();
    audio.srcObject = new MediaStream([event.track]);
    void audio.play();
  });
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  return pc;
};
// rtpengine does not trickle: every SDP it gets must carry the candidates.
const gathered = (pc) => pc.iceGatheringState === "complete" ? Promise.resolve() : new Promise((resolve) =>
  pc.addEventListener("icegatheringstatechange", () => { if (pc.iceGatheringState === "complete") resolve(); }));
window.dial = async (id) => {
  const pc = await open(id);
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.answered = async (id, sdp) => { await window.pcs[id].setRemoteDescription({ type: "answer", sdp }); };
window.ring = async (id, sdp) => { await (await open(id)).setRemoteDescription({ type: "offer", sdp }); };
window.accept = async (id) => {
  const pc = window.pcs[id];
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.hangup = (id) => { window.pcs[id]?.close(); };
window.rtpStats = async (id) => {
  const pc = window.pcs[id];
  const out = { received: 0, energy: 0, state: pc.connectionState, dtlsRole: "" };
  (await pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "audio") { out.received = s.packetsReceived; out.energy = s.totalAudioEnergy ?? 0; }
    if (s.type === "transport") out.dtlsRole = s.dtlsRole ?? "";
  });
  return out;
};
`;

interface RtpStats {
  received: number;
  /** Cumulative audio energy of what was played out: grows only with sound, not with silence or failed decoding. */
  energy: number;
  state: string;
  dtlsRole: string;
}


/** A free port for the ng listener that is not inside this test's RTP range. */
async function ngPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < RTP_MIN || port > RTP_MAX) return port;
  }
}

/** One Chromium page as a phone: runs {@link PAGE_SCRIPT} functions and reads getStats(). */
class Phone {
  constructor(private readonly page: Page) {}

  run<T>(fn: string, ...args: string[]): Promise<T> {
    return this.page.evaluate(
      ([name, params]) => (window as never as Record<string, (...a: string[]) => Promise<T>>)[name!]!(...params!),
      [fn, args] as [string, string[]],
    ) as Promise<T>;
  }

  stats(id: string): Promise<RtpStats> {
    return this.run<RtpStats>("rtpStats", id);
  }

  /** Inbound audio packets on `id` keep arriving (`packets` more than now) and carry sound, within the deadline. */
  async expectReceiving(id: string, what: string, packets = 25): Promise<void> {
    const before = await this.stats(id);
    await waitFor(`${what} (${id})`, async () => {
      const now = await this.stats(id);
      return now.received >= before.received + packets && now.energy > before.energy;
    });
  }
}

describe("MediaBridge with a browser caller, real rtpengine and Chromium", () => {
  let supervisor: RtpengineSupervisor;
  let browser: Browser;
  let caller: Phone;
  let operator: Phone;
  let bridge: MediaBridge;

  const newPhone = async (title: string): Promise<Phone> => {
    const page = await browser.newPage();
    // getUserMedia needs a secure context (http://localhost is one); Playwright serves the blank page itself.
    await page.route("http://localhost/", (route) => route.fulfill({ contentType: "text/html", body: "" }));
    await page.goto("http://localhost/");
    await page.setContent(`<!doctype html><title>${title}</title>`);
    await page.addScriptTag({ content: PAGE_SCRIPT });
    return new Phone(page);
  };

  beforeAll(async () => {
    supervisor = new RtpengineSupervisor({
      interfaceAddress: "127.0.0.1",
      ngPort: await ngPort(),
      portMin: RTP_MIN,
      portMax: RTP_MAX,
      healthIntervalMs: 0,
    });
    const started = supervisor.start();
    browser = await launchTestChromium();
    [caller, operator] = await Promise.all([newPhone("caller"), newPhone("operator")]);
    await started;
    bridge = new MediaBridge(supervisor.client, CALL_ID, {
      trunkTag: "browser-from-tag",
      callerKind: "browser",
      soundsDir: SOUNDS_DIR,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await supervisor?.stop();
  });

  it("answers the browser's offer with a WebRTC G.711 answer; the caller hears hold music", async () => {
    const offer = await caller.run<string>("dial", "caller");
    expect(summarizeSdp(offer).media[0]?.codecs).toContain("opus/48000/2");

    const answer = await bridge.answerCaller(offer);
    const media = summarizeSdp(answer).media[0];
    expect(media?.protocol).toBe("UDP/TLS/RTP/SAVPF");
    // The browser's G.711 (no transcoding toward the operator) and its 8 kHz telephone-event, with its numbers.
    expect(media?.codecs).toEqual(["PCMU/8000", "telephone-event/8000"]);
    expect(media?.payloadTypes).toEqual(["0", "126"]);
    expect(answer).toMatch(/^a=group:BUNDLE 0\r$/m);
    expect(answer).toContain("a=setup:active"); // an answer never says actpass
    expect(answer).toMatch(/a=fingerprint:sha-256 /);
    expect(answer).toMatch(/a=candidate:\S+ 1 UDP \d+ 127\.0\.0\.1 \d+ typ host/);
    expect(answer).toContain("a=rtcp-mux");
    expect(answer).not.toContain("a=crypto");
    await caller.run("answered", "caller", answer);

    expect(await bridge.playToCaller("hold-music", { loop: true })).toBeGreaterThan(10_000);
    await waitFor("caller connected", async () => (await caller.stats("caller")).state === "connected");
    await caller.expectReceiving("caller", "caller hears hold music", 50);
    // rtpengine took the answerer's DTLS role (active, the client): Chrome, the offerer, is the DTLS server.
    expect((await caller.stats("caller")).dtlsRole).toBe("server");
  });

  it("offers a first operator, who never answers; abandoning it keeps the caller's music", async () => {
    const offer = await bridge.offerToOperator("attempt-1");
    expect(summarizeSdp(offer).media[0]?.protocol).toBe("UDP/TLS/RTP/SAVPF");
    expect(summarizeSdp(offer).media[0]?.codecs).toEqual(["PCMU/8000", "telephone-event/8000"]);
    expect(offer).toContain("a=setup:actpass");
    await operator.run("ring", "op1", offer);
    await caller.expectReceiving("caller", "music through the re-offer");

    expect((await bridge.abandonOperatorAttempt("attempt-1")).trunkSdpChanged).toBe(false);
    await operator.run("hangup", "op1");
    await caller.expectReceiving("caller", "music after the abandon");
    expect((await caller.stats("caller")).state).toBe("connected");
  });

  it("bridges a second operator: both browsers receive each other's audio", async () => {
    const offer = await bridge.offerToOperator("attempt-2");
    await operator.run("ring", "op2", offer);

    // Quiet baseline: without music and without an operator the caller gets nothing, so packets after the answer
    // can only be the operator's microphone. (A negative check needs a window: this is the one fixed wait.)
    await bridge.stopCallerPlayback();
    await sleep(200);
    const quiet = (await caller.stats("caller")).received;
    await sleep(400);
    expect((await caller.stats("caller")).received - quiet).toBeLessThanOrEqual(1);

    const result = await bridge.operatorAnswered("attempt-2", await operator.run<string>("accept", "op2"));
    expect(result.trunkSdpChanged).toBe(false);
    expect(bridge.state).toBe("bridged");

    await waitFor("operator connected", async () => (await operator.stats("op2")).state === "connected");
    await operator.expectReceiving("op2", "operator hears the caller's microphone", 50);
    await caller.expectReceiving("caller", "caller hears the operator's microphone", 50);
    expect((await caller.stats("caller")).state).toBe("connected");
  });

  it("after the operator leg is lost, the caller's DTLS session survives and a third operator bridges", async () => {
    await operator.run("hangup", "op2");
    expect((await bridge.operatorLegLost()).trunkSdpChanged).toBe(false);
    expect(bridge.nowPlaying).toBe("hold-music");
    // Not asserted: the music reaching the caller's receiver. rtpengine 10.5 sends it again under the media player's
    // FIRST SSRC, and Chrome binds its (unsignalled) receiver to the newest SSRC it saw, the operator's: getStats shows
    // no packets. Measured, see MediaBridge's header ("Browser caller").
    const offer = await bridge.offerToOperator("attempt-3");
    await operator.run("ring", "op3", offer);
    expect((await bridge.operatorAnswered("attempt-3", await operator.run<string>("accept", "op3"))).trunkSdpChanged)
      .toBe(false);
    await operator.expectReceiving("op3", "third operator hears the caller", 50);
    await caller.expectReceiving("caller", "caller hears the third operator", 50);
    expect((await caller.stats("caller")).state).toBe("connected");
  });

  it("close() deletes the call in rtpengine", async () => {
    expect(await supervisor.client.list()).toContain(CALL_ID);
    await bridge.close();
    expect(await supervisor.client.list()).not.toContain(CALL_ID);
    await caller.run("hangup", "caller");
  });
});
