/**
 * Login rate limiting, pure over an injected clock. Attempts are counted in a sliding window per
 * client address, per (address, username) and per username from any address (so an attacker who
 * rotates addresses, or hides behind a proxy, still meets a limit on one account). An attempt is
 * counted as a failure the moment it is admitted, before any await, and forgiven only if it
 * succeeds; so a burst of simultaneous attempts meets the limit as surely as a sequence does. On
 * top of that, attempts running at once are capped per username and per address. Memory is bounded
 * by evicting the oldest keys.
 */
export interface LoginLimits {
  windowMs: number;
  /** Failures allowed for one username from one address within the window. */
  perAccount: number;
  /** Failures allowed from one address (all usernames) within the window. */
  perAddress: number;
  /** Failures allowed for one username from all addresses together within the window. */
  perUsername?: number;
  /** Attempts allowed to run at once for one username (all addresses). */
  concurrentPerUsername?: number;
  /** Attempts allowed to run at once from one address (all usernames). */
  concurrentPerAddress?: number;
  maxKeys: number;
}

export const DEFAULT_LOGIN_LIMITS: Required<LoginLimits> = {
  windowMs: 15 * 60_000,
  perAccount: 5,
  perAddress: 30,
  perUsername: 20,
  concurrentPerUsername: 2,
  concurrentPerAddress: 4,
  maxKeys: 10_000,
};

/** An admitted attempt: say how it ended, exactly once (later calls are ignored). */
export interface LoginTicket {
  /** The password was right: the attempt is no longer counted against the account or the address. */
  succeeded(): void;
  /** Wrong password, unknown user, or an error: the attempt stays counted. */
  failed(): void;
}

export type Admission = { admitted: true; ticket: LoginTicket } | { admitted: false; retryAfterS: number };

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly running = new Map<string, number>();
  private readonly limits: Required<LoginLimits>;

  constructor(
    private readonly now: () => number,
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /**
   * Admits an attempt or says how many seconds to wait (1 s when only the concurrency cap is
   * reached). Synchronous: call it before awaiting anything, then settle the ticket.
   */
  begin(address: string, username: string): Admission {
    const retryAfterS = this.retryAfter(address, username);
    if (retryAfterS > 0) return { admitted: false, retryAfterS };
    const userKey = usernameKey(username);
    const addrKey = addressKey(address);
    if (
      (this.running.get(userKey) ?? 0) >= this.limits.concurrentPerUsername ||
      (this.running.get(addrKey) ?? 0) >= this.limits.concurrentPerAddress
    ) {
      return { admitted: false, retryAfterS: 1 };
    }
    const at = this.now();
    this.record(address, username, at);
    for (const key of [userKey, addrKey]) this.running.set(key, (this.running.get(key) ?? 0) + 1);
    let settled = false;
    const settle = (success: boolean) => {
      if (settled) return;
      settled = true;
      for (const key of [userKey, addrKey]) {
        const left = (this.running.get(key) ?? 1) - 1;
        if (left > 0) this.running.set(key, left);
        else this.running.delete(key);
      }
      if (success) {
        this.recordSuccess(address, username);
        const times = this.failures.get(addrKey);
        const index = times?.indexOf(at) ?? -1;
        if (times && index >= 0) times.splice(index, 1);
      }
    };
    return { admitted: true, ticket: { succeeded: () => settle(true), failed: () => settle(false) } };
  }

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
      wait(usernameKey(username), this.limits.perUsername),
    );
  }

  recordFailure(address: string, username: string): void {
    this.record(address, username, this.now());
  }

  /** A successful login clears that account's failures, from this address and overall (not the address's). */
  recordSuccess(address: string, username: string): void {
    this.failures.delete(accountKey(address, username));
    this.failures.delete(usernameKey(username));
  }

  private record(address: string, username: string, at: number): void {
    for (const key of [accountKey(address, username), addressKey(address), usernameKey(username)]) {
      const times = this.recent(key, at);
      times.push(at);
      this.failures.delete(key); // re-insert so Map order stays oldest-touched first
      this.failures.set(key, times);
    }
    while (this.failures.size > this.limits.maxKeys) {
      this.failures.delete(this.failures.keys().next().value!);
    }
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}

const accountKey = (address: string, username: string) => `${address}\u0000${username.toLowerCase()}`;
const addressKey = (address: string) => address;
const usernameKey = (username: string) => `\u0000user\u0000${username.toLowerCase()}`;
