import { describe, expect, it } from "vitest";
import { hourIsOver, loggedInByHour } from "../../../server/reports/logged-in-hours";
import { operatorTime } from "../../../server/reports/operator-time";
import { periodOfDays, presetDays } from "../../../server/reports/period";

const at = (iso: string) => new Date(iso);

describe("operators logged in per hour", () => {
  it("averages operator-time per local hour; status changes while logged in count once; logging out stops the count", () => {
    const from = at("2026-11-03T08:00:00Z");
    const to = at("2026-11-03T12:00:00Z");
    const hours = loggedInByHour(
      [
        // Logged in before the period: counts from its start.
        { operatorId: 1, at: at("2026-11-03T07:00:00Z"), status: "available" },
        { operatorId: 1, at: at("2026-11-03T09:15:00Z"), status: "on-call" },
        { operatorId: 1, at: at("2026-11-03T09:30:00Z"), status: "wrap-up" },
        { operatorId: 1, at: at("2026-11-03T10:30:00Z"), status: "offline" },
        { operatorId: 2, at: at("2026-11-03T09:30:00Z"), status: "paused" },
      ],
      from,
      to,
      "Europe/Paris",
    );
    // Paris is UTC+1: 08:00Z is 09:00 local.
    expect(Object.fromEntries(hours)).toEqual({ "2026-11-03T09": 1, "2026-11-03T10": 1.5, "2026-11-03T11": 1.5, "2026-11-03T12": 1 });
  });

  it("averages the hour cut by the range's end (now) over its elapsed part, and knows which hours are over", () => {
    // Logged in since 09:30 UTC, asked at 10:06: the current hour had one operator all along, not 0.1.
    const hours = loggedInByHour([{ operatorId: 1, at: at("2026-11-03T09:30:00Z"), status: "available" }], at("2026-11-03T00:00:00Z"), at("2026-11-03T10:06:00Z"), "UTC");
    expect(Object.fromEntries(hours)).toEqual({ "2026-11-03T09": 0.5, "2026-11-03T10": 1 });
    const now = at("2026-11-03T10:57:00Z").getTime();
    expect(hourIsOver("2026-11-03T10", "UTC", now)).toBe(false);
    expect(hourIsOver("2026-11-03T09", "UTC", now)).toBe(true);
    // Paris is UTC+1: 10:57Z is 11:57 local, so local 10 is over and local 11 is not.
    expect([hourIsOver("2026-11-03T10", "Europe/Paris", now), hourIsOver("2026-11-03T11", "Europe/Paris", now)]).toEqual([true, false]);
  });

  it("splits each operator's time into available, busy and paused by reason, and gives the occupancy", () => {
    const times = operatorTime(
      [
        { operatorId: 7, at: at("2026-11-03T09:00:00Z"), status: "available" },
        { operatorId: 7, at: at("2026-11-03T09:30:00Z"), status: "offered" },
        { operatorId: 7, at: at("2026-11-03T09:31:00Z"), status: "on-call" },
        { operatorId: 7, at: at("2026-11-03T09:50:00Z"), status: "wrap-up" },
        { operatorId: 7, at: at("2026-11-03T10:00:00Z"), status: "paused", reason: "lunch" },
        { operatorId: 7, at: at("2026-11-03T10:45:00Z"), status: "paused", reason: "break" },
        { operatorId: 7, at: at("2026-11-03T11:00:00Z"), status: "offline" },
      ],
      at("2026-11-03T00:00:00Z"),
      at("2026-11-04T00:00:00Z"),
    );
    expect(times.get(7)).toEqual({ loggedInS: 7200, availableS: 1860, busyS: 1740, pausedS: 3600, pausedByReason: { lunch: 2700, break: 900 }, occupancy: 1740 / 3600 });
  });

  it("reads report periods as whole local days and presets from the local date", () => {
    const week = periodOfDays("2026-11-02", "2026-11-08", "Europe/Paris");
    expect([week.from.toISOString(), week.to.toISOString()]).toEqual(["2026-11-01T23:00:00.000Z", "2026-11-08T23:00:00.000Z"]);
    expect(() => periodOfDays("2026-11-08", "2026-11-02", "UTC")).toThrow(RangeError);
    // 23:30 UTC on Sunday is already Monday in Paris.
    const now = Date.parse("2026-11-08T23:30:00Z");
    expect(presetDays("today", now, "Europe/Paris")).toEqual({ from: "2026-11-09", to: "2026-11-09" });
    expect(presetDays("this-week", now, "Europe/Paris")).toEqual({ from: "2026-11-09", to: "2026-11-09" });
    expect(presetDays("last-7-days", now, "UTC")).toEqual({ from: "2026-11-02", to: "2026-11-08" });
    expect(presetDays("last-month", now, "UTC")).toEqual({ from: "2026-10-01", to: "2026-10-31" });
  });
});
