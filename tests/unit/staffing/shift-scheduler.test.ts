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
    const s = new ShiftScheduler({
      clock: { now: () => Date.now() },
      zone: ZONE,
      dispatch: (event) => events.push(`${DateTime.fromMillis(Date.now(), { zone: ZONE }).toFormat("ccc HH:mm")} ${event.type} ${event.operatorId}`),
    });
    return { s, events };
  }

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
