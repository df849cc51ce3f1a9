/**
 * The outbound call session with fakes (no sockets, no rtpengine): the operator's leg, the trunk's transaction layer
 * and the media are plain objects that record what the session did to them.
 */
import { describe, expect, it } from "vitest";
import { createRequest, createResponse, type SipRequest, type SipResponse } from "../../../server/sip";
import { silentLogger } from "../../../server/logger";
import { OutboundCallSession, type OutboundResult } from "../../../server/calls/outbound-call-session";
import type { OutboundMedia } from "../../../server/calls/outbound-media";
import type { TrunkLeg } from "../../../server/telephony/b2bua";

const SDP = "v=0\r\nm=audio 4000 RTP/AVP 8\r\n";

/** The operator's leg as the session sees it: what it was told to do. */
function fakeLeg() {
  const sent: number[] = [];
  const leg = {
    invite: createRequest({
      method: "INVITE",
      uri: "sip:0142000000@hotline.invalid",
      headers: [
        ["Via", "SIP/2.0/WSS op.invalid;branch=z9hG4bK-op"],
        ["From", "<sip:olga@hotline.invalid>;tag=op-from"],
        ["To", "<sip:0142000000@hotline.invalid>"],
        ["Call-ID", "op-call"],
        ["CSeq", "1 INVITE"],
      ],
      body: SDP,
    }),
    localTag: "op-tag",
    ended: false,
    answered: undefined as string | undefined,
    rejected: undefined as number | undefined,
    hungUp: false,
    dialog: undefined,
    /** Typed-event subscriptions, as TrunkLeg's: the test ends the leg by emitting `ended`. */
    listeners: new Set<(reason: string) => void>(),
    on(_event: "ended", listener: (reason: string) => void) {
      this.listeners.add(listener);
      return this;
    },
    off(_event: "ended", listener: (reason: string) => void) {
      this.listeners.delete(listener);
      return this;
    },
    emitEnded(reason: string) {
      for (const listener of [...this.listeners]) listener(reason);
    },
    transaction: { respond: (response: SipResponse) => sent.push(response.status) },
    stampSdp: (sdp: string) => sdp,
    answer(sdp: string) {
      this.answered = sdp;
    },
    reject(status: number) {
      this.rejected = status;
      this.ended = true;
    },
    hangup() {
      this.hungUp = true;
      this.ended = true;
    },
  };
  return { leg, sent };
}

/** The trunk side: every request the session sends, and a way to answer the last INVITE. */
function fakeLayer() {
  const requests: Array<{ request: SipRequest; user: { onResponse(r: SipResponse): void } }> = [];
  return {
    requests,
    layer: {
      sendRequest: (request: SipRequest, _destination: unknown, user: { onResponse(r: SipResponse): void }) => {
        requests.push({ request, user });
        return {} as never;
      },
      sendStateless: async (request: SipRequest) => {
        requests.push({ request, user: { onResponse: () => {} } });
      },
    },
    /** Responds to the last INVITE. */
    respond(status: number, options: Parameters<typeof createResponse>[2] = {}) {
      const invite = [...requests].reverse().find((r) => r.request.method === "INVITE")!;
      invite.user.onResponse(createResponse(invite.request, status, { toTag: "trunk-tag", ...options }));
    },
    methods: () => requests.map((r) => r.request.method),
  };
}

function fakeMedia() {
  const calls: string[] = [];
  const media = {
    offerToTrunk: async () => (calls.push("offer"), SDP),
    trunkAnswered: async (tag: string) => (calls.push(`answer:${tag}`), "operator-sdp"),
    close: async () => void calls.push("close"),
  } as unknown as OutboundMedia;
  return { media, calls };
}

async function session(ringTimeoutMs = 5_000) {
  const { leg, sent } = fakeLeg();
  const trunk = fakeLayer();
  const { media, calls } = fakeMedia();
  let now = 1_000;
  const watched: string[] = [];
  const trunkBye = { send: () => {} };
  const s = new OutboundCallSession({
    leg: leg as unknown as TrunkLeg,
    number: "0142000000",
    callerId: "+15550009999",
    trunk: { layer: trunk.layer, local: { hostport: "127.0.0.1:5060", transport: "UDP" }, destination: { transport: "UDP", address: "127.0.0.1", port: 5070 }, domain: "provider.test", credentials: undefined },
    media,
    ringTimeoutMs,
    watchTrunkDialog: (_dialog, onBye) => {
      trunkBye.send = onBye;
      watched.push("watch");
      return () => watched.push("unwatch");
    },
    now: () => now,
    logger: silentLogger,
  });
  const results: OutboundResult[] = [];
  s.on("ended", (result) => results.push(result));
  await s.start();
  return { s, leg, sent, trunk, calls, results, watched, trunkBye, advance: (ms: number) => (now += ms) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("outbound call session", () => {
  it("rings, is answered, and ends with the operator's BYE: BYE to the trunk, answered with talk time", async () => {
    const h = await session();
    expect(h.trunk.methods()).toEqual(["INVITE"]);
    const invite = h.trunk.requests[0]!.request;
    expect(invite.uri).toBe("sip:0142000000@provider.test");
    expect(invite.headers.get("From")).toMatch(/^<sip:\+15550009999@provider\.test>;tag=/);
    expect(invite.headers.get("P-Asserted-Identity")).toBe("<sip:+15550009999@provider.test>");
    h.trunk.respond(180);
    await tick();
    expect(h.s.state).toBe("ringing");
    expect(h.sent).toEqual([180]);
    h.trunk.respond(200, { headers: [["Contact", "<sip:gw@127.0.0.1:5070>"]], body: SDP });
    await tick();
    expect(h.s.state).toBe("answered");
    expect(h.leg.answered).toBe("operator-sdp");
    expect(h.calls).toEqual(["offer", "answer:trunk-tag"]);
    h.advance(42_000);
    h.leg.emitEnded("bye");
    expect(h.trunk.methods()).toEqual(["INVITE", "ACK", "BYE"]);
    expect(h.results).toEqual([{ outcome: "answered", answeredAt: 1_000, endedAt: 43_000, endedBy: "operator", reason: "bye" }]);
    expect(h.watched).toEqual(["watch", "unwatch"]);
    expect(h.calls.at(-1)).toBe("close");
  });

  it("the trunk's BYE ends the operator's leg with BYE, ended by the called party", async () => {
    const h = await session();
    h.trunk.respond(200, { headers: [["Contact", "<sip:gw@127.0.0.1:5070>"]], body: SDP });
    await tick();
    h.trunkBye.send();
    expect(h.leg.hungUp).toBe(true);
    expect(h.trunk.methods()).toEqual(["INVITE", "ACK"]);
    expect(h.results).toEqual([expect.objectContaining({ outcome: "answered", endedBy: "caller", reason: "bye" })]);
  });

  it("busy from the trunk goes to the operator as 486 and is recorded busy; nothing is sent after", async () => {
    const h = await session();
    h.trunk.respond(486);
    await tick();
    expect(h.leg.rejected).toBe(486);
    expect(h.results).toEqual([expect.objectContaining({ outcome: "busy", endedBy: "caller", reason: "486" })]);
    expect(h.s.state).toBe("ended");
  });

  it("the operator hanging up while it rings sends CANCEL and counts as no answer, once", async () => {
    const h = await session();
    h.trunk.respond(180);
    await tick();
    h.leg.ended = true;
    h.leg.emitEnded("cancel");
    expect(h.trunk.methods()).toContain("CANCEL");
    // The trunk's 487 after the CANCEL changes nothing.
    h.trunk.respond(487);
    expect(h.results).toEqual([expect.objectContaining({ outcome: "no_answer", endedBy: "operator", reason: "cancel" })]);
  });

  it("gives up after the ring time: CANCEL, 480 to the operator, no answer", async () => {
    const h = await session(30);
    h.trunk.respond(180);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(h.trunk.methods()).toContain("CANCEL");
    expect(h.leg.rejected).toBe(480);
    expect(h.results).toEqual([expect.objectContaining({ outcome: "no_answer", endedBy: "system", reason: "ring-timeout" })]);
  });

  it("a completed consultation hands the answered trunk leg over: BYE to the operator, media closed, the trunk kept", async () => {
    const h = await session();
    expect(h.s.handOver()).toBeUndefined();
    h.trunk.respond(200, { headers: [["Contact", "<sip:gw@127.0.0.1:5070>"]], body: SDP });
    await tick();
    expect(h.s.trunkDialog).toBeDefined();
    const call = h.s.handOver();
    expect(call).toBeDefined();
    expect(h.leg.hungUp).toBe(true);
    expect(h.trunk.methods()).toEqual(["INVITE", "ACK"]);
    expect(h.watched).toEqual(["watch", "unwatch"]);
    expect(h.calls.at(-1)).toBe("close");
    expect(h.results).toEqual([expect.objectContaining({ outcome: "answered", endedBy: "operator", reason: "transferred" })]);
    // The trunk leg now belongs to the caller's call: its BYE is sent through the call handed over.
    call!.hangup();
    expect(h.trunk.methods()).toEqual(["INVITE", "ACK", "BYE"]);
  });
});
