import { describe, expect, it } from "vitest";
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
  onStateChange(): () => void {
    return () => {};
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
