import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { isOpen, nextChange, nextOpening, scheduleState, type ScheduleSpec } from "../../../server/hours/schedule";
import { formatWeekly, parseDayHours, parseWeekly, ScheduleTextError } from "../../../server/hours/schedule-text";

const PARIS = "Europe/Paris";
/** An instant from a local time in a zone (the injected clock of these tests). */
const at = (local: string, zone = PARIS) => DateTime.fromISO(local, { zone }).toMillis();
const local = (ms: number | undefined, zone = PARIS) => (ms === undefined ? undefined : DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm ZZ"));

function spec(weekly: string, more: Partial<ScheduleSpec> = {}): ScheduleSpec {
  return { zone: PARIS, periods: [], closures: [], ...parseWeekly(weekly), ...more };
}

// 2026-12-07 is a Monday.
describe("weekly pattern", () => {
  const office = spec("mon-fri 09:00-18:00; sat 10:00-13:00");

  it("is open inside the day's hours and closed outside, by weekday", () => {
    expect(isOpen(office, at("2026-12-07T08:59"))).toBe(false);
    expect(isOpen(office, at("2026-12-07T09:00"))).toBe(true);
    expect(isOpen(office, at("2026-12-09T17:59"))).toBe(true);
    expect(isOpen(office, at("2026-12-09T18:00"))).toBe(false);
    expect(isOpen(office, at("2026-12-12T10:30"))).toBe(true);
    expect(isOpen(office, at("2026-12-12T13:00"))).toBe(false);
    expect(isOpen(office, at("2026-12-13T11:00"))).toBe(false);
  });

  it("gives the next change: closing time when open, the next opening when closed (over the weekend)", () => {
    expect(local(nextChange(office, at("2026-12-07T10:00")))).toBe("2026-12-07T18:00 +01:00");
    expect(local(nextChange(office, at("2026-12-07T19:00")))).toBe("2026-12-08T09:00 +01:00");
    expect(local(nextChange(office, at("2026-12-12T14:00")))).toBe("2026-12-14T09:00 +01:00");
    expect(local(nextOpening(office, at("2026-12-13T23:00")))).toBe("2026-12-14T09:00 +01:00");
  });

  it("several intervals a day: closed over lunch", () => {
    const split = spec("mon-fri 09:00-12:00, 14:00-18:00");
    expect(isOpen(split, at("2026-12-07T12:30"))).toBe(false);
    expect(local(nextChange(split, at("2026-12-07T12:30")))).toBe("2026-12-07T14:00 +01:00");
  });

  it("overnight intervals run into the next day and touching spans count as one", () => {
    const night = spec("mon-fri 22:00-06:00");
    expect(isOpen(night, at("2026-12-07T23:00"))).toBe(true);
    expect(isOpen(night, at("2026-12-08T05:59"))).toBe(true);
    expect(isOpen(night, at("2026-12-08T06:00"))).toBe(false);
    // Friday night runs into Saturday morning; Sunday night is closed.
    expect(isOpen(night, at("2026-12-12T03:00"))).toBe(true);
    expect(isOpen(night, at("2026-12-14T03:00"))).toBe(false);
    // Mon 22:00 -> Tue 06:00 then Tue 22:00: the change after Monday 23:00 is Tuesday 06:00.
    expect(local(nextChange(night, at("2026-12-07T23:00")))).toBe("2026-12-08T06:00 +01:00");
    const joined = spec("mon 20:00-24:00; tue 00:00-08:00");
    expect(local(nextChange(joined, at("2026-12-07T21:00")))).toBe("2026-12-08T08:00 +01:00");
  });
});

describe("one-off periods and closures", () => {
  const base = spec("mon-fri 09:00-18:00", {
    periods: [{ from: "2027-07-01", to: "2027-07-20", intervals: parseDayHours("08:00-18:00") }],
    closures: [
      { from: "2026-12-24", to: "2026-12-26", reason: "Holidays" },
      { from: "2026-12-31", to: "2026-12-31", hours: { startMinute: 14 * 60, endMinute: 1440 }, reason: "New Year's Eve" },
    ],
  });

  it("a period replaces the weekly pattern on its dates, weekends included", () => {
    // 2027-07-03 is a Saturday: closed in the weekly pattern, open in the admissions period.
    expect(isOpen(base, at("2027-07-03T08:30"))).toBe(true);
    expect(isOpen(base, at("2027-07-05T08:30"))).toBe(true);
    expect(isOpen(base, at("2027-07-21T08:30"))).toBe(false);
    expect(local(nextChange(base, at("2027-06-30T20:00")))).toBe("2027-07-01T08:00 +02:00");
  });

  it("a closure range closes whole days and names its reason; the next opening is after it", () => {
    const state = scheduleState(base, at("2026-12-24T10:00"));
    expect(state).toMatchObject({ open: false, closure: "Holidays" });
    expect(local(state.until)).toBe("2026-12-28T09:00 +01:00");
    expect(local(nextChange(base, at("2026-12-23T12:00")))).toBe("2026-12-23T18:00 +01:00");
  });

  it("a partial-day closure closes only its hours", () => {
    expect(isOpen(base, at("2026-12-31T13:59"))).toBe(true);
    expect(scheduleState(base, at("2026-12-31T14:30"))).toMatchObject({ open: false, closure: "New Year's Eve" });
    expect(local(nextChange(base, at("2026-12-31T10:00")))).toBe("2026-12-31T14:00 +01:00");
  });

  it("24/7 never changes without closures, and closures still apply to it", () => {
    const always = spec("24/7");
    expect(isOpen(always, at("2026-12-13T03:00"))).toBe(true);
    expect(nextChange(always, at("2026-12-13T03:00"))).toBeUndefined();
    const withHoliday = spec("24/7", { closures: [{ from: "2027-03-01", to: "2027-03-01", reason: "Maintenance" }] });
    expect(local(nextChange(withHoliday, at("2026-12-13T03:00")))).toBe("2027-03-01T00:00 +01:00");
    expect(local(nextChange(withHoliday, at("2027-03-01T12:00")))).toBe("2027-03-02T00:00 +01:00");
  });

  it("a schedule that never opens has no next change", () => {
    const never = spec("mon 09:00-10:00", { closures: [{ from: "2026-01-01", to: "2030-12-31", reason: "Shut" }] });
    expect(scheduleState(never, at("2026-12-07T09:30"))).toEqual({ open: false, until: undefined, closure: "Shut" });
  });
});

describe("daylight-saving transitions", () => {
  it("spring forward in Paris (29 March 2026, 02:00 -> 03:00): wall-clock hours hold, the gap opens at 03:00", () => {
    const early = spec("sun 01:00-02:30; mon-sun 09:00-18:00");
    expect(local(nextChange(early, at("2026-03-28T20:00")))).toBe("2026-03-29T01:00 +01:00");
    // 01:00 CET to the instant after the gap: 02:30 does not exist, luxon moves it to 03:30 CEST.
    expect(local(nextChange(early, at("2026-03-29T01:30")))).toBe("2026-03-29T03:30 +02:00");
    expect(local(nextChange(early, at("2026-03-29T05:00")))).toBe("2026-03-29T09:00 +02:00");
    expect(nextChange(early, at("2026-03-29T05:00"))! - at("2026-03-28T18:00")).toBe(14 * 3_600_000);
  });

  it("fall back in Paris (25 October 2026, 03:00 -> 02:00): an overnight shift lasts an hour longer", () => {
    const night = spec("sat 22:00-06:00");
    const open = at("2026-10-24T22:00");
    const close = nextChange(night, at("2026-10-24T23:00"))!;
    expect(local(close)).toBe("2026-10-25T06:00 +01:00");
    expect(close - open).toBe(9 * 3_600_000);
    expect(isOpen(night, close - 1)).toBe(true);
  });

  it("a zone without daylight saving (Asia/Tokyo) keeps the same offsets all year", () => {
    const tokyo = { ...spec("mon-fri 09:00-18:00"), zone: "Asia/Tokyo" };
    expect(local(nextChange(tokyo, at("2026-03-27T19:00", "Asia/Tokyo")), "Asia/Tokyo")).toBe("2026-03-30T09:00 +09:00");
    expect(local(nextChange(tokyo, at("2026-10-23T19:00", "Asia/Tokyo")), "Asia/Tokyo")).toBe("2026-10-26T09:00 +09:00");
    expect(nextChange(tokyo, at("2026-10-24T12:00", "Asia/Tokyo"))! - at("2026-10-24T12:00", "Asia/Tokyo")).toBe(45 * 3_600_000);
  });
});

describe("schedule text", () => {
  it("parses and prints weekly patterns, English names and wrapping ranges", () => {
    const parsed = parseWeekly("Monday-Friday 09:00-18:00; sat 10:00-13:00");
    expect(formatWeekly(parsed.alwaysOpen, parsed.weekly)).toBe("mon-fri 09:00-18:00; sat 10:00-13:00");
    expect(formatWeekly(false, parseWeekly("fri-mon 22:00-06:00").weekly)).toBe("mon 22:00-06:00; fri-sun 22:00-06:00");
    expect(parseWeekly("24/7")).toEqual({ alwaysOpen: true, weekly: [] });
  });

  it("names the bad part", () => {
    expect(() => parseWeekly("mun 09:00-18:00")).toThrow(/unknown weekday "mun"/);
    expect(() => parseWeekly("mon 9h-18h")).toThrow(ScheduleTextError);
    expect(() => parseDayHours("25:00-26:00")).toThrow(/bad time "25:00"/);
  });
});
