/**
 * Against a REAL rtpengine (Debian rtpengine-daemon) spawned by the supervisor on its own ng port and RTP range.
 */
import dgram from "node:dgram";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserLegOptions,
  finishBrowserSdp,
  finishTrunkSdp,
  trunkLegOptions,
} from "../../../server/media/leg-profiles.js";
import { type BencodeDict, encode } from "../../../server/media/bencode.js";
import { NgClient, NgError } from "../../../server/media/ng-client.js";
import { ExternalRtpengine, type MediaInstanceStatus, RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor.js";
import { summarizeSdp } from "../../../server/media/sdp.js";
import { bindUdp, freePort, testRtpPort } from "../../support/net";

const BINARY = "/usr/bin/rtpengine";
const RTP_MIN = testRtpPort(22500);
const RTP_MAX = RTP_MIN + 499;
const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/media/${name}`, import.meta.url), "utf8").replace(/\r?\n/g, "\r\n");
const HOLD_MUSIC = fileURLToPath(new URL("../../../public/sounds/hold-music.wav", import.meta.url));


/** A free UDP port outside our RTP range (ephemeral ports overlap it). */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(20);
  }
}

/** Media port of the first m= line, checked to be inside our private RTP range. */
function mediaPort(sdp: string): number {
  const port = summarizeSdp(sdp).media[0]?.port ?? 0;
  expect(port).toBeGreaterThanOrEqual(RTP_MIN);
  expect(port).toBeLessThanOrEqual(RTP_MAX);
  return port;
}

/** What a plain SIP trunk must get: RTP/AVP, the expected codecs, rtpengine's address, nothing WebRTC. */
function expectTrunkSdp(sdp: string, codecs: string[]): void {
  const media = summarizeSdp(sdp).media[0];
  expect(media?.protocol).toBe("RTP/AVP");
  expect(media?.codecs).toEqual(codecs);
  expect(sdp).not.toMatch(/a=(crypto|candidate|fingerprint|setup|ice-|msid|ssrc|mid|extmap|rtcp-fb|group)/);
  expect(sdp).toContain("c=IN IP4 127.0.0.1");
  mediaPort(sdp);
}

/** What a browser must get: DTLS-SRTP profile, ICE, fingerprint, rtcp-mux, mid + BUNDLE group, no SDES. */
function expectBrowserSdp(sdp: string, setup: "actpass" | "active"): void {
  const media = summarizeSdp(sdp).media[0];
  expect(media?.protocol).toBe("UDP/TLS/RTP/SAVPF");
  expect(media?.attributes).toEqual(
    expect.arrayContaining(["candidate", "ice-ufrag", "ice-pwd", "fingerprint", "setup", "rtcp-mux", "mid"]),
  );
  expect(sdp).toContain(`a=setup:${setup}`);
  expect(sdp).toMatch(/^a=group:BUNDLE \S+\r$/m);
  expect(sdp).toMatch(/a=candidate:\S+ 1 UDP \d+ 127\.0\.0\.1 \d+ typ host/);
  expect(sdp).not.toContain("a=crypto");
  mediaPort(sdp);
}

describe("media layer against a real rtpengine", () => {
  let supervisor: RtpengineSupervisor;
  let trunk: dgram.Socket;
  const received: Buffer[] = [];
  const states: MediaInstanceStatus[] = [];

  beforeAll(async () => {
    expect(existsSync(BINARY), `${BINARY} missing: apt-get install -y rtpengine-daemon`).toBe(true);
    supervisor = new RtpengineSupervisor({
      interfaceAddress: "127.0.0.1",
      ngPort: await freePort(),
      portMin: RTP_MIN,
      portMax: RTP_MAX,
      healthIntervalMs: 500,
      backoff: { initialMs: 100 },
    });
    supervisor.onStateChange((s) => states.push(s));
    await supervisor.start();
    trunk = await bindUdp();
    trunk.on("message", (msg) => received.push(msg));
  });

  afterAll(async () => {
    await supervisor?.stop();
    trunk?.close();
  });

  it("starts with an explicit command line and answers ping", async () => {
    expect(supervisor.commandLine()).toEqual(
      expect.arrayContaining(["--config-file=none", "--foreground", "--table=-1", "--delete-delay=0"]),
    );
    const status = supervisor.status();
    expect(status).toMatchObject({ kind: "spawned", state: "up", up: true, restarts: 0 });
    expect(status.pid).toBeGreaterThan(0);
    expect(await supervisor.client.ping()).toBeLessThan(500);
  });

  it("trunk -> browser: offer gives WebRTC SDP, answer gives plain RTP SDP", async () => {
    const trunkSdp = fixture("trunk-offer.sdp").replace("m=audio 47000", `m=audio ${trunk.address().port}`);
    const offer = await supervisor.client.offer({
      callId: "in-1",
      fromTag: "trunk-tag",
      sdp: trunkSdp,
      options: browserLegOptions("offer"),
    });
    const toBrowser = finishBrowserSdp(offer.sdp);
    expectBrowserSdp(toBrowser, "actpass");
    expect(summarizeSdp(toBrowser).media[0]?.codecs).toEqual(["PCMU/8000", "PCMA/8000", "telephone-event/8000"]);

    const answer = await supervisor.client.answer({
      callId: "in-1",
      fromTag: "trunk-tag",
      toTag: "browser-tag",
      sdp: fixture("chrome-answer.sdp"),
      options: trunkLegOptions("answer"),
    });
    expectTrunkSdp(finishTrunkSdp(answer.sdp), ["PCMU/8000", "telephone-event/8000"]);
    // The un-finished rtpengine output still has what 10.5 cannot strip, which is why finishTrunkSdp exists.
    expect(answer.sdp).toContain("a=ssrc:");
  });

  it("plays hold music into the trunk leg: real RTP packets arrive, and stop when told", async () => {
    received.length = 0;
    const play = await supervisor.client.playMedia({
      callId: "in-1",
      fromTag: "trunk-tag",
      source: { file: HOLD_MUSIC },
      repeatTimes: 10,
    });
    expect(play.durationMs).toBeGreaterThan(17_000);
    await waitFor(() => received.length >= 25, 3000);
    const first = received[0]!;
    expect(first[0]! >> 6).toBe(2); // RTP version 2
    expect(first[1]! & 0x7f).toBe(0); // PCMU, what the trunk answered
    expect(first.length).toBe(12 + 160); // 20 ms of G.711
    // Not all silence: the music reached the wire (0xff/0x7f are G.711 mu-law zero).
    expect(received.some((p) => p.subarray(12).some((byte) => byte !== 0xff && byte !== 0x7f))).toBe(true);

    await supervisor.client.stopMedia({ callId: "in-1", fromTag: "trunk-tag" });
    await sleep(150);
    const afterStop = received.length;
    await sleep(300);
    expect(received.length - afterStop).toBeLessThanOrEqual(1);
  });

  it("plays media only to the party whose tag is given", async () => {
    received.length = 0;
    await supervisor.client.playMedia({ callId: "in-1", fromTag: "browser-tag", source: { file: HOLD_MUSIC } });
    await sleep(400);
    await supervisor.client.stopMedia({ callId: "in-1", fromTag: "browser-tag" });
    expect(received.length).toBe(0);
  });

  it("browser -> trunk: offer to the trunk carries only G.711 + telephone-event over RTP/AVP", async () => {
    const offer = await supervisor.client.offer({
      callId: "out-1",
      fromTag: "browser-tag",
      sdp: fixture("chrome-offer.sdp"),
      options: trunkLegOptions("offer"),
    });
    const toTrunk = finishTrunkSdp(offer.sdp);
    expectTrunkSdp(toTrunk, ["PCMU/8000", "PCMA/8000", "telephone-event/8000"]);
    const tePt = /a=rtpmap:(\d+) telephone-event\/8000/.exec(toTrunk)?.[1];

    const trunkAnswer = fixture("trunk-offer.sdp")
      .replace("m=audio 47000 RTP/AVP 0 8 101", `m=audio ${trunk.address().port} RTP/AVP 0 ${tePt}`)
      .replace("a=rtpmap:8 PCMA/8000\r\n", "")
      .replaceAll(":101 ", `:${tePt} `);
    const answer = await supervisor.client.answer({
      callId: "out-1",
      fromTag: "browser-tag",
      toTag: "trunk-tag",
      sdp: trunkAnswer,
      options: browserLegOptions("answer"),
    });
    const toBrowser = finishBrowserSdp(answer.sdp);
    expectBrowserSdp(toBrowser, "active"); // the browser offered actpass
    expect(toBrowser).toContain("a=group:BUNDLE 0");
    expect(summarizeSdp(toBrowser).media[0]?.codecs).toEqual(["PCMU/8000", "telephone-event/8000"]);
  });

  it("play DTMF injects RFC 4733 events toward the trunk once media flows (inject-DTMF)", async () => {
    // Two plain-RTP parties so the test can send real RTP: rtpengine needs an SSRC context (media flowing toward
    // the party) before it can inject digits; without it play DTMF fails with "No SSRC context present".
    const other = await bindUdp();
    try {
      const plain = (port: number): string =>
        fixture("trunk-offer.sdp").replace("m=audio 47000 RTP/AVP 0 8 101", `m=audio ${port} RTP/AVP 0 101`)
          .replace("a=rtpmap:8 PCMA/8000\r\n", "");
      const offer = await supervisor.client.offer({
        callId: "dtmf-1",
        fromTag: "trunk-tag",
        sdp: plain(trunk.address().port),
        options: trunkLegOptions("answer"), // same transport both ways; keep the trunk's own codecs
      });
      const answer = await supervisor.client.answer({
        callId: "dtmf-1",
        fromTag: "trunk-tag",
        toTag: "other-tag",
        sdp: plain(other.address().port),
        options: trunkLegOptions("answer"),
      });
      // The offer's SDP goes to the other party: its port is where the other party sends toward the trunk.
      const towardTrunk = mediaPort(offer.sdp);
      mediaPort(answer.sdp);
      received.length = 0;
      // The other party talks: 20 ms PCMU frames into rtpengine, which relays them to the trunk.
      const frame = (seq: number): Buffer => {
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header[1] = 0;
        header.writeUInt16BE(seq, 2);
        header.writeUInt32BE(seq * 160, 4);
        header.writeUInt32BE(0x1234abcd, 8);
        return Buffer.concat([header, Buffer.alloc(160, 0xff)]);
      };
      let seq = 1;
      const talker = setInterval(() => other.send(frame(seq++), towardTrunk, "127.0.0.1"), 20);
      try {
        await waitFor(() => received.length >= 5, 3000);
        // Measured: the selected party is the one the digits come FROM (whose media carries them), not the hearer.
        await supervisor.client.playDTMF({ callId: "dtmf-1", fromTag: "other-tag", code: "5", durationMs: 100 });
        await waitFor(() => received.some((p) => (p[1]! & 0x7f) === 101), 3000);
      } finally {
        clearInterval(talker);
      }
      const event = received.find((p) => (p[1]! & 0x7f) === 101)!;
      expect(event[12]).toBe(5); // RFC 4733 event code for digit 5
    } finally {
      other.close();
      await supervisor.client.delete({ callId: "dtmf-1" });
    }
  });

  it("a call set up without inject-DTMF gets it by a re-offer and re-answer of the same tags: play DTMF works, media keeps flowing", async () => {
    const other = await bindUdp();
    const towardOther: Buffer[] = [];
    other.on("message", (msg) => towardOther.push(msg));
    try {
      const plain = (port: number): string =>
        fixture("trunk-offer.sdp").replace("m=audio 47000 RTP/AVP 0 8 101", `m=audio ${port} RTP/AVP 0 101`)
          .replace("a=rtpmap:8 PCMA/8000\r\n", "");
      const negotiate = async (injectDtmf: boolean) => {
        const offer = await supervisor.client.offer({ callId: "dtmf-2", fromTag: "trunk-tag", sdp: plain(trunk.address().port), options: trunkLegOptions("answer", { injectDtmf }) });
        const answer = await supervisor.client.answer({ callId: "dtmf-2", fromTag: "trunk-tag", toTag: "other-tag", sdp: plain(other.address().port), options: trunkLegOptions("answer", { injectDtmf }) });
        return { towardTrunk: mediaPort(offer.sdp), towardOther: mediaPort(answer.sdp) };
      };
      const first = await negotiate(false);
      const frame = (seq: number, ssrc: number): Buffer => {
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header.writeUInt16BE(seq & 0xffff, 2);
        header.writeUInt32BE(seq * 160, 4);
        header.writeUInt32BE(ssrc, 8);
        return Buffer.concat([header, Buffer.alloc(160, 0xff)]);
      };
      let seq = 1;
      received.length = 0;
      // Both parties talk, 20 ms PCMU frames.
      const talker = setInterval(() => {
        other.send(frame(seq, 0x1234abcd), first.towardTrunk, "127.0.0.1");
        trunk.send(frame(seq, 0x5678cdef), first.towardOther, "127.0.0.1");
        seq += 1;
      }, 20);
      try {
        await waitFor(() => received.length >= 5 && towardOther.length >= 5, 3000);
        // Without the flag, measured: play DTMF answers ok and sends nothing.
        await supervisor.client.playDTMF({ callId: "dtmf-2", fromTag: "other-tag", code: "5", durationMs: 100 });
        await sleep(300);
        expect(received.filter((p) => (p[1]! & 0x7f) === 101)).toHaveLength(0);
        // The same tags negotiated again with the flag: the ports stay, the digit goes through.
        const again = await negotiate(true);
        expect(again).toEqual(first);
        const atOther = towardOther.length;
        await supervisor.client.playDTMF({ callId: "dtmf-2", fromTag: "other-tag", code: "7", durationMs: 100 });
        await waitFor(() => received.some((p) => (p[1]! & 0x7f) === 101 && p[12] === 7), 3000);
        // Voice still flows both ways after the re-negotiation and the digit (its events replace the voice for the
        // digit's 100 ms and a few end packets): counted from when the digit was heard, for half a second.
        const afterDigit = received.length;
        await sleep(500);
        expect(received.slice(afterDigit).filter((p) => (p[1]! & 0x7f) === 0).length).toBeGreaterThan(10);
        expect(towardOther.length - atOther).toBeGreaterThan(5);
      } finally {
        clearInterval(talker);
      }
    } finally {
      other.close();
      await supervisor.client.delete({ callId: "dtmf-2" });
    }
  });

  it("query, block/unblock and silence work on a live call; unknown calls give NgError", async () => {
    const q = await supervisor.client.query({ callId: "in-1" });
    expect(q["tags"]).toBeDefined();
    const ref = { callId: "in-1", fromTag: "browser-tag" };
    await supervisor.client.blockMedia(ref);
    await supervisor.client.unblockMedia(ref);
    await supervisor.client.silenceMedia(ref);
    await supervisor.client.unsilenceMedia(ref);
    const err = await supervisor.client.query({ callId: "no-such-call" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NgError);
    expect((err as NgError).reason).toMatch(/Unknown call-id/);
  });

  it("a burst of queries far beyond the socket's receive buffer is answered on the first attempt", async () => {
    // The media watch queries every bridged call at once. Before the client's in-flight window, the replies (2 to 3 KB
    // each) overflowed its socket's 208 KiB receive buffer and the kernel dropped a third of them at 100 calls (each
    // then waited a whole retry timeout); with a window of 1000 this test fails the same way. No retries here, so a
    // dropped reply fails its request.
    const client = new NgClient(supervisor.client.address, { retries: 0, timeoutMs: 3000 });
    const replies = await Promise.allSettled(Array.from({ length: 400 }, () => client.query({ callId: "in-1" }))).finally(() => client.close());
    expect(replies.filter((r) => r.status === "rejected").map((r) => String(r.reason)).slice(0, 3)).toEqual([]);
    const size = encode((replies[0] as PromiseFulfilledResult<BencodeDict>).value).length;
    expect(size * replies.length).toBeGreaterThan(3 * 208 * 1024);
  });

  it("delete leaves no session behind", async () => {
    expect((await supervisor.client.list()).sort()).toEqual(["in-1", "out-1"]);
    await supervisor.client.delete({ callId: "in-1" });
    await supervisor.client.delete({ callId: "out-1" });
    expect(await supervisor.client.list()).toEqual([]);
    const stats = await supervisor.client.statistics();
    expect(stats["currentstatistics"]).toMatchObject({ sessionsown: 0 });
  });

  it("an external instance is healthy by ping only; an unreachable one is down", async () => {
    const external = new ExternalRtpengine({ address: supervisor.address, healthIntervalMs: 0 });
    const nobody = new ExternalRtpengine({ address: { host: "127.0.0.1", port: await freePort() } });
    await Promise.all([external.start(), nobody.start()]);
    expect(external.status()).toMatchObject({ kind: "external", up: true, pid: undefined });
    expect(nobody.status()).toMatchObject({ up: false, state: "down" });
    expect(nobody.status().lastError).toMatch(/no reply/);
    await Promise.all([external.stop(), nobody.stop()]);
  });

  it("restarts rtpengine after SIGKILL and reports the restart", async () => {
    const before = supervisor.status();
    const oldPid = before.pid!;
    process.kill(oldPid, "SIGKILL");
    await waitFor(() => supervisor.status().state === "down", 2000);
    expect(supervisor.status().lastError).toContain("SIGKILL");
    await waitFor(() => supervisor.status().up, 5000);
    const after = supervisor.status();
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.pid).not.toBe(oldPid);
    expect(await supervisor.client.ping()).toBeGreaterThan(0);
    expect(states.map((s) => s.state)).toEqual(["starting", "up", "down", "starting", "up"]);
  });

  it("stops the child with SIGTERM", async () => {
    const pid = supervisor.status().pid!;
    await supervisor.stop();
    expect(supervisor.status()).toMatchObject({ state: "stopped", up: false, pid: undefined });
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
