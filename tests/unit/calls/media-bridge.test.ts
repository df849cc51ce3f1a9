import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MediaBridge, MediaBridgeStateError, UnsupportedTrunkSdpError } from "../../../server/calls/media-bridge.js";
import type { BencodeDict } from "../../../server/media/bencode.js";
import { NgClient } from "../../../server/media/ng-client.js";
import { FakeNgTransport, type SeenRequest } from "../media/fake-ng-transport.js";

const TRUNK_OFFER = [
  "v=0",
  "o=- 1 1 IN IP4 192.0.2.10",
  "s=Trunk",
  "c=IN IP4 192.0.2.10",
  "t=0 0",
  "m=audio 30000 RTP/AVP 8 0 101",
  "a=rtpmap:101 telephone-event/8000",
  "a=fmtp:101 0-16",
  "a=sendrecv",
  "",
].join("\r\n");

/** SDP a fake rtpengine hands back: its address and a port; `extra` lines for the browser/trunk flavours. */
const rtpengineSdp = (port: number, extra: string[] = []): string =>
  ["v=0", "o=- 1 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 203.0.113.5", "t=0 0", `m=audio ${port} RTP/AVP 8 101`, ...extra, ""]
    .join("\r\n");

/** A fake rtpengine that answers every command ok; offer/answer replies carry `sdpFor(request)`. */
function fakeRtpengine(sdpFor: (req: SeenRequest) => string = () => rtpengineSdp(40000)) {
  const transport = new FakeNgTransport();
  transport.responder = (req): BencodeDict => {
    const command = req.dict["command"];
    if (command === "offer" || command === "answer") return { result: "ok", sdp: sdpFor(req) };
    if (command === "play media") return { result: "ok", duration: 6500 };
    return { result: "ok" };
  };
  const ng = new NgClient({ host: "127.0.0.1", port: 2223 }, { transportFactory: transport.factory, timeoutMs: 50 });
  return { transport, ng };
}

/** "command from-tag->to-tag [via-branch]" of every request, the shape the assertions compare. */
const summary = (sent: SeenRequest[]): string[] =>
  sent.map((r) => {
    const d = r.dict;
    const tags = [d["from-tag"], d["to-tag"]].filter((t) => t !== undefined).join("->");
    const via = d["via-branch"] === undefined ? "" : ` via=${String(d["via-branch"])}`;
    return `${String(d["command"])} ${tags}${via}`.trim();
  });

const byCommand = (sent: SeenRequest[], command: string): BencodeDict[] =>
  sent.filter((r) => r.dict["command"] === command).map((r) => r.dict);

const flagsOf = (dict: BencodeDict | undefined): unknown => dict?.["flags"];

describe("MediaBridge ng sequence", () => {
  let transport: FakeNgTransport;
  let ng: NgClient;
  let bridge: MediaBridge;

  beforeEach(() => {
    ({ transport, ng } = fakeRtpengine());
    bridge = new MediaBridge(ng, "call-1", { trunkTag: "ft", soundsDir: "/srv/sounds" });
  });
  afterEach(() => ng.close());

  it("answers the caller: offer from the trunk tag, then the placeholder answer to the queue tag", async () => {
    const sdp = await bridge.answerCaller(TRUNK_OFFER);
    expect(summary(transport.sent)).toEqual(["offer ft via=ft-queue", "answer ft->ft-queue via=ft-queue"]);
    const [offer, answer] = transport.sent.map((r) => r.dict);
    // The trunk's full offer goes in; the placeholder answer keeps the trunk's PCMA first and its PT 101.
    expect(offer?.["sdp"]).toBe(TRUNK_OFFER);
    expect(answer?.["sdp"]).toContain("m=audio 9 RTP/AVP 8 101");
    // The placeholder points at rtpengine's own address (from the offer reply), port 9.
    expect(answer?.["sdp"]).toContain("c=IN IP4 203.0.113.5");
    // Trunk-facing flags both times, with port-latching so the trunk port never moves.
    for (const dict of [offer, answer]) {
      expect(dict?.["transport-protocol"]).toBe("RTP/AVP");
      expect(dict?.["ICE"]).toBe("remove");
      // No inject-DTMF: rtpengine forwards without decoding until an operator uses the keypad.
      expect(flagsOf(dict)).toEqual(["trust-address", "strip-extmap", "port-latching"]);
    }
    expect(sdp).toBe(rtpengineSdp(40000)); // finishTrunkSdp leaves clean trunk SDP unchanged
    expect(bridge.state).toBe("parked");
  });

  it("rejects a trunk offer without G.711 before talking to rtpengine", async () => {
    const g729 = TRUNK_OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 18").replace(/a=rtpmap:101[^\r]*\r\n/, "");
    await expect(bridge.answerCaller(g729)).rejects.toBeInstanceOf(UnsupportedTrunkSdpError);
    expect(transport.sent).toEqual([]);
  });

  it("plays sounds to the trunk tag, loops hold music, and treats 'not playing' as stopped", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    transport.sent.length = 0;
    expect(await bridge.playToCaller("greeting")).toBe(6500);
    await bridge.playToCaller("hold-music", { loop: true });
    const plays = byCommand(transport.sent, "play media");
    expect(plays.map((p) => [p["from-tag"], p["file"], p["repeat-times"]])).toEqual([
      ["ft", "/srv/sounds/greeting.wav", undefined],
      ["ft", "/srv/sounds/hold-music.wav", 100_000],
    ]);
    expect(bridge.nowPlaying).toBe("hold-music");

    transport.responder = () => ({ result: "error", "error-reason": "Not currently playing media" });
    await bridge.stopCallerPlayback();
    expect(bridge.nowPlaying).toBeUndefined();
  });

  it("offers, abandons, offers again and bridges: one fresh via-branch per attempt", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    transport.sent.length = 0;
    transport.responder = (req) => {
      const browser = req.dict["command"] === "offer" && req.dict["ICE"] === "force";
      return { result: "ok", sdp: rtpengineSdp(browser ? 41000 : 40000, browser ? ["a=mid:1"] : []) };
    };

    const offer1 = await bridge.offerToOperator("op-1");
    expect(offer1).toContain("a=group:BUNDLE 1"); // finishBrowserSdp restored the group
    expect(bridge.state).toBe("offering");
    const abandoned = await bridge.abandonOperatorAttempt("op-1");
    expect(abandoned.trunkSdpChanged).toBe(false);
    await bridge.offerToOperator("op-2");
    const bridged = await bridge.operatorAnswered("op-2", "v=0\r\nbrowser-answer\r\n");
    expect(bridged.trunkSdpChanged).toBe(false);

    expect(summary(transport.sent)).toEqual([
      "offer ft via=op-1",
      "offer ft via=ft-queue",
      "answer ft->ft-queue via=ft-queue",
      "offer ft via=op-2",
      "answer ft->op-2 via=op-2",
      "stop media ft",
    ]);
    const offers = byCommand(transport.sent, "offer");
    // Browser-facing flags for the attempts, and the narrowed trunk SDP (agreed codec only) as the re-offer.
    expect(offers[0]).toMatchObject({ ICE: "force", "transport-protocol": "UDP/TLS/RTP/SAVPF" });
    expect(flagsOf(offers[0])).toEqual(["trust-address", "generate-mid", "port-latching"]);
    expect(offers[0]?.["sdp"]).toContain("m=audio 30000 RTP/AVP 8 101\r\n");
    expect(offers[0]?.["sdp"]).not.toContain("PCMU");
    // The browser's answer goes in with trunk-facing flags (rtpengine's output is for the trunk).
    const answer = byCommand(transport.sent, "answer")[1];
    expect(answer).toMatchObject({ sdp: "v=0\r\nbrowser-answer\r\n", "transport-protocol": "RTP/AVP" });
    expect(bridge.state).toBe("bridged");
    expect(bridge.attempt).toBe("op-2");
  });

  it("refuses late answers and re-used attempt tags; ignores a stale abandon", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    await bridge.offerToOperator("op-1");
    await bridge.abandonOperatorAttempt("op-1");
    await bridge.offerToOperator("op-2");
    const sent = transport.sent.length;
    await expect(bridge.operatorAnswered("op-1", "v=0\r\n")).rejects.toThrow(/not the current one/);
    await bridge.abandonOperatorAttempt("op-1"); // e.g. a CANCEL's 487 arriving late: nothing to do
    expect(transport.sent.length).toBe(sent);
    await bridge.abandonOperatorAttempt("op-2");
    await expect(bridge.offerToOperator("op-1")).rejects.toBeInstanceOf(MediaBridgeStateError);
    await expect(bridge.offerToOperator("ft-queue")).rejects.toThrow(/already used/);
  });

  it("reports a trunk port move so the B2BUA can re-INVITE", async () => {
    let answers = 0;
    transport.responder = (req) => {
      if (req.dict["command"] === "answer") answers++;
      return { result: "ok", sdp: rtpengineSdp(answers >= 2 ? 40100 : 40000) };
    };
    await bridge.answerCaller(TRUNK_OFFER);
    await bridge.offerToOperator("op-1");
    const result = await bridge.operatorAnswered("op-1", "v=0\r\n");
    expect(result.trunkSdpChanged).toBe(true);
    expect(result.trunkSdp).toContain("m=audio 40100 ");
  });

  it("on operator loss parks again and plays music, or the apology and then music", async () => {
    vi.useFakeTimers();
    try {
      await bridge.answerCaller(TRUNK_OFFER);
      await bridge.offerToOperator("op-1");
      await bridge.operatorAnswered("op-1", "v=0\r\n");
      transport.sent.length = 0;
      await bridge.operatorLegLost();
      expect(summary(transport.sent)).toEqual(["offer ft via=ft-queue", "answer ft->ft-queue via=ft-queue", "play media ft"]);
      expect(byCommand(transport.sent, "play media")[0]?.["file"]).toBe("/srv/sounds/hold-music.wav");

      await bridge.offerToOperator("op-2");
      await bridge.operatorAnswered("op-2", "v=0\r\n");
      transport.sent.length = 0;
      await bridge.operatorLegLost({ apology: true });
      expect(byCommand(transport.sent, "play media").map((p) => p["file"])).toEqual(["/srv/sounds/apology.wav"]);
      await vi.advanceTimersByTimeAsync(6500); // the apology's duration, as rtpengine reported it
      expect(byCommand(transport.sent, "play media").map((p) => p["file"])).toEqual([
        "/srv/sounds/apology.wav",
        "/srv/sounds/hold-music.wav",
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("operator loss is only valid while bridged", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    await expect(bridge.operatorLegLost()).rejects.toThrow(/not allowed in state parked/);
  });

  it("serialises racing calls: no ng command of one step interleaves with another", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    transport.sent.length = 0;
    const offered = bridge.offerToOperator("op-1");
    const abandoned = bridge.abandonOperatorAttempt("op-1"); // a CANCEL right behind the INVITE
    const closed = bridge.close();
    await Promise.all([offered, abandoned, closed]);
    expect(summary(transport.sent)).toEqual([
      "offer ft via=op-1",
      "offer ft via=ft-queue",
      "answer ft->ft-queue via=ft-queue",
      "delete",
    ]);
  });

  it("an operator offer does not wait for a play rtpengine has not answered yet; the operator's answer does", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    transport.sent.length = 0;
    const answerNow = transport.responder!;
    const heldPlays: string[] = [];
    transport.responder = (req, attempt) => {
      if (req.dict["command"] !== "play media") return answerNow(req, attempt);
      heldPlays.push(req.cookie);
      return undefined; // rtpengine busy: the reply comes later
    };
    const played = bridge.playToCaller("periodic");
    const offered = bridge.offerToOperator("op-1");
    const sdp = await offered; // resolved although the play has no reply yet
    expect(sdp).toContain("m=audio");
    expect(summary(transport.sent)).toEqual(["play media ft", "offer ft via=op-1"]);
    const answered = bridge.operatorAnswered("op-1", rtpengineSdp(50000));
    await new Promise((r) => setImmediate(r));
    expect(summary(transport.sent)).toHaveLength(2); // the answer (which stops playback) waits for the play
    transport.deliver(heldPlays[0]!, { result: "ok", duration: 4000 });
    expect(await played).toBe(4000);
    await answered;
    expect(summary(transport.sent).slice(2)).toEqual(["answer ft->op-1 via=op-1", "stop media ft"]);
  });

  it("close deletes once, is idempotent, and accepts a call rtpengine already forgot", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    transport.responder = () => ({ result: "error", "error-reason": "Unknown call-ID" });
    await bridge.close();
    await bridge.close();
    expect(byCommand(transport.sent, "delete")).toEqual([{ command: "delete", "call-id": "call-1" }]);
    expect(bridge.state).toBe("closed");
    await expect(bridge.playToCaller("closed")).rejects.toBeInstanceOf(MediaBridgeStateError);
  });

  it("a failed step does not wedge the queue", async () => {
    transport.responder = () => ({ result: "error", "error-reason": "load limit" });
    await expect(bridge.answerCaller(TRUNK_OFFER)).rejects.toThrow(/load limit/);
    transport.responder = (req) => ({ result: "ok", sdp: req.dict["command"] === "delete" ? undefined : rtpengineSdp(1) });
    await bridge.close();
    expect(bridge.state).toBe("closed");
  });
});

describe("MediaBridge with a browser caller (callerKind: browser)", () => {
  const CHROME_OFFER = readFileSync(new URL("../../fixtures/media/chrome-offer.sdp", import.meta.url), "utf8");
  let transport: FakeNgTransport;
  let ng: NgClient;
  let bridge: MediaBridge;

  beforeEach(() => {
    // rtpengine's replies: caller-facing SDP with a mid (as it produces for a browser), plain SDP otherwise.
    ({ transport, ng } = fakeRtpengine((req) =>
      rtpengineSdp(40000, req.dict["ICE"] === "force" ? ["a=mid:0", "a=setup:active"] : []),
    ));
    bridge = new MediaBridge(ng, "call-2", { trunkTag: "bt", soundsDir: "/srv/sounds", callerKind: "browser" });
  });
  afterEach(() => ng.close());

  it("answers with WebRTC options toward the caller, plain RTP toward the placeholder, no inject-DTMF", async () => {
    const sdp = await bridge.answerCaller(CHROME_OFFER);
    expect(summary(transport.sent)).toEqual(["offer bt via=bt-queue", "answer bt->bt-queue via=bt-queue"]);
    const [offer, answer] = transport.sent.map((r) => r.dict);
    expect(offer).toMatchObject({ ICE: "remove", DTLS: "off", "transport-protocol": "RTP/AVP", sdp: CHROME_OFFER });
    expect(flagsOf(offer)).toEqual(["trust-address", "strip-extmap", "port-latching"]);
    // The placeholder answers rtpengine's plain-RTP offer: Chrome's PCMU and 8 kHz telephone-event, RTP/AVP.
    expect(answer?.["sdp"]).toContain("m=audio 9 RTP/AVP 0 126\r\n");
    expect(answer?.["sdp"]).not.toMatch(/opus|fingerprint|ice-ufrag/);
    expect(answer).toMatchObject({ ICE: "force", "transport-protocol": "UDP/TLS/RTP/SAVPF" });
    expect(answer?.["rtcp-mux"]).toEqual(["offer", "require"]);
    // No DTLS option: rtpengine keeps the active role it took at the offer (passive was measured to fail).
    expect(answer).not.toHaveProperty("DTLS");
    expect(flagsOf(answer)).toEqual(["trust-address", "generate-mid", "port-latching"]);
    expect(sdp).toMatch(/^a=group:BUNDLE 0\r$/m); // finishBrowserSdp, not finishTrunkSdp (which strips a=mid)
    expect(sdp).toContain("a=mid:0");
  });

  it("offers operators the caller's agreed codec without its RTP header extensions, and re-answers it as a browser", async () => {
    await bridge.answerCaller(CHROME_OFFER);
    transport.sent.length = 0;
    await bridge.offerToOperator("op-1");
    const status = await bridge.operatorAnswered("op-1", "v=0\r\nbrowser-answer\r\n");

    expect(summary(transport.sent)).toEqual(["offer bt via=op-1", "answer bt->op-1 via=op-1", "stop media bt"]);
    const [offer, answer] = transport.sent.map((r) => r.dict);
    expect(offer?.["sdp"]).toContain("m=audio 9 UDP/TLS/RTP/SAVPF 0 126\r\n");
    expect(offer?.["sdp"]).not.toContain("a=extmap:");
    expect(offer?.["sdp"]).toContain("a=setup:actpass"); // the caller's own DTLS/ICE lines stay: it is its SDP
    expect(flagsOf(offer)).toEqual(["trust-address", "generate-mid", "port-latching"]);
    expect(answer).toMatchObject({ ICE: "force", "transport-protocol": "UDP/TLS/RTP/SAVPF" });
    expect(status).toMatchObject({ trunkSdpChanged: false });
    expect(status.trunkSdp).toMatch(/^a=group:BUNDLE 0\r$/m);
  });

  it("parks a browser caller again with the same caller-facing options", async () => {
    await bridge.answerCaller(CHROME_OFFER);
    const [, firstAnswer] = transport.sent.map((r) => r.dict);
    await bridge.offerToOperator("op-1");
    transport.sent.length = 0;
    await bridge.abandonOperatorAttempt("op-1");
    const [offer, answer] = transport.sent.map((r) => r.dict);
    expect(offer?.["sdp"]).not.toContain("opus"); // the narrowed SDP from now on
    expect({ ...answer, sdp: undefined }).toEqual({ ...firstAnswer, sdp: undefined });
  });
});

describe("MediaBridge offers from the caller's side (late offer, re-offers, direction)", () => {
  let transport: FakeNgTransport;
  let ng: NgClient;
  let bridge: MediaBridge;

  beforeEach(() => {
    ({ transport, ng } = fakeRtpengine());
    bridge = new MediaBridge(ng, "call-1", { trunkTag: "ft", soundsDir: "/srv/sounds" });
  });
  afterEach(() => ng.close());

  it("late offer: the placeholder offers (queue tag), the ACK's answer goes back as the trunk's answer, then the call is parked", async () => {
    const offer = await bridge.answerCaller("");
    expect(offer).toBe(rtpengineSdp(40000));
    expect(summary(transport.sent)).toEqual(["offer ft-queue"]);
    expect(transport.sent[0]?.dict["sdp"]).toContain("m=audio 9 RTP/AVP 0 8 101");
    // Nothing else runs until the answer: the greeting waits for it.
    const played = bridge.playToCaller("greeting");
    await bridge.callerAnswered(TRUNK_OFFER);
    await played;
    expect(summary(transport.sent)).toEqual([
      "offer ft-queue",
      "answer ft-queue->ft",
      "offer ft via=ft-queue",
      "answer ft->ft-queue via=ft-queue",
      "play media ft",
    ]);
    expect(bridge.state).toBe("parked");
  });

  it("a late-offer call closed before its answer still closes (the wait is abandoned)", async () => {
    await bridge.answerCaller("");
    await bridge.close();
    expect(summary(transport.sent)).toEqual(["offer ft-queue", "delete"]);
  });

  it("a sendonly caller is answered recvonly and hears nothing; the music it missed starts when it resumes", async () => {
    await bridge.answerCaller(TRUNK_OFFER.replace("a=sendrecv", "a=sendonly"));
    expect(byCommand(transport.sent, "answer")[0]?.["sdp"]).toContain("a=recvonly");
    await bridge.playToCaller("hold-music", { loop: true });
    expect(byCommand(transport.sent, "play media")).toHaveLength(0);
    await bridge.callerReoffered(TRUNK_OFFER);
    expect(byCommand(transport.sent, "answer").at(-1)?.["sdp"]).toContain("a=sendrecv");
    expect(byCommand(transport.sent, "play media")).toHaveLength(1);
  });

  it("a hold re-offer stops the music and passes the hold on (inactive placeholder answer)", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    await bridge.playToCaller("hold-music", { loop: true });
    transport.sent.length = 0;
    await bridge.callerReoffered(TRUNK_OFFER.replace("a=sendrecv", "a=inactive"));
    expect(summary(transport.sent)).toEqual(["stop media ft", "offer ft via=ft-queue", "answer ft->ft-queue via=ft-queue"]);
    expect(byCommand(transport.sent, "offer")[0]?.["sdp"]).toContain("a=inactive");
    expect(byCommand(transport.sent, "answer")[0]?.["sdp"]).toContain("a=inactive");
  });

  it("a re-offer while an operator is being offered the call is refused for now (retry later)", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    await bridge.offerToOperator("op-1");
    await expect(bridge.callerReoffered(TRUNK_OFFER)).rejects.toThrow(/outstanding/);
  });

  it("a re-offer during the conversation re-offers on the operator's branch and repeats the operator's answer", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    await bridge.offerToOperator("op-1");
    await bridge.operatorAnswered("op-1", "v=0\r\nm=audio 5000 RTP/SAVPF 8\r\n");
    transport.sent.length = 0;
    await bridge.callerReoffered(TRUNK_OFFER.replace("30000", "30100"));
    expect(summary(transport.sent)).toEqual(["offer ft via=op-1", "answer ft->op-1 via=op-1"]);
    expect(byCommand(transport.sent, "answer")[0]?.["sdp"]).toBe("v=0\r\nm=audio 5000 RTP/SAVPF 8\r\n");
  });

  it("the first keypad digit re-negotiates the operator's branch with inject-DTMF, then plays it; later digits and steps keep the flag", async () => {
    await bridge.answerCaller(TRUNK_OFFER);
    await bridge.offerToOperator("op-1");
    await bridge.operatorAnswered("op-1", "v=0\r\nm=audio 5000 RTP/SAVPF 8\r\n");
    expect(bridge.dtmfInjection).toBe(false);
    transport.sent.length = 0;
    await bridge.sendDtmf("5");
    await bridge.sendDtmf("#");
    expect(summary(transport.sent)).toEqual(["offer ft via=op-1", "answer ft->op-1 via=op-1", "play DTMF op-1", "play DTMF op-1"]);
    const [offer, answer] = [byCommand(transport.sent, "offer")[0], byCommand(transport.sent, "answer")[0]];
    expect(flagsOf(offer)).toEqual(["trust-address", "inject-DTMF", "generate-mid", "port-latching"]);
    expect(flagsOf(answer)).toEqual(["trust-address", "inject-DTMF", "strip-extmap", "port-latching"]);
    // The operator's last answer is repeated: nothing is asked of the browser.
    expect(answer?.["sdp"]).toBe("v=0\r\nm=audio 5000 RTP/SAVPF 8\r\n");
    expect(byCommand(transport.sent, "play DTMF").map((d) => [d["from-tag"], d["code"]])).toEqual([["op-1", "5"], ["op-1", "#"]]);
    expect(bridge.dtmfInjection).toBe(true);

    // Back to the queue and to the next operator: the call keeps the flag.
    await bridge.operatorLegLost();
    transport.sent.length = 0;
    await bridge.offerToOperator("op-2");
    expect(flagsOf(byCommand(transport.sent, "offer")[0])).toEqual(["trust-address", "inject-DTMF", "generate-mid", "port-latching"]);
  });
});
