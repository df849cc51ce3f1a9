/**
 * Login rate limiting: failed attempts are counted per client address and per (address, username)
 * in a sliding window. Pure over an injected clock; memory is bounded by evicting the oldest keys.
 */
export interface LoginLimits {
  windowMs: number;
  /** Failures allowed for one username from one address within the window. */
  perAccount: number;
  /** Failures allowed from one address (all usernames) within the window. */
  perAddress: number;
  maxKeys: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMs: 15 * 60_000,
  perAccount: 5,
  perAddress: 30,
  maxKeys: 10_000,
};

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {}

  /** Seconds to wait before another attempt is allowed, or 0 when one is allowed now. */
  retryAfter(address: string, username: string): number {
    const now = this.now();
    const wait = (key: string, max: number) => {
      const times = this.recent(key, now);
      return times.length < max ? 0 : Math.ceil((times[0]! + this.limits.windowMs - now) / 1000);
    };
    return Math.max(
      wait(accountKey(address, username), this.limits.perAccount),
      wait(addressKey(address), this.limits.perAddress),
    );
  }

  recordFailure(address: string, username: string): void {
    const now = this.now();
    for (const key of [accountKey(address, username), addressKey(address)]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key); // re-insert so Map order stays oldest-touched first
      this.failures.set(key, times);
    }
    while (this.failures.size > this.limits.maxKeys) {
      this.failures.delete(this.failures.keys().next().value!);
    }
  }

  /** A successful login clears that account's failures (not the address's). */
  recordSuccess(address: string, username: string): void {
    this.failures.delete(accountKey(address, username));
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}

const accountKey = (address: string, username: string) => `${address}\u0000${username.toLowerCase()}`;
const addressKey = (address: string) => address;
