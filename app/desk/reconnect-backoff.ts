/**
 * Delay before the softphone's next connection or registration attempt: exponential with "full
 * jitter", so a server restart is not met by every desk reconnecting in the same second, and capped
 * so an operator whose phone was down is back within half a minute of the server.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const SOFTPHONE_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000 };

/**
 * @param attempt 1 for the first retry after a failure.
 * @param random a number in [0, 1), injectable for tests.
 * @returns milliseconds, between half the exponential step and the full step (never 0: no tight loop).
 */
export function backoffDelay(attempt: number, options: BackoffOptions = SOFTPHONE_BACKOFF, random = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const step = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(step / 2 + (random() * step) / 2);
}
