import { describe, expect, it } from "vitest";
import { qualityBetween, QUALITY_LIMITS } from "../../../app/desk/use-call-quality";

const sample = (received: number, lost: number, jitterS = 0.01, rttS = 0.05) => ({ received, lost, jitterS, rttS });

describe("live call quality from getStats", () => {
  it("loss is counted over the interval, not since the call began", () => {
    // 1000 packets earlier with 100 lost; in the last interval 100 received and none lost.
    expect(qualityBetween(sample(900, 100), sample(1000, 100))).toEqual({ lossPercent: 0, jitterMs: 10, rttMs: 50, poor: false });
    expect(qualityBetween(sample(1000, 0), sample(1090, 10)).lossPercent).toBe(10);
  });

  it("warns past any limit: loss, jitter or round trip", () => {
    expect(QUALITY_LIMITS).toEqual({ lossPercent: 5, jitterMs: 50, rttMs: 400 });
    expect(qualityBetween(sample(0, 0), sample(94, 6)).poor).toBe(true);
    expect(qualityBetween(sample(0, 0), sample(95, 5)).poor).toBe(false);
    expect(qualityBetween(sample(0, 0), sample(100, 0, 0.051)).poor).toBe(true);
    expect(qualityBetween(sample(0, 0), sample(100, 0, 0.01, 0.401)).poor).toBe(true);
  });

  it("no packet in the interval is no loss (and a counter reset is not negative loss)", () => {
    expect(qualityBetween(sample(100, 5), sample(100, 5)).lossPercent).toBe(0);
    expect(qualityBetween(sample(100, 5), sample(150, 2)).lossPercent).toBe(0);
  });
});
