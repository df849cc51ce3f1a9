import { describe, expect, it } from "vitest";
import { activeCallView, consultFailureOf } from "../../../app/desk/call-view";

const CALL = "6f1c2a9e-1111-4a5b-9c3d-000000000001";

describe("activeCallView: call controls only for the call the operator is on", () => {
  it("an inbound call the server says the operator is on: every control", () => {
    expect(activeCallView({ callId: CALL }, { id: CALL })).toEqual({ consulted: false, callControls: true, mute: true });
  });

  it("a colleague's consultation on this desk: hang-up only, no hold/keypad/transfer (they would answer not-on-this-call)", () => {
    expect(activeCallView({ callId: CALL, consultFrom: "Amina" }, undefined)).toEqual({ consulted: true, callControls: false, mute: false });
    // Even if the server still reported a call of this operator, the consultation is not it.
    expect(activeCallView({ callId: CALL, consultFrom: "Amina" }, { id: CALL })).toMatchObject({ consulted: true, callControls: false });
  });

  it("an outbound call (no call on the server's side): mute and hang-up, no call controls", () => {
    expect(activeCallView({ callId: CALL }, undefined)).toEqual({ consulted: false, callControls: false, mute: true });
  });

  it("the softphone on another call than the server's: no call controls", () => {
    expect(activeCallView({ callId: CALL }, { id: "6f1c2a9e-1111-4a5b-9c3d-000000000002" }).callControls).toBe(false);
  });
});

describe("consultFailureOf: why the consultation's INVITE was refused", () => {
  it("a number: allow-list, busy, no answer, no trunk, other", () => {
    expect(consultFailureOf(403, "number")).toBe("refused");
    expect(consultFailureOf(486, "number")).toBe("busy");
    expect(consultFailureOf(600, "number")).toBe("busy");
    expect(consultFailureOf(480, "number")).toBe("no-answer");
    expect(consultFailureOf(487, "number")).toBe("no-answer");
    expect(consultFailureOf(503, "number")).toBe("no-trunk");
    expect(consultFailureOf(500, "number")).toBe("failed");
  });

  it("a colleague: busy (on another call), not connected (480 from the server), failed", () => {
    expect(consultFailureOf(486, "colleague")).toBe("busy");
    expect(consultFailureOf(480, "colleague")).toBe("unavailable");
    expect(consultFailureOf(503, "colleague")).toBe("unavailable");
    expect(consultFailureOf(403, "colleague")).toBe("failed");
  });
});
