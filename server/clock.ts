/** Injected time source, so timeouts, sessions and breaks are testable without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
