import { afterEach, describe, expect, it, vi } from "vitest";
import { LiveConnections, type LiveConnection } from "../../../server/auth/live-connections";

function connection(userId: number, sessionId: string, kind: LiveConnection["kind"] = "desk") {
  const closed: string[] = [];
  return { closed, connection: { userId, sessionId, kind, close: (reason: string) => closed.push(reason) } as LiveConnection };
}

afterEach(() => vi.useRealTimers());

describe("live connections by user and session", () => {
  it("closes only the connections of the session that ended", () => {
    const live = new LiveConnections(async () => undefined, () => 0);
    const a = connection(1, "s1");
    const b = connection(1, "s1", "sip");
    const c = connection(1, "s2");
    for (const x of [a, b, c]) live.add(x.connection, 3_600_000);
    live.endSession("s1", "logged-out");
    expect([a.closed, b.closed, c.closed]).toEqual([["logged-out"], ["logged-out"], []]);
    expect(live.count(1)).toBe(1);
    live.close();
  });

  it("closes every connection of a user on an account change, once, and forgets connections that closed by themselves", () => {
    const live = new LiveConnections(async () => undefined, () => 0);
    const a = connection(7, "s1");
    const b = connection(7, "s2", "sip");
    const other = connection(8, "s3");
    live.add(a.connection, 3_600_000);
    const untrackB = live.add(b.connection, 3_600_000);
    live.add(other.connection, 3_600_000);
    untrackB();
    live.endUser(7, "account-changed");
    live.endUser(7, "account-changed");
    expect([a.closed, b.closed, other.closed]).toEqual([["account-changed"], [], []]);
    live.close();
  });

  it("follows an emitter of session ends", async () => {
    const { EventEmitter } = await import("node:events");
    const auth = new EventEmitter();
    const live = new LiveConnections(async () => undefined, () => 0);
    live.follow(auth as never);
    const a = connection(1, "s1");
    const b = connection(2, "s2");
    live.add(a.connection, 3_600_000);
    live.add(b.connection, 3_600_000);
    auth.emit("session-ended", { sessionId: "s1", userId: 1, reason: "logged-out" });
    auth.emit("user-sessions-ended", { userId: 2, reason: "account-changed" });
    expect([a.closed, b.closed]).toEqual([["logged-out"], ["account-changed"]]);
  });

  it("at the session's expiry, re-reads it: a slid session re-arms the timer, an expired one closes", async () => {
    vi.useFakeTimers();
    let now = 0;
    let expiry: number | undefined = 60_000;
    const lookups: string[] = [];
    const live = new LiveConnections(
      async (id) => {
        lookups.push(id);
        return expiry;
      },
      () => now,
    );
    const a = connection(1, "s1");
    live.add(a.connection, 30_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(lookups).toEqual(["s1"]); // read once on tracking: the session lives until 60 s
    expiry = 90_000; // it slid while the desk was used
    now = 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(lookups).toEqual(["s1", "s1"]);
    expect(a.closed).toEqual([]);
    expiry = undefined; // then it ended (expired, or its user was disabled)
    now = 90_000;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(lookups).toEqual(["s1", "s1", "s1"]);
    expect(a.closed).toEqual(["expired"]);
    expect(live.count(1)).toBe(0);
  });

  it("closes at once a connection whose session ended between its own check and its tracking (logout during a handshake)", async () => {
    const ended = new Set(["gone"]);
    const live = new LiveConnections(async (id) => (ended.has(id) ? undefined : 3_600_000), () => 0);
    const late = connection(1, "gone", "sip");
    const fine = connection(1, "alive", "sip");
    live.add(late.connection, 3_600_000);
    live.add(fine.connection, 3_600_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect([late.closed, fine.closed]).toEqual([["expired"], []]);
    expect(live.count(1, "sip")).toBe(1);
    live.close();
  });
});
