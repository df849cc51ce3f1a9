/**
 * Timer seam and RFC 3261 timer values (§17, Table 4 in §A).
 *
 * Transactions never call the global setTimeout directly so tests can drive them with a fake
 * clock and no sleeping.
 * @module
 */

/** Opaque handle returned by {@link TimerScheduler.set}. */
export type TimerHandle = unknown;

export interface TimerScheduler {
  set(callback: () => void, delayMs: number): TimerHandle;
  clear(handle: TimerHandle): void;
}

/** The real scheduler; timers are unref'd so a pending Timer D never keeps the process alive. */
export const realTimers: TimerScheduler = {
  set(callback, delayMs) {
    const t = setTimeout(callback, delayMs);
    t.unref();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Base timer values (RFC 3261 §17.1.1.1, §17.1.2.2). */
export interface TimerConfig {
  /** RTT estimate, default 500 ms. */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  t2: number;
  /** Maximum time a message stays in the network, default 5 s. */
  t4: number;
}

export const DEFAULT_TIMER_CONFIG: Readonly<TimerConfig> = { t1: 500, t2: 4000, t4: 5000 };
