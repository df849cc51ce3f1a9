import { describe, expect, it } from "vitest";
import { dialFailureOf, isDialable } from "../../../app/desk/outbound-dial-rules";
import { OUTBOUND_TRANSITIONS, outcomeOf } from "../../../server/calls/outbound-call-session";
import { isWebRtcSdp } from "../../../server/calls/outbound-media";
import { isCallbackNumber } from "../../../server/queue/callback-number";

describe("outbound call outcomes", () => {
  it("names the record's outcome from the trunk's final status (RFC 3261 §21)", () => {
    expect([486, 600].map(outcomeOf)).toEqual(["busy", "busy"]);
    expect([408, 480, 487].map(outcomeOf)).toEqual(["no_answer", "no_answer", "no_answer"]);
    expect([403, 404, 488, 500, 503, 603].map(outcomeOf)).toEqual(Array(6).fill("failed"));
  });

  it("tells the operator why a dialled call did not connect", () => {
    expect(dialFailureOf(403)).toBe("refused");
    expect(dialFailureOf(486)).toBe("busy");
    expect(dialFailureOf(487)).toBe("no-answer");
    expect(dialFailureOf(503)).toBe("no-trunk");
    expect(dialFailureOf(404)).toBe("failed");
  });

  it("the session's table only moves forward and ends once", () => {
    expect(OUTBOUND_TRANSITIONS.ended).toEqual([]);
    expect(OUTBOUND_TRANSITIONS.answered).toEqual(["ended"]);
    expect(OUTBOUND_TRANSITIONS.ringing).not.toContain("dialling");
  });

  it("the dial pad takes typed phone numbers only", () => {
    expect(isDialable("01 42 00 00 00")).toBe(true);
    expect(isDialable("+33 (0)1 42")).toBe(true);
    expect(isDialable("sip:x@y")).toBe(false);
    expect(isDialable("--")).toBe(false);
  });

  it("tells WebRTC offers from plain RTP ones, and callable caller numbers from hidden ones", () => {
    expect(isWebRtcSdp("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n")).toBe(true);
    expect(isWebRtcSdp("v=0\r\nm=audio 4000 RTP/AVP 0 8\r\n")).toBe(false);
    expect(isCallbackNumber("+33 6 00 00 00 01")).toBe(true);
    expect(["anonymous", "test:admin", "", "12"].some(isCallbackNumber)).toBe(false);
  });
});
