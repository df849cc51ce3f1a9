import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { dayStarts, shiftBoundaries, shiftStatus, type ShiftSpec } from "../../../server/staffing/shift-schedule";

const PARIS = "Europe/Paris";
const at = (iso: string, zone = PARIS) => DateTime.fromISO(iso, { zone }).toMillis();
const local = (ms: number, zone = PARIS) => DateTime.fromMillis(ms, { zone }).toFormat("ccc yyyy-MM-dd HH:mm");
const weekdays: ShiftSpec = { operatorId: "olga", days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 };

describe("shift boundaries", () => {
  it("gives each weekday's start and end in the hotline's zone, and nothing at the weekend", () => {
    // Friday 2026-11-27 08:00 to Tuesday 2026-12-01 08:00.
    const events = shiftBoundaries([weekdays], at("2026-11-27T08:00"), at("2026-12-01T08:00"), PARIS);
    expect(events.map((e) => `${e.type} ${local(e.at)}`)).toEqual([
      "shift-started Fri 2026-11-27 09:00",
      "shift-ended Fri 2026-11-27 17:00",
      "shift-started Mon 2026-11-30 09:00",
      "shift-ended Mon 2026-11-30 17:00",
    ]);
  });

  it("ends a night shift the next morning, including one that started before the window", () => {
    const night: ShiftSpec = { operatorId: "omar", days: [5], startMinute: 22 * 60, endMinute: 6 * 60 };
    const events = shiftBoundaries([night], at("2026-11-28T00:00"), at("2026-11-28T12:00"), PARIS);
    expect(events.map((e) => `${e.type} ${local(e.at)}`)).toEqual(["shift-ended Sat 2026-11-28 06:00"]);
  });

  it("merges back-to-back shifts of one operator, so no end pauses them in the middle of the day", () => {
    const morning: ShiftSpec = { operatorId: "olga", days: [1], startMinute: 8 * 60, endMinute: 12 * 60 };
    const afternoon: ShiftSpec = { operatorId: "olga", days: [1], startMinute: 12 * 60, endMinute: 16 * 60 };
    const events = shiftBoundaries([morning, afternoon], at("2026-11-30T00:00"), at("2026-11-30T23:00"), PARIS);
    expect(events.map((e) => `${e.type} ${local(e.at)}`)).toEqual(["shift-started Mon 2026-11-30 08:00", "shift-ended Mon 2026-11-30 16:00"]);
  });

  it("keeps wall-clock hours across a daylight-saving change (a 9-to-5 day is 8 hours, in UTC one hour earlier)", () => {
    // Paris leaves summer time on Sunday 2026-10-25.
    const events = shiftBoundaries([{ ...weekdays, days: [5, 1] }], at("2026-10-23T00:00"), at("2026-10-27T00:00"), PARIS);
    expect(events.map((e) => DateTime.fromMillis(e.at, { zone: "UTC" }).toFormat("ccc HH:mm"))).toEqual(["Fri 07:00", "Fri 15:00", "Mon 08:00", "Mon 16:00"]);
  });

  it("orders ends before starts at the same instant, and excludes the window's opening instant", () => {
    const a: ShiftSpec = { operatorId: "a", days: [1], startMinute: 6 * 60, endMinute: 14 * 60 };
    const b: ShiftSpec = { operatorId: "b", days: [1], startMinute: 14 * 60, endMinute: 22 * 60 };
    const events = shiftBoundaries([b, a], at("2026-11-30T06:00"), at("2026-11-30T14:00"), PARIS);
    expect(events.map((e) => `${e.type} ${e.operatorId}`)).toEqual(["shift-ended a", "shift-started b"]);
  });
});

describe("day starts and on-shift", () => {
  it("lists local midnights, which are not UTC midnights", () => {
    const midnights = dayStarts(at("2026-11-29T12:00", "UTC"), at("2026-12-01T12:00", "UTC"), "Asia/Tokyo");
    expect(midnights.map((ms) => DateTime.fromMillis(ms, { zone: "UTC" }).toISO())).toEqual(["2026-11-29T15:00:00.000Z", "2026-11-30T15:00:00.000Z"]);
  });

  it("tells, for each operator with shifts, whether they are inside one, overnight ones included", () => {
    const night: ShiftSpec = { operatorId: "omar", days: [5], startMinute: 22 * 60, endMinute: 6 * 60 };
    const status = (iso: string) => Object.fromEntries(shiftStatus([night, weekdays], at(iso), PARIS));
    expect(status("2026-11-28T05:59")).toEqual({ omar: true, olga: false });
    expect(status("2026-11-28T06:00")).toEqual({ omar: false, olga: false });
    expect(status("2026-11-30T10:00")).toEqual({ omar: false, olga: true });
    expect(shiftStatus([], at("2026-11-30T10:00"), PARIS).size).toBe(0);
  });
});
