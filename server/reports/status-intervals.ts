/**
 * Operators' states as intervals: from `operator.state` changes (each operator's last change before the period,
 * then the changes in it, oldest first), the stretches of time each operator spent in each status within
 * [from, to). `offline` stretches are left out (the operator was not there).
 */

export interface OperatorStateChange {
  operatorId: number;
  at: Date;
  /** The status entered (`offline` = logged out). */
  status: string;
  /** Why, for a pause (`break`, `lunch`, …); null otherwise. */
  reason?: string | null;
}

export interface StatusInterval {
  operatorId: number;
  status: string;
  reason: string | null;
  /** Epoch ms, clipped to the period. */
  startMs: number;
  endMs: number;
}

/** The intervals of every operator not offline, clipped to [from, to). */
export function* statusIntervals(changes: readonly OperatorStateChange[], from: Date, to: Date): Generator<StatusInterval> {
  const open = new Map<number, { status: string; reason: string | null; since: number }>();
  const clip = (operatorId: number, state: { status: string; reason: string | null; since: number }, endMs: number): StatusInterval | undefined => {
    const startMs = Math.max(state.since, from.getTime());
    const end = Math.min(endMs, to.getTime());
    return end > startMs ? { operatorId, status: state.status, reason: state.reason, startMs, endMs: end } : undefined;
  };
  for (const change of changes) {
    const at = change.at.getTime();
    const previous = open.get(change.operatorId);
    if (previous) {
      const interval = clip(change.operatorId, previous, at);
      if (interval) yield interval;
    }
    if (change.status === "offline") open.delete(change.operatorId);
    else open.set(change.operatorId, { status: change.status, reason: change.reason ?? null, since: at });
  }
  for (const [operatorId, state] of open) {
    const interval = clip(operatorId, state, to.getTime());
    if (interval) yield interval;
  }
}
