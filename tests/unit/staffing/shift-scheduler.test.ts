import { DateTime } from "luxon";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ShiftScheduler } from "../../../server/staffing/shift-scheduler";

const ZONE = "Europe/Paris";

describe("shift scheduler", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(DateTime.fromISO("2026-11-30T08:30", { zone: ZONE }).toMillis());
  });
  afterEach(() => vi.useRealTimers());

  function scheduler() {
    const events: string[] = [];
    const statuses: Array<Record<string, boolean>> = [];
    const s = new ShiftScheduler({
      clock: { now: () => Date.now() },
      zone: ZONE,
      dispatch: (event) => events.push(`${DateTime.fromMillis(Date.now(), { zone: ZONE }).toFormat("ccc HH:mm")} ${event.type} ${event.operatorId}`),
      onStatus: (status) => statuses.push(Object.fromEntries(status)),
    });
    return { s, events, statuses };
  }

  it("reports who is on shift when shifts are loaded and after each boundary, once per firing", () => {
    const { s, statuses } = scheduler();
    s.update([{ operatorId: "1", days: [1], startMinute: 9 * 60, endMinute: 10 * 60 }], ["1", "2"]);
    expect(statuses).toEqual([{ "1": false }]);
    vi.advanceTimersByTime(30 * 60_000);
    expect(statuses).toEqual([{ "1": false }, { "1": true }]);
    vi.advanceTimersByTime(60 * 60_000);
    expect(statuses.at(-1)).toEqual({ "1": false });
    expect(statuses).toHaveLength(3);
    s.stop();
  });

  it("fires each boundary when its time comes, with one timer, and midnight for operators without a shift", () => {
    const { s, events } = scheduler();
    s.update([{ operatorId: "1", days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 }], ["1", "2"]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(events).toEqual(["Mon 09:00 shift-started 1", "Mon 17:00 shift-ended 1", "Tue 00:00 shift-started 2"]);
    expect(vi.getTimerCount()).toBe(1);
    s.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("re-arms when the shifts change, and a shift removed before its end never fires", () => {
    const { s, events } = scheduler();
    s.update([{ operatorId: "1", days: [1], startMinute: 9 * 60, endMinute: 10 * 60 }], []);
    vi.advanceTimersByTime(45 * 60_000);
    s.update([], []);
    vi.advanceTimersByTime(3 * 3_600_000);
    expect(events).toEqual(["Mon 09:00 shift-started 1"]);
  });
});
