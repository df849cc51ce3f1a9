import { describe, expect, it, vi } from "vitest";
import type { NgClient } from "../../../server/media/ng-client.js";
import {
  type MediaInstance,
  type MediaInstanceStatus,
  MediaPool,
  NoMediaInstanceError,
} from "../../../server/media/rtpengine-supervisor.js";

/** A fake instance whose health the test sets directly. */
class FakeInstance implements MediaInstance {
  up = true;
  started = 0;
  stopped = 0;
  readonly client = {} as NgClient;
  constructor(readonly id: string) {}
  status(): MediaInstanceStatus {
    return {
      id: this.id,
      kind: "external",
      address: { host: "127.0.0.1", port: 1 },
      state: this.up ? "up" : "down",
      up: this.up,
      pid: undefined,
      restarts: 0,
      lastError: undefined,
      lastPingMs: undefined,
      since: 0,
    };
  }
  async start(): Promise<void> {
    this.started++;
  }
  async stop(): Promise<void> {
    this.stopped++;
  }
  private readonly listeners = new Set<(status: MediaInstanceStatus) => void>();
  onStateChange(listener: (status: MediaInstanceStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Changes health and tells the listeners, as a real instance does. */
  set(up: boolean): void {
    this.up = up;
    for (const listener of this.listeners) listener(this.status());
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
}

describe("MediaPool", () => {
  it("sticks a call to its instance", () => {
    const pool = new MediaPool([new FakeInstance("a"), new FakeInstance("b")]);
    const first = pool.acquire("call-1");
    expect(pool.acquire("call-1")).toBe(first);
    expect(pool.get("call-1")).toBe(first);
    expect(pool.get("other")).toBeUndefined();
  });

  it("picks the instance with the fewest live calls, ties round robin", () => {
    const [a, b, c] = [new FakeInstance("a"), new FakeInstance("b"), new FakeInstance("c")];
    const pool = new MediaPool([a, b, c]);
    expect(["1", "2", "3"].map((id) => pool.acquire(id).id)).toEqual(["a", "b", "c"]);
    pool.release("2");
    expect(pool.acquire("4").id).toBe("b");
    expect(pool.sessionCounts()).toEqual({ a: 1, b: 1, c: 1 });
    pool.release("1");
    pool.release("1"); // idempotent
    expect(pool.sessionCounts()).toEqual({ a: 0, b: 1, c: 1 });
    expect(pool.acquire("5").id).toBe("a");
  });

  it("round-robin strategy ignores load", () => {
    const pool = new MediaPool([new FakeInstance("a"), new FakeInstance("b")], "round-robin");
    expect(["1", "2", "3", "4"].map((id) => pool.acquire(id).id)).toEqual(["a", "b", "a", "b"]);
  });

  it("skips instances that are down, keeps existing calls where they are, and throws when none is up", () => {
    const [a, b] = [new FakeInstance("a"), new FakeInstance("b")];
    const pool = new MediaPool([a, b]);
    expect(pool.acquire("1").id).toBe("a");
    a.up = false;
    expect(pool.acquire("2").id).toBe("b");
    expect(pool.acquire("3").id).toBe("b");
    expect(pool.acquire("1").id).toBe("a");
    b.up = false;
    expect(() => pool.acquire("4")).toThrow(NoMediaInstanceError);
    expect(pool.status().map((s) => s.up)).toEqual([false, false]);
  });

  it("starts and stops every instance", async () => {
    const [a, b] = [new FakeInstance("a"), new FakeInstance("b")];
    const pool = new MediaPool([a, b]);
    await pool.start();
    await pool.stop();
    expect([a.started, b.started, a.stopped, b.stopped]).toEqual([1, 1, 1, 1]);
  });
});

describe("MediaPool when an instance loses its sessions", () => {
  it("reports the calls that were on it once, releases them, and puts them on a live instance when asked again", () => {
    const [a, b] = [new FakeInstance("a"), new FakeInstance("b")];
    const pool = new MediaPool([a, b]);
    const losses: Array<{ instanceId: string; callIds: string[] }> = [];
    pool.onSessionsLost(({ instanceId, callIds }) => losses.push({ instanceId, callIds }));
    for (const id of ["1", "2", "3"]) pool.acquire(id);
    expect(pool.get("1")?.id).toBe("a");
    a.set(false);
    a.set(false);
    expect(losses).toEqual([{ instanceId: "a", callIds: ["1", "3"] }]);
    expect(pool.get("1")).toBeUndefined();
    expect(pool.acquire("1").id).toBe("b");
    expect(pool.sessionCounts()).toEqual({ a: 0, b: 2 });
    expect(pool.lossStats()).toMatchObject({ lostCalls: 2, lastLoss: { instanceId: "a", calls: 2 } });
  });

  it("whenAnyUp resolves at once, on the first instance coming up, or false at the deadline, and unsubscribes", async () => {
    vi.useFakeTimers();
    try {
      const [a, b] = [new FakeInstance("a"), new FakeInstance("b")];
      const pool = new MediaPool([a, b]);
      expect(await pool.whenAnyUp(1000)).toBe(true);
      a.set(false);
      b.set(false);
      const waiting = pool.whenAnyUp(1000);
      b.set(true);
      expect(await waiting).toBe(true);
      b.set(false);
      const expiring = pool.whenAnyUp(1000);
      await vi.advanceTimersByTimeAsync(1000);
      expect(await expiring).toBe(false);
      // Only the pool's own subscription is left on each instance.
      expect([a.listenerCount, b.listenerCount]).toEqual([1, 1]);
    } finally {
      vi.useRealTimers();
    }
  });
});
