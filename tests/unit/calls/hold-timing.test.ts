import { describe, expect, it } from "vitest";
import { HoldTiming } from "../../../server/calls/session/hold-timing";

function timing() {
  let now = 1_000;
  const written: number[] = [];
  const hold = new HoldTiming(() => now, (holdMs) => written.push(holdMs));
  return { hold, written, advance: (ms: number) => void (now += ms) };
}

describe("a call's hold time (AHT: the caller's and the desk's holds)", () => {
  it("sums the caller's holds and the desk's holds, writing the total at the end of each", () => {
    const { hold, written, advance } = timing();
    hold.callerHeld(true);
    advance(4_000);
    hold.callerHeld(false);
    hold.deskHeld();
    advance(6_000);
    expect(hold.deskResumed()).toBe(6_000);
    expect(written).toEqual([4_000, 10_000]);
  });

  it("a repeated caller hold keeps its start; a resume without a hold, or a second desk resume, changes nothing", () => {
    const { hold, written, advance } = timing();
    hold.callerHeld(true);
    advance(2_000);
    hold.callerHeld(true);
    expect(hold.callerHeldSince).toBe(1_000);
    advance(1_000);
    hold.callerHeld(false);
    hold.callerHeld(false);
    expect(hold.deskResumed()).toBe(0);
    expect(written).toEqual([3_000]);
    expect(hold.callerHeldSince).toBeUndefined();
  });

  it("tells whether the desk holds, so a consultation from a held call keeps the hold's start", () => {
    const { hold, advance } = timing();
    expect(hold.deskHolding).toBe(false);
    hold.deskHeld();
    advance(5_000);
    expect(hold.deskHolding).toBe(true);
    expect(hold.deskResumed()).toBe(5_000);
    expect(hold.deskHolding).toBe(false);
  });
});
