/**
 * A stored queue as the settings form shows it: every field a string, "" for "no limit" and for
 * "no target", tier delays comma-separated. The inverse of what server/queues/queue-input.ts parses.
 */
import type { Queue } from "../../db/schema";
import { ACTION_SLOTS } from "./queue-options";

const str = (value: number | null) => (value === null ? "" : String(value));

export function queueFormValues(queue: Queue): Record<string, string> {
  const values: Record<string, string> = {
    name: queue.name,
    strategy: queue.strategy,
    weight: str(queue.weight),
    ringTimeoutS: str(queue.ringTimeoutS),
    retryDelayS: str(queue.retryDelayS),
    wrapUpS: str(queue.wrapUpS),
    slThresholdS: str(queue.slThresholdS),
    shortAbandonS: str(queue.shortAbandonS),
    maxWaitS: str(queue.maxWaitS),
    maxQueueLength: str(queue.maxQueueLength),
    joinWhen: queue.joinWhen,
    leaveWhen: queue.leaveWhen,
    positionAnnounceEveryS: str(queue.positionAnnounceEveryS),
    periodicAnnounceEveryS: str(queue.periodicAnnounceEveryS),
    tierDelaysS: queue.tierDelaysS.join(", "),
    maxMissedOffers: str(queue.maxMissedOffers),
    maxOnBreak: str(queue.maxOnBreak),
    alertSlBelowPct: str(queue.alertSlBelowPct),
    alertWaitOverS: str(queue.alertWaitOverS),
    alertNobodyAvailable: queue.alertNobodyAvailable ? "on" : "",
    recordingEnabled: queue.recordingEnabled ? "on" : "",
    recordingSamplePct: str(queue.recordingSamplePct),
    recordingRetentionDays: str(queue.recordingRetentionDays),
  };
  for (const slot of ACTION_SLOTS) {
    values[`${slot}Action`] = queue[`${slot}Action`];
    values[`${slot}TargetId`] = str(queue[`${slot}TargetId`]);
  }
  return values;
}
