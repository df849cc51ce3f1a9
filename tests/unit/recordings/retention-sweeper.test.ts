/**
 * The retention sweeper keeps ONE timer, set for the earliest due deletion (at most a day away), and re-arms it
 * after each sweep and when told a sooner recording exists. Fake timers and an in-memory store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../../server/logger";
import { DAY_MS, RetentionSweeper, type RetentionStore } from "../../../server/recordings/retention";

class MemoryStore implements RetentionStore {
  expiries: number[] = [];
  deletedAt: number[] = [];
  async earliestExpiry() {
    return this.expiries.length ? new Date(Math.min(...this.expiries)) : undefined;
  }
  async deleteDue(now: Date) {
    const due = this.expiries.filter((at) => at <= now.getTime());
    this.expiries = this.expiries.filter((at) => at > now.getTime());
    for (const _ of due) this.deletedAt.push(now.getTime());
    return due.length;
  }
}

describe("retention sweeper", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());
  const clock = { now: () => Date.now() };

  it("deletes what is due at start, then wakes exactly when the next one is due, with one timer", async () => {
    const store = new MemoryStore();
    store.expiries = [999_000, 1_005_000, 1_009_000];
    const sweeper = new RetentionSweeper(store, clock, silentLogger);
    await sweeper.start();
    expect(store.deletedAt).toEqual([1_000_000]);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(store.deletedAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.deletedAt).toEqual([1_000_000, 1_005_000]);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(store.deletedAt).toEqual([1_000_000, 1_005_000, 1_009_000]);
    // Nothing left: it looks again in a day, still one timer.
    expect(vi.getTimerCount()).toBe(1);
    sweeper.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("re-arms sooner when a recording due earlier is stored, and never waits more than a day", async () => {
    const store = new MemoryStore();
    store.expiries = [1_000_000 + 30 * DAY_MS];
    const sweeper = new RetentionSweeper(store, clock, silentLogger);
    await sweeper.start();
    store.expiries.push(1_002_000);
    await sweeper.reschedule();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(store.deletedAt).toEqual([1_002_000]);
    await vi.advanceTimersByTimeAsync(DAY_MS);
    // A day later it checked again (nothing due yet): the 30-day one is still there.
    expect(store.expiries).toHaveLength(1);
    sweeper.stop();
  });
});
