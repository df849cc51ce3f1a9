import { describe, expect, it } from "vitest";
import { agentsNeeded, averageSpeedOfAnswer, erlangB, erlangC, serviceLevel } from "../../../server/reports/erlang-c";

/** The textbook form with factorials and powers, for small cases: A^N/N! · N/(N-A) / (Σ A^k/k! + A^N/N! · N/(N-A)). */
function erlangCDirect(a: number, n: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < n; k += 1) {
    sum += term;
    term = (term * a) / (k + 1);
  }
  const top = term * (n / (n - a));
  return top / (sum + top);
}

describe("Erlang C", () => {
  it("matches published table values: 10 Erlang offered to 11, 12 and 13 agents", () => {
    // Erlang C tables: P(wait) for A = 10 is 0.6821 (N = 11), 0.4494 (N = 12), 0.2853 (N = 13).
    expect(erlangC(10, 11)).toBeCloseTo(0.6821, 4);
    expect(erlangC(10, 12)).toBeCloseTo(0.4494, 4);
    expect(erlangC(10, 13)).toBeCloseTo(0.2853, 4);
  });

  it("gives the service level and ASA of 10 Erlang, 12 agents, 20 s target, 180 s AHT", () => {
    // SL = 1 - 0.4494·e^(-2·20/180) = 0.6402; ASA = 0.4494·180/2 = 40.4 s.
    expect(serviceLevel(10, 12, 20, 180)).toBeCloseTo(0.6402, 3);
    expect(averageSpeedOfAnswer(10, 12, 180)).toBeCloseTo(40.4, 1);
  });

  it("agrees with the direct formula and stays finite for large systems", () => {
    for (const [a, n] of [[2, 3], [5, 7], [17.5, 20], [40, 45]] as const) expect(erlangC(a, n)).toBeCloseTo(erlangCDirect(a, n), 10);
    const big = erlangC(900, 930);
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(1);
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 12);
  });

  it("finds the fewest agents for a target", () => {
    // 200 calls/h x 180 s = 10 Erlang: 12 agents give 64 % in 20 s, 13 give 79.6 % (1 - 0.2853·e^(-60/180)),
    // 14 give 88.8 %: 14 is the first to reach 80 %.
    expect(serviceLevel(10, 13, 20, 180)).toBeCloseTo(0.7956, 3);
    expect(agentsNeeded(200, 180, 0.8, 20)).toBe(14);
    expect(agentsNeeded(200, 180, 0.6, 20)).toBe(12);
    expect(agentsNeeded(0, 180, 0.8, 20)).toBe(0);
  });

  it("has no service when the agents cannot keep up", () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(serviceLevel(10, 9, 20, 180)).toBe(0);
    expect(averageSpeedOfAnswer(10, 10, 180)).toBe(Number.POSITIVE_INFINITY);
  });
});
