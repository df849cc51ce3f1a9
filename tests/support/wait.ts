/** Polling with a deadline, for tests that wait on real servers (no fixed sleeps). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads until `ok` holds and returns that value; fails with `what` and the last value after the deadline. */
export async function waitUntil<T>(what: string, read: () => Promise<T> | T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(25);
  }
}

/** Polls `check` until it holds; fails with `what` after the deadline. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  await waitUntil(what, check, Boolean, timeoutMs);
}
