/**
 * Whether one call is recorded: its queue records (on/off) and the call falls inside the queue's sampling
 * percentage. `random` is a draw in [0, 1) (injected so tests are deterministic): a call is recorded when
 * `random * 100 < samplePct`, so 100 records every call and 0 none.
 */
export function shouldRecord(queue: { recordingEnabled: boolean; recordingSamplePct: number }, random: number): boolean {
  if (!queue.recordingEnabled) return false;
  const pct = Math.min(100, Math.max(0, queue.recordingSamplePct));
  return random * 100 < pct;
}
