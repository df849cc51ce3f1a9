/**
 * What the supervisors' board reads at boot to rebuild today's figures (server/board): the day's call records and
 * its operator state changes and the events of its calls' segments, in order. Three queries a start, never on a timer.
 */
import { and, asc, eq, gte, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { callEvents, callRecords } from "../schema";
import { notConsultationLeg } from "./call-log";

/** Call records that arrived at or after `since` (local midnight), with the columns the figures read. */
export function listRecordsSince(db: Db, since: Date) {
  return db
    .select({
      id: callRecords.id,
      direction: callRecords.direction,
      queueId: callRecords.queueId,
      operatorId: callRecords.operatorId,
      arrivedAt: callRecords.arrivedAt,
      queuedAt: callRecords.queuedAt,
      answeredAt: callRecords.answeredAt,
      endedAt: callRecords.endedAt,
      wrapUpEndedAt: callRecords.wrapUpEndedAt,
      holdMs: callRecords.holdMs,
      outcome: callRecords.outcome,
      slThresholdS: callRecords.slThresholdS,
      shortAbandonS: callRecords.shortAbandonS,
    })
    .from(callRecords)
    // A consultation's leg is not a call of the day.
    .where(and(gte(callRecords.arrivedAt, since), notConsultationLeg()));
}

/** The columns of `call_events` a call's operator parts read (server/calls/operator-parts.ts), with the call's id. */
export const partEventColumns = {
  id: callEvents.id,
  at: callEvents.at,
  type: callEvents.type,
  callId: callEvents.callId,
  operatorId: callEvents.operatorId,
  queueId: callEvents.queueId,
  data: callEvents.data,
};

/**
 * The events that make the segments and holds of today's calls (`types`: server/calls/operator-parts.ts), of calls
 * that arrived at or after `since` and are not a consultation's leg, in log order.
 */
export function listCallPartEventsSince(db: Db, since: Date, types: readonly string[]) {
  return db
    .select(partEventColumns)
    .from(callEvents)
    .innerJoin(callRecords, eq(callRecords.id, callEvents.callId))
    .where(and(gte(callRecords.arrivedAt, since), notConsultationLeg(), inArray(callEvents.type, [...types])))
    .orderBy(asc(callEvents.at), asc(callEvents.id));
}

/** `operator.state` events at or after `since`, in log order. */
export function listOperatorStatesSince(db: Db, since: Date) {
  return db
    .select({ at: callEvents.at, operatorId: callEvents.operatorId, data: callEvents.data })
    .from(callEvents)
    .where(and(eq(callEvents.type, "operator.state"), gte(callEvents.at, since)))
    .orderBy(asc(callEvents.at), asc(callEvents.id));
}
