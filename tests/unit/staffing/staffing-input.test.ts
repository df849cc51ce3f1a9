import { describe, expect, it } from "vitest";
import { parsePauseReason, parseShift } from "../../../server/staffing/staffing-input";

describe("pause reason input", () => {
  it("reads form values: empty minutes is no limit, a ticked box is on", () => {
    expect(parsePauseReason({ label: " Coaching ", maxMinutes: "", limited: "on" }, false)).toEqual({
      ok: true,
      value: { label: "Coaching", maxMinutes: null, limited: true },
    });
    expect(parsePauseReason({ maxMinutes: "10" }, true)).toEqual({ ok: true, value: { maxMinutes: 10, limited: false } });
  });

  it("names each faulty field", () => {
    expect(parsePauseReason({ label: "", maxMinutes: "0" }, false)).toEqual({
      ok: false,
      errors: { label: "validation.pauseLabel", maxMinutes: "validation.pauseMinutes" },
    });
    expect(parsePauseReason({ maxMinutes: "ten" }, true)).toEqual({ ok: false, errors: { maxMinutes: "validation.pauseMinutes" } });
    expect(parsePauseReason({ maxMinutes: "481" }, true).ok).toBe(false);
  });
});

describe("shift input", () => {
  it("turns times into minutes and days into a sorted set", () => {
    expect(parseShift({ userId: "7", days: ["5", "1", "1"], start: "22:30", end: "06:00" })).toEqual({
      ok: true,
      value: { userId: 7, days: [1, 5], startMinute: 22 * 60 + 30, endMinute: 6 * 60 },
    });
    expect(parseShift({ userId: 7, days: "3", start: "9:00", end: "17:00" })).toMatchObject({ ok: true, value: { days: [3], startMinute: 540 } });
  });

  it("refuses no days, impossible times and an end equal to the start", () => {
    expect(parseShift({ userId: "7", days: [], start: "24:00", end: "" })).toEqual({
      ok: false,
      errors: { days: "validation.shiftDays", start: "validation.shiftTime", end: "validation.shiftTime" },
    });
    expect(parseShift({ userId: "7", days: ["8"], start: "09:00", end: "09:00" })).toMatchObject({ ok: false, errors: { days: "validation.shiftDays" } });
    expect(parseShift({ userId: "7", days: ["1"], start: "09:00", end: "09:00" })).toEqual({ ok: false, errors: { end: "validation.shiftEnd" } });
    expect(parseShift({ userId: "x", days: ["1"], start: "09:00", end: "10:00" })).toEqual({ ok: false, errors: { userId: "validation.operator" } });
  });
});
