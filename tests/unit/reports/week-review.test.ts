import { describe, expect, it } from "vitest";
import { NO_CALLS, type CallAggregate } from "../../../db/queries/call-reports";
import { figuresOf, SERVICE_LEVEL_TARGET, type CallReport } from "../../../server/reports/call-report";
import { periodOfDays } from "../../../server/reports/period";
import { reviewOf } from "../../../server/reports/week-review";

const figures = (agg: Partial<CallAggregate>) => figuresOf({ ...NO_CALLS, ...agg });
const answered = (calls: number, handleS: number, extra: Partial<CallAggregate> = {}) =>
  figures({ calls, offered: calls, answered: calls, answeredInSl: calls, handled: calls, handleS: calls * handleS, ...extra });

function report(parts: Partial<CallReport>): CallReport {
  return {
    period: periodOfDays("2026-11-02", "2026-11-08", "UTC"),
    summary: figures({}),
    callbacks: { requested: 0, done: 0 },
    byQueue: [], byOperator: [], byTopic: [], byNumber: [], byDay: [], byHourOfDay: [], byWeekdayHour: [], staffing: [], answersUsed: [],
    targetLevel: SERVICE_LEVEL_TARGET,
    ...parts,
  };
}

describe("the review's statements", () => {
  it("says nothing about a period without calls", () => {
    expect(reviewOf(report({}))).toEqual({ strengths: [], weaknesses: [] });
  });

  it("praises a met target, few abandons and hours staffed as Erlang C asks; flags a slow topic, uneven load and open callbacks", () => {
    const review = reviewOf(
      report({
        summary: answered(200, 180, { abandoned: 5, answeredInSl: 190, abandonedWaitS: 150 }),
        staffing: [{ slot: "2026-11-03T10", offered: 40, needed: 4, loggedIn: 4.5 }],
        byTopic: [{ key: "access", ...answered(20, 300) }, { key: "billing", ...answered(180, 160) }],
        byOperator: [{ key: "1", name: "Ann", time: null, ...answered(150, 180) }, { key: "2", name: "Bob", time: null, ...answered(50, 180) }],
        callbacks: { requested: 3, done: 1 },
      }),
    );
    expect(review.strengths.map((s) => s.key)).toEqual(["serviceLevelMet", "abandonLow", "staffedEveryHour"]);
    expect(review.weaknesses.map((s) => s.key)).toEqual(["longTopic", "loadUnbalanced", "callbacksOpen"]);
    expect(review.weaknesses[0]!.values).toMatchObject({ topic: { value: "access" }, aht: { value: 300 }, overall: { value: 180 } });
    expect(review.weaknesses[2]!.values).toMatchObject({ open: { value: 2 }, requested: { value: 3 } });
  });

  it("does not size hours before any call was handled, and lists the worst under-staffed hours first, five at most", () => {
    expect(reviewOf(report({ summary: figures({ calls: 3, offered: 3, abandoned: 3 }), staffing: [{ slot: "2026-11-03T10", offered: 3, needed: null, loggedIn: 0 }] })).weaknesses.map((w) => w.key)).toEqual([
      "serviceLevelMissed",
      "abandonHigh",
    ]);
    const staffing = Array.from({ length: 7 }, (_, i) => ({ slot: `2026-11-03T${String(9 + i).padStart(2, "0")}`, offered: 40, needed: 4 + i, loggedIn: 3 }));
    const review = reviewOf(report({ summary: answered(280, 180), staffing }));
    const hours = review.weaknesses.filter((w) => w.key === "understaffedHour").map((w) => w.values.slot);
    expect(hours).toEqual(["15", "14", "13", "12", "11"].map((h) => ({ kind: "slot", value: `2026-11-03T${h}` })));
    expect(review.weaknesses.find((w) => w.key === "understaffedMore")?.values.more).toEqual({ kind: "count", value: 2 });
  });

  it("does not judge the hour that is not over: a current hour with 100 % service level is not 'under-staffed'", () => {
    const review = reviewOf(
      report({
        summary: answered(1, 120),
        staffing: [
          { slot: "2026-11-03T09", offered: 1, needed: 1, loggedIn: 1 },
          { slot: "2026-11-03T10", offered: 1, needed: 1, loggedIn: 0.1, ongoing: true },
        ],
      }),
    );
    expect(review.weaknesses.map((w) => w.key)).toEqual([]);
    expect(review.strengths.find((s) => s.key === "staffedEveryHour")?.values.hours).toEqual({ kind: "count", value: 1 });
    // The same hour, once over, is judged.
    const later = reviewOf(report({ summary: answered(1, 120), staffing: [{ slot: "2026-11-03T10", offered: 1, needed: 1, loggedIn: 0.1 }] }));
    expect(later.weaknesses.map((w) => w.key)).toEqual(["understaffedHour"]);
  });
});
