/**
 * The one translation from a stored queue row to the engine's settings: seconds become
 * milliseconds, nullable limits become `undefined` ("no limit"), and each stored action kind plus
 * target id becomes a {@link QueueAction}. Pure, so it is unit-tested without a database.
 */
import type { Queue } from "../../db/schema";
import type { AnnouncementKind, QueueAction, QueueSettingsInput } from "../queue";
import type { QueueActionKind } from "../queues/queue-options";

/** The announcement a caller hears when each slot's action hangs up. */
const HANG_UP_ANNOUNCEMENT = {
  maxWait: "max-wait",
  queueFull: "queue-full",
  noOperators: "no-operators",
} as const satisfies Record<string, AnnouncementKind>;

const ms = (seconds: number) => seconds * 1000;
const optionalMs = (seconds: number | null) => (seconds === null ? undefined : ms(seconds));

/**
 * An overflow whose target is gone (the column is set null when that queue is deleted) hangs up
 * with the slot's announcement rather than sending callers nowhere.
 */
export function queueActionFromRow(kind: QueueActionKind, targetId: number | null, slot: keyof typeof HANG_UP_ANNOUNCEMENT): QueueAction {
  if (kind === "overflow" && targetId !== null) return { type: "overflow", queueId: String(targetId) };
  if (kind === "callback") return { type: "callback" };
  return { type: "hang-up", announcement: HANG_UP_ANNOUNCEMENT[slot] };
}

export function queueSettingsFromRow(row: Queue): QueueSettingsInput {
  return {
    id: String(row.id),
    strategy: row.strategy,
    weight: row.weight,
    ringTimeoutMs: ms(row.ringTimeoutS),
    retryDelayMs: ms(row.retryDelayS),
    wrapUpMs: ms(row.wrapUpS),
    maxWaitMs: optionalMs(row.maxWaitS),
    maxWaitAction: queueActionFromRow(row.maxWaitAction, row.maxWaitTargetId, "maxWait"),
    maxQueueLength: row.maxQueueLength ?? undefined,
    queueFullAction: queueActionFromRow(row.queueFullAction, row.queueFullTargetId, "queueFull"),
    joinWhen: row.joinWhen,
    leaveWhen: row.leaveWhen,
    noOperatorsAction: queueActionFromRow(row.noOperatorsAction, row.noOperatorsTargetId, "noOperators"),
    serviceLevelMs: ms(row.slThresholdS),
    shortAbandonMs: ms(row.shortAbandonS),
    positionAnnounceEveryMs: optionalMs(row.positionAnnounceEveryS),
    periodicAnnounceEveryMs: optionalMs(row.periodicAnnounceEveryS),
    tierDelaysMs: row.tierDelaysS.map(ms),
    maxMissedOffers: row.maxMissedOffers,
    maxOnBreak: row.maxOnBreak ?? undefined,
  };
}
