import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { dueAt, reviewsDue } from "../../../server/reports/review-schedule";

const PARIS = "Europe/Paris";
const at = (iso: string, zone = PARIS) => DateTime.fromISO(iso, { zone }).toMillis();

describe("weekly review schedule", () => {
  it("is first due at the start of the 8th day after the day of the first call, then every 7 days", () => {
    const first = at("2026-11-04T10:15:00");
    expect(reviewsDue(first, null, at("2026-11-10T23:59:59"), PARIS)).toEqual({ due: [], next: { fromDay: "2026-11-04", toDay: "2026-11-10" } });
    expect(reviewsDue(first, null, at("2026-11-11T00:00:00"), PARIS).due).toEqual([{ fromDay: "2026-11-04", toDay: "2026-11-10" }]);
    expect(reviewsDue(first, "2026-11-04", at("2026-11-11T00:00:00"), PARIS)).toEqual({ due: [], next: { fromDay: "2026-11-11", toDay: "2026-11-17" } });
  });

  it("catches up the periods missed while the server was down, only the latest ones", () => {
    const first = at("2026-01-05T09:00:00");
    const { due, next } = reviewsDue(first, null, at("2026-03-02T08:00:00"), PARIS, 3);
    expect(due).toEqual([
      { fromDay: "2026-02-09", toDay: "2026-02-15" },
      { fromDay: "2026-02-16", toDay: "2026-02-22" },
      { fromDay: "2026-02-23", toDay: "2026-03-01" },
    ]);
    expect(next).toEqual({ fromDay: "2026-03-02", toDay: "2026-03-08" });
    // Without a cap: the eight weeks from 2026-01-05, the first one first.
    const all = reviewsDue(first, null, at("2026-03-02T08:00:00"), PARIS, 100).due;
    expect(all).toHaveLength(8);
    expect(all[0]).toEqual({ fromDay: "2026-01-05", toDay: "2026-01-11" });
  });

  it("is due at local midnight across daylight-saving changes, and in a zone without them", () => {
    expect(dueAt({ fromDay: "2026-10-19", toDay: "2026-10-25" }, PARIS)).toBe(Date.parse("2026-10-25T23:00:00Z"));
    expect(dueAt({ fromDay: "2026-03-23", toDay: "2026-03-29" }, PARIS)).toBe(Date.parse("2026-03-29T22:00:00Z"));
    expect(dueAt({ fromDay: "2026-03-23", toDay: "2026-03-29" }, "Africa/Casablanca")).toBe(at("2026-03-30T00:00:00", "Africa/Casablanca"));
    // A first call late in the evening belongs to its local day, not to the UTC one.
    expect(reviewsDue(Date.parse("2026-11-03T23:30:00Z"), null, 0, PARIS).next.fromDay).toBe("2026-11-04");
  });
});
