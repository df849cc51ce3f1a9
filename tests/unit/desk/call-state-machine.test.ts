import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CALL_STATES,
  CALL_TRANSITIONS,
  callTransition,
  canTakeOffer,
  IllegalCallTransitionError,
  tryCallTransition,
  type CallEvent,
  type CallState,
} from "../../../app/desk/call-state-machine";

const EVENTS: CallEvent[] = ["offer", "dial", "answered", "declined", "cancelled", "hungup", "ended", "failed"];

describe("softphone call state machine", () => {
  it("walks the normal lives of a call", () => {
    const answeredAndHungUp: CallEvent[] = ["offer", "answered", "hungup"];
    expect(answeredAndHungUp.reduce(callTransition, "idle" as CallState)).toBe("idle");
    expect(callTransition("idle", "offer")).toBe("ringing");
    expect(callTransition("ringing", "answered")).toBe("talking");
    expect(callTransition("talking", "ended")).toBe("idle");
    expect(callTransition("ringing", "cancelled")).toBe("idle");
    expect(callTransition("ringing", "declined")).toBe("idle");
    expect(callTransition("ringing", "failed")).toBe("idle");
  });

  it("is exactly this table: every other move is illegal", () => {
    const legal = new Set(["idle/offer", "ringing/answered", "ringing/declined", "ringing/cancelled", "ringing/failed", "talking/hungup", "talking/ended", "talking/failed",
      // Outbound: dialled, then answered, given up (CANCEL), refused/busy/no answer, or ended by the server.
      "idle/dial", "dialling/answered", "dialling/hungup", "dialling/failed", "dialling/ended"]);
    for (const state of CALL_STATES) {
      for (const event of EVENTS) {
        const key = `${state}/${event}`;
        if (legal.has(key)) {
          expect(tryCallTransition(state, event), key).toBeDefined();
        } else {
          expect(tryCallTransition(state, event), key).toBeUndefined();
          expect(() => callTransition(state, event), key).toThrow(IllegalCallTransitionError);
        }
      }
    }
  });

  it("refuses the moves that would make the desk lie", () => {
    // Answering a call that is not ringing, hanging up a call that is not up, a second offer.
    expect(() => callTransition("idle", "answered")).toThrow(/answered in state idle/);
    expect(() => callTransition("ringing", "hungup")).toThrow(IllegalCallTransitionError);
    expect(() => callTransition("talking", "offer")).toThrow(IllegalCallTransitionError);
    expect(() => callTransition("talking", "cancelled")).toThrow(IllegalCallTransitionError);
  });

  it("takes a new offer only when idle (otherwise 486 Busy Here)", () => {
    expect(canTakeOffer("idle")).toBe(true);
    expect(canTakeOffer("ringing")).toBe(false);
    expect(canTakeOffer("talking")).toBe(false);
  });

  it("walks an outbound call: dialled, answered, hung up; or given up while it rings", () => {
    expect((["dial", "answered", "hungup"] as CallEvent[]).reduce(callTransition, "idle" as CallState)).toBe("idle");
    expect(callTransition("idle", "dial")).toBe("dialling");
    expect(callTransition("dialling", "failed")).toBe("idle");
    expect(canTakeOffer("dialling")).toBe(false);
    expect(() => callTransition("dialling", "declined")).toThrow(IllegalCallTransitionError);
  });

  it("only ever reaches the shown states, and every state can get back to idle", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 40 }), (events) => {
        let state: CallState = "idle";
        for (const event of events) {
          state = tryCallTransition(state, event) ?? state;
          expect(CALL_STATES).toContain(state);
          const endings = Object.entries(CALL_TRANSITIONS[state]).filter(([, to]) => to === "idle");
          expect(state === "idle" || endings.length > 0).toBe(true);
        }
      }),
    );
  });
});
