import { describe, expect, it } from "vitest";
import { LoginLimiter, type Admission } from "../../../server/auth/login-limiter";
import { PasswordWorkBusyError, WorkQueue } from "../../../server/auth/password";

const limits = { windowMs: 60_000, perAccount: 3, perAddress: 10, perUsername: 5, concurrentPerUsername: 2, concurrentPerAddress: 4, maxKeys: 100 };

function limiter() {
  let now = 1_000_000;
  return { l: new LoginLimiter(() => now, limits), advance: (ms: number) => (now += ms) };
}

const admitted = (a: Admission) => (a.admitted ? a.ticket : undefined);

describe("login attempts are counted when admitted, before any await", () => {
  it("admits at most the concurrent cap of a burst for one account, and says to retry in 1 s", () => {
    const { l } = limiter();
    const burst = Array.from({ length: 60 }, () => l.begin("1.1.1.1", "ann"));
    expect(burst.filter((a) => a.admitted)).toHaveLength(2);
    expect(burst.find((a) => !a.admitted)).toEqual({ admitted: false, retryAfterS: 1 });
  });

  it("counts the running attempts as failures, so the window limit holds for attempts not yet finished", () => {
    const { l } = limiter();
    for (let i = 0; i < 3; i++) admitted(l.begin("1.1.1.1", "ann"))!.failed();
    expect(l.begin("1.1.1.1", "ann")).toMatchObject({ admitted: false });
    // Two unfinished attempts already count: a third sequential attempt meets the 3-failure limit.
    const { l: l2 } = limiter();
    admitted(l2.begin("1.1.1.1", "bob"));
    admitted(l2.begin("1.1.1.1", "bob"));
    expect(l2.retryAfter("1.1.1.1", "bob")).toBe(0);
    expect(l2.begin("2.2.2.2", "bob")).toEqual({ admitted: false, retryAfterS: 1 }); // concurrency per username, any address
  });

  it("caps concurrent attempts per address across usernames", () => {
    const { l } = limiter();
    const burst = Array.from({ length: 10 }, (_, i) => l.begin("9.9.9.9", `user${i}`));
    expect(burst.filter((a) => a.admitted)).toHaveLength(4);
  });

  it("limits one username from many addresses (a proxy or rotating addresses cannot bypass it)", () => {
    const { l } = limiter();
    for (let i = 0; i < 5; i++) admitted(l.begin(`10.0.0.${i}`, "ann"))!.failed();
    expect(l.begin("10.0.0.99", "ann")).toMatchObject({ admitted: false });
    expect(l.retryAfter("10.0.0.99", "ann")).toBeGreaterThan(0);
  });

  it("forgives a successful attempt, frees its slot, and ignores a second settlement", () => {
    const { l } = limiter();
    admitted(l.begin("1.1.1.1", "ann"))!.failed();
    admitted(l.begin("1.1.1.1", "ann"))!.failed();
    const ok = admitted(l.begin("1.1.1.1", "ann"))!;
    ok.succeeded();
    ok.failed();
    for (let i = 0; i < 2; i++) admitted(l.begin("1.1.1.1", "ann"))!.failed();
    expect(l.begin("1.1.1.1", "ann").admitted).toBe(true);
  });
});

describe("the scrypt work queue", () => {
  it("runs at most `concurrency` at once, queues a bounded number in order, and refuses beyond", async () => {
    const queue = new WorkQueue(2, 3);
    const release: Array<() => void> = [];
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    const job = (n: number) =>
      queue.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        order.push(n);
        await new Promise<void>((resolve) => release.push(resolve));
        running -= 1;
        return n;
      });
    const accepted = [0, 1, 2, 3, 4].map(job);
    await expect(job(5)).rejects.toBeInstanceOf(PasswordWorkBusyError);
    expect(queue.load).toEqual({ active: 2, waiting: 3 });
    let settled = 0;
    for (const done of accepted) void done.then(() => (settled += 1));
    while (settled < 5) {
      const next = release.shift();
      if (next) next();
      else await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(accepted)).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(queue.load).toEqual({ active: 0, waiting: 0 });
  });
});
