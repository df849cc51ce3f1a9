import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { callEvents, callRecords, type CallDirection, type CallOutcome, type CallRecord, type EndedBy } from "../schema";

export interface NewCall {
  /** Chosen by the caller of insertCall when it must name the record before the write (write-behind). */
  id?: string;
  sipCallId: string;
  callerNumber: string;
  callerName?: string | null;
  dialedNumber: string;
  numberId?: number | null;
  queueId?: number | null;
  arrivedAt: Date;
  slThresholdS: number;
  shortAbandonS: number;
  /** Default inbound. */
  direction?: CallDirection;
  /** Set at once for an outbound call (the operator who dials). */
  operatorId?: number | null;
  /** A consultation's leg: the inbound call it belongs to (see call_records.consult_of). */
  consultOf?: string | null;
}

export async function insertCall(db: Db, call: NewCall): Promise<CallRecord> {
  const [row] = await db.insert(callRecords).values(call).returning();
  return row!;
}

/**
 * Inserts a call whose id the caller chose, doing nothing when that id exists already: a write replayed after a
 * failure whose commit did in fact happen must not fail (or double the record).
 */
export async function insertCallOnce(db: Db, call: NewCall & { id: string }): Promise<void> {
  await db.insert(callRecords).values(call).onConflictDoNothing({ target: callRecords.id });
}

/**
 * {@link insertCallOnce} for several calls in one statement, each with its first fields already set (`patch`, and
 * `offers`): a call whose id exists is left alone. Returns the ids it inserted.
 */
export async function insertCallsOnce(db: Db, calls: ReadonlyArray<{ call: NewCall & { id: string }; patch: CallPatch; offers: number }>): Promise<Set<string>> {
  if (calls.length === 0) return new Set();
  const defined = (patch: CallPatch) => Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as CallPatch;
  const rows = await db
    .insert(callRecords)
    .values(calls.map(({ call, patch, offers }) => ({ ...call, ...defined(patch), offers })))
    .onConflictDoNothing({ target: callRecords.id })
    .returning({ id: callRecords.id });
  return new Set(rows.map((row) => row.id));
}

export type CallPatch = Partial<
  Pick<CallRecord, "queueId" | "queuedAt" | "answeredAt" | "endedAt" | "wrapUpEndedAt" | "operatorId" | "outcome" | "endedBy" | "endReason" | "holdMs" | "topic" | "notes">
>;

export async function updateCall(db: Db, id: string, patch: CallPatch): Promise<void> {
  await db.update(callRecords).set(patch).where(eq(callRecords.id, id));
}

export async function incrementOffers(db: Db, id: string): Promise<void> {
  await db.update(callRecords).set({ offers: sql`${callRecords.offers} + 1` }).where(eq(callRecords.id, id));
}

/** {@link updateCall} and `offersAdded` x {@link incrementOffers} in one statement (nothing when both are empty). */
export async function updateCallAndOffers(db: Db, id: string, patch: CallPatch, offersAdded: number): Promise<void> {
  const set = { ...patch, ...(offersAdded !== 0 && { offers: sql`${callRecords.offers} + ${offersAdded}` }) };
  if (Object.values(set).every((value) => value === undefined)) return;
  await db.update(callRecords).set(set).where(eq(callRecords.id, id));
}

export interface NewCallEvent {
  at: Date;
  type: string;
  callId?: string | null;
  operatorId?: number | null;
  queueId?: number | null;
  data?: Record<string, unknown>;
}

export async function appendEvents(db: Db, events: NewCallEvent[]): Promise<void> {
  if (events.length > 0) await db.insert(callEvents).values(events);
}

export async function findCall(db: Db, id: string): Promise<CallRecord | undefined> {
  const [row] = await db.select().from(callRecords).where(eq(callRecords.id, id));
  return row;
}

export function listCallEvents(db: Db, callId: string) {
  return db.select().from(callEvents).where(eq(callEvents.callId, callId)).orderBy(callEvents.id);
}

/**
 * Closes calls a previous process left "in progress" (it died mid-call): they end at the time of
 * their last event, as failed, ended by the system, with a reason saying why.
 */
export async function closeOrphanedCalls(db: Db, now: Date, reason: string): Promise<number> {
  const orphans = await db.select().from(callRecords).where(eq(callRecords.outcome, "in_progress"));
  for (const call of orphans) {
    const [last] = await db
      .select({ at: sql<Date>`max(${callEvents.at})` })
      .from(callEvents)
      .where(eq(callEvents.callId, call.id));
    const endedAt = last?.at ? new Date(last.at) : now;
    const outcome: CallOutcome = call.answeredAt ? "answered" : "failed";
    const endedBy: EndedBy = "system";
    await db
      .update(callRecords)
      .set({ outcome, endedAt, endedBy, endReason: reason })
      .where(and(eq(callRecords.id, call.id), eq(callRecords.outcome, "in_progress")));
    await appendEvents(db, [{ at: now, type: "call.closed-after-restart", callId: call.id, data: { reason } }]);
  }
  return orphans.length;
}

/** Each operator's last `operator.state` event that is not offline (the log's view of who was working). */
async function openOperatorStates(db: Db) {
  const latest = await db
    .selectDistinctOn([callEvents.operatorId], { operatorId: callEvents.operatorId, data: callEvents.data })
    .from(callEvents)
    .where(and(eq(callEvents.type, "operator.state"), isNotNull(callEvents.operatorId)))
    .orderBy(callEvents.operatorId, desc(callEvents.at), desc(callEvents.id));
  return latest.filter((row) => row.data.to !== "offline");
}

/**
 * The state each operator was in when the previous process stopped (their last `operator.state` event, when not
 * offline), by user id: `status` as the engine named it, `reason` a pause reason (null otherwise). Read before
 * {@link closeOperatorStatesAfterRestart} closes them, so a node taking over can give operators back their state.
 */
export async function lastOperatorStates(db: Db): Promise<Map<number, { status: string; reason: string | null }>> {
  const open = await openOperatorStates(db);
  return new Map(
    open.map((row) => [row.operatorId!, { status: String(row.data.to), reason: typeof row.data.reason === "string" ? row.data.reason : null }]),
  );
}

/**
 * After a restart every operator starts offline, but the event log still ends with the state each one had when
 * the process died. Without a closing event, reports would count the whole outage as time on a call or available.
 * Each such operator gets an `operator.state` event to offline, stamped at the log's last sign of life (when the
 * process was last seen working), so the dead time counts as logged out. Returns how many operators were closed.
 */
export async function closeOperatorStatesAfterRestart(db: Db, now: Date): Promise<number> {
  const open = await openOperatorStates(db);
  if (open.length === 0) return 0;
  const [last] = await db.select({ at: sql<Date | string | null>`max(${callEvents.at})` }).from(callEvents);
  const at = last?.at ? new Date(last.at) : now;
  await appendEvents(
    db,
    open.map((row) => ({ at, type: "operator.state", operatorId: row.operatorId, data: { from: row.data.to ?? null, to: "offline", reason: "restarted" } })),
  );
  return open.length;
}
