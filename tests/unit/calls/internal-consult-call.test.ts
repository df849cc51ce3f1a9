/**
 * The internal call of a consultation with a colleague (server/calls/internal-consult-call.ts), with fakes: the
 * consulting operator's INVITE (a UAS leg that records its responses), the colleague's softphone leg and rtpengine.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InternalConsultCall, type InternalConsultResult } from "../../../server/calls/internal-consult-call";
import { silentLogger } from "../../../server/logger";
import { NgError, type NgClient } from "../../../server/media/ng-client";
import { OFFER_HEADERS } from "../../../server/realtime/events";
import { createRequest, type SipResponse } from "../../../server/sip";
import { FakeOperatorLeg, FakeTrunk, settle } from "./call-fakes";

/** The consulting operator's second session: their INVITE, answered by us. */
class ConsultingDesk extends FakeTrunk {
  override readonly offerSdp: string = "v=0\r\nm=audio 4000 RTP/AVP 0 8 101\r\n";
  readonly localTag = "desk-local";
  readonly dialog = undefined;
  readonly provisional: number[] = [];
  readonly transaction = { respond: (response: SipResponse) => this.provisional.push(response.status) };
  readonly invite = createRequest({
    method: "INVITE",
    uri: "sip:consult@hotline.invalid",
    headers: [
      ["Via", "SIP/2.0/WSS desk.invalid;branch=z9hG4bKdesk"],
      ["From", "<sip:amina@hotline.invalid>;tag=desk-tag"],
      ["To", "<sip:consult@hotline.invalid>"],
      ["Call-ID", "desk-call"],
      ["CSeq", "1 INVITE"],
    ],
  });
  stampSdp(sdp: string): string {
    return sdp;
  }
}

function fakeNg() {
  const ng = {
    commands: [] as Array<{ op: string; fromTag?: string; toTag?: string; sdp?: string }>,
    /** Set: the answer fails with this error. */
    failAnswer: undefined as Error | undefined,
    offer: async (p: { fromTag: string; sdp: string }) => (ng.commands.push({ op: "offer", ...p }), { sdp: "v=0\r\nm=audio 40000 RTP/AVP 0\r\n" }),
    answer: async (p: { fromTag: string; toTag: string; sdp: string }) => {
      ng.commands.push({ op: "answer", ...p });
      if (ng.failAnswer) throw ng.failAnswer;
      return { sdp: "v=0\r\nm=audio 40002 RTP/AVP 0\r\n" };
    },
    delete: async () => (ng.commands.push({ op: "delete" }), {}),
  };
  return ng;
}

function setUp() {
  const desk = new ConsultingDesk("amina", "consult");
  const colleague = new FakeOperatorLeg("3");
  const ng = fakeNg();
  const call = new InternalConsultCall({
    leg: desk as never,
    colleague: colleague as never,
    fromName: "Amina B.",
    callId: "call-1",
    ng: ng as unknown as NgClient,
    mediaCallId: "consult-1",
    ringTimeoutMs: 30_000,
    logger: silentLogger,
  });
  const results: InternalConsultResult[] = [];
  call.on("ended", (result) => results.push(result));
  return { desk, colleague, ng, call, results };
}

describe("internal consultation call", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("rings the colleague with the consulting operator's name, relays 180, and answers with rtpengine's answer", async () => {
    const { desk, colleague, ng, call } = setUp();
    await call.start();
    expect(colleague.sent).toContain("m=audio 40000");
    expect(colleague.headers).toEqual(
      expect.arrayContaining([
        [OFFER_HEADERS.callId, "call-1"],
        [OFFER_HEADERS.consultFrom, "Amina%20B."],
      ]),
    );
    expect(ng.commands[0]).toMatchObject({ op: "offer", fromTag: desk.remoteTag, sdp: desk.offerSdp });
    colleague.ring();
    expect(desk.provisional).toEqual([180]);
    expect(call.state).toBe("ringing");
    colleague.answer();
    await settle();
    expect(ng.commands[1]).toMatchObject({ op: "answer", fromTag: desk.remoteTag, toTag: colleague.localTag });
    expect(desk.answered).toContain("m=audio 40002");
    expect(call.state).toBe("answered");
  });

  it("the colleague is busy: the desk's INVITE gets 486 and the media call is deleted", async () => {
    const { desk, colleague, ng, call, results } = await started();
    colleague.decline(486);
    await settle();
    expect(desk.rejected).toBe(486);
    expect(results).toEqual([{ answered: false, reason: "486" }]);
    expect(ng.commands.at(-1)).toEqual({ op: "delete" });
    expect(call.state).toBe("ended");
  });

  it("hangup after the answer (complete or cancel): BYE to both softphones, reported once", async () => {
    const { desk, colleague, call, results } = await started();
    colleague.answer();
    await settle();
    call.hangup("consult-ended");
    call.hangup("again");
    expect(colleague.byeSent).toBe(true);
    expect(desk.ended).toBe(true);
    expect(desk.endReason).toBe("local");
    expect(results).toEqual([{ answered: true, reason: "consult-ended" }]);
  });

  it("the consulting operator gives up while it rings: CANCEL to the colleague", async () => {
    const { desk, colleague, results } = await started();
    desk.bye();
    expect(colleague.cancelled).toBe(true);
    expect(results).toEqual([{ answered: false, reason: "operator-bye" }]);
  });

  it("the colleague hangs up: the consulting operator gets BYE (reason bye)", async () => {
    const { desk, colleague, results } = await started();
    colleague.answer();
    await settle();
    colleague.drop("bye");
    expect(desk.endReason).toBe("local");
    expect(results).toEqual([{ answered: true, reason: "bye" }]);
  });

  it("nobody answers within the ring time: 480 and CANCEL", async () => {
    const { desk, colleague, results } = await started();
    vi.advanceTimersByTime(30_000);
    expect(desk.rejected).toBe(480);
    expect(colleague.cancelled).toBe(true);
    expect(results).toEqual([{ answered: false, reason: "ring-timeout" }]);
  });

  it("rtpengine fails on the colleague's answer (out of ports, any error of its own): 503 to the desk, the colleague's leg ends", async () => {
    const { desk, colleague, ng, results } = await started();
    ng.failAnswer = new NgError("answer", "Ran out of ports", {});
    colleague.answer();
    await settle();
    expect(desk.rejected).toBe(503);
    expect(colleague.byeSent).toBe(true);
    expect(results).toEqual([{ answered: false, reason: "media-failed" }]);
  });

  it("rtpengine cannot use the colleague's SDP: 488 to the desk", async () => {
    const { desk, colleague, ng } = await started();
    ng.failAnswer = new NgError("answer", "Failed to parse SDP", {});
    colleague.answer();
    await settle();
    expect(desk.rejected).toBe(488);
  });
});

async function started() {
  const parts = setUp();
  await parts.call.start();
  return parts;
}
