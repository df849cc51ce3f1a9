import { describe, expect, it } from "vitest";
import { LoginLimiter } from "../../../server/auth/login-limiter";

function limiter(limits = { windowMs: 60_000, perAccount: 3, perAddress: 5, maxKeys: 100 }) {
  let now = 1_000_000;
  return { l: new LoginLimiter(() => now, limits), advance: (ms: number) => (now += ms) };
}

describe("LoginLimiter", () => {
  it("blocks an account after the allowed failures until the window slides", () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter("1.1.1.1", "ann")).toBe(0);
      l.recordFailure("1.1.1.1", "ann");
      advance(1000);
    }
    expect(l.retryAfter("1.1.1.1", "ann")).toBe(57); // first failure expires 60 s after it happened
    expect(l.retryAfter("1.1.1.1", "ANN")).toBe(57); // usernames are case-insensitive
    expect(l.retryAfter("2.2.2.2", "ann")).toBe(0); // another address is not blocked for the account
    advance(57_000);
    expect(l.retryAfter("1.1.1.1", "ann")).toBe(0);
  });

  it("blocks an address that sprays many usernames", () => {
    const { l } = limiter();
    for (let i = 0; i < 5; i++) l.recordFailure("9.9.9.9", `user${i}`);
    expect(l.retryAfter("9.9.9.9", "someone-new")).toBeGreaterThan(0);
  });

  it("forgets an account's failures after a success", () => {
    const { l } = limiter();
    l.recordFailure("1.1.1.1", "ann");
    l.recordFailure("1.1.1.1", "ann");
    l.recordSuccess("1.1.1.1", "ann");
    l.recordFailure("1.1.1.1", "ann");
    l.recordFailure("1.1.1.1", "ann");
    expect(l.retryAfter("1.1.1.1", "ann")).toBe(0);
  });

  it("keeps memory bounded", () => {
    const { l } = limiter({ windowMs: 60_000, perAccount: 3, perAddress: 1000, maxKeys: 10 });
    for (let i = 0; i < 100; i++) l.recordFailure(`10.0.0.${i}`, "x");
    expect((l as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(10);
  });
});
