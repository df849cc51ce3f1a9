/**
 * Orderings used by the indexes: callers in a waiting list, operators in a queue's idle list.
 *
 * Each strategy is reduced to a frozen numeric key taken when the operator becomes idle, so picking the best idle
 * operator is reading the head of a sorted list, not scanning members.
 */
import type { CallRecord, IdleEntry, OperatorRecord } from "./engine-state.js";
import type { Strategy } from "./queue-settings.js";

/** Negative when caller `a` goes before `b`. Valid across queues too: rank includes the queue weight. */
export function compareCallers(a: CallRecord, b: CallRecord): number {
  return (
    Number(b.boosted) - Number(a.boosted) || b.rank - a.rank || a.queuedAt - b.queuedAt || a.seq - b.seq
  );
}

/** Same priority level: `firstEligible` jumps a whole level when its oldest caller is not yet eligible. */
export function samePriorityLevel(a: CallRecord, b: CallRecord): boolean {
  return a.boosted === b.boosted && a.rank === b.rank;
}

export function compareIdle(a: IdleEntry, b: IdleEntry): number {
  return a.tier - b.tier || a.primary - b.primary || a.secondary - b.secondary || a.seq - b.seq;
}

/** The frozen sort key of an operator in a queue's idle list. */
export function idleKey(
  strategy: Strategy,
  operator: OperatorRecord,
  queueId: string,
  tier: number,
): { tier: number; primary: number; secondary: number } {
  const skillTier = strategy === "skills" ? tier : 0;
  switch (strategy) {
    case "round-robin":
      return { tier: 0, primary: operator.lastOfferSeq.get(queueId) ?? -1, secondary: operator.idleSince };
    case "fewest-calls":
      return { tier: 0, primary: operator.callsToday, secondary: operator.idleSince };
    case "least-talk-time":
      return { tier: 0, primary: operator.talkTodayMs, secondary: operator.idleSince };
    case "longest-idle":
    case "ring-all":
    case "skills":
      return { tier: skillTier, primary: operator.idleSince, secondary: 0 };
  }
}
