/** Call recordings: the stored file of a call, its retention, and the audit of every playback and download. */
import { and, asc, desc, eq, isNotNull, lte, min, sql } from "drizzle-orm";
import type { Db } from "../client";
import { callRecords, queueMembers, queues, recordingAccesses, users } from "../schema";

/** A call's recording was stored: its file (relative to the recordings folder) and when it is due for deletion. */
export async function setCallRecording(db: Db, callId: string, file: string, expiresAt: Date | null): Promise<void> {
  await db.update(callRecords).set({ recordingFile: file, recordingExpiresAt: expiresAt, recordingDeletedAt: null }).where(eq(callRecords.id, callId));
}

/**
 * The call's recording file, operator, outcome and queue (for the access check), or undefined for an unknown call.
 * A voicemail's record has no operator: its queue's members may listen to it.
 */
export async function findCallRecording(
  db: Db,
  callId: string,
): Promise<{ recordingFile: string | null; operatorId: number | null; recordingDeletedAt: Date | null; outcome: string; queueId: number | null } | undefined> {
  const [row] = await db
    .select({ recordingFile: callRecords.recordingFile, operatorId: callRecords.operatorId, recordingDeletedAt: callRecords.recordingDeletedAt, outcome: callRecords.outcome, queueId: callRecords.queueId })
    .from(callRecords)
    .where(eq(callRecords.id, callId));
  return row;
}

/** The earliest deletion due among stored recordings (index call_records_recording_expires). */
export async function earliestRecordingExpiry(db: Db): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: min(callRecords.recordingExpiresAt) })
    .from(callRecords)
    .where(and(isNotNull(callRecords.recordingFile), isNotNull(callRecords.recordingExpiresAt)));
  return row?.at ? new Date(row.at) : undefined;
}

/** Recordings due at `now`, oldest first, at most `limit`. */
export async function listDueRecordings(db: Db, now: Date, limit = 500): Promise<Array<{ id: string; recordingFile: string }>> {
  const rows = await db
    .select({ id: callRecords.id, recordingFile: callRecords.recordingFile })
    .from(callRecords)
    .where(and(isNotNull(callRecords.recordingFile), lte(callRecords.recordingExpiresAt, now)))
    .orderBy(asc(callRecords.recordingExpiresAt))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, recordingFile: r.recordingFile! }));
}

/**
 * A queue's retention changed: its stored recordings are due `days` after their call ended (null: kept). Calls are
 * the queue's by their record's queue (the queue the caller dialled into).
 */
export async function applyRecordingRetention(db: Db, queueId: number, days: number | null): Promise<void> {
  await db
    .update(callRecords)
    .set({ recordingExpiresAt: days === null ? null : sql`${callRecords.endedAt} + make_interval(days => ${days})` })
    .where(and(eq(callRecords.queueId, queueId), isNotNull(callRecords.recordingFile)));
}

/** How long a queue keeps its audio (recordings and voicemail messages), days; null (or no such queue): kept. */
export async function queueAudioRetentionDays(db: Db, queueId: number): Promise<number | null> {
  const [row] = await db.select({ days: queues.recordingRetentionDays }).from(queues).where(eq(queues.id, queueId));
  return row?.days ?? null;
}

/** The file is gone: the record keeps that it was recorded and when the recording was deleted. */
export async function markRecordingDeleted(db: Db, callId: string, at: Date): Promise<void> {
  await db.update(callRecords).set({ recordingFile: null, recordingExpiresAt: null, recordingDeletedAt: at }).where(eq(callRecords.id, callId));
}

/** One playback or download (who, when). */
export async function logRecordingAccess(db: Db, access: { callId: string; userId: number; action: "play" | "download"; at?: Date }): Promise<void> {
  await db.insert(recordingAccesses).values({ callId: access.callId, userId: access.userId, action: access.action, ...(access.at && { at: access.at }) });
}

/** A call's recording accesses, newest first, with the user's name. */
export async function listRecordingAccesses(db: Db, callId: string) {
  return db
    .select({ at: recordingAccesses.at, action: recordingAccesses.action, userId: recordingAccesses.userId, username: users.username })
    .from(recordingAccesses)
    .leftJoin(users, eq(users.id, recordingAccesses.userId))
    .where(eq(recordingAccesses.callId, callId))
    .orderBy(desc(recordingAccesses.at));
}

/** Whether `userId` is a member of queue `queueId` (an operator may listen to the voicemails of their queues). */
export async function isQueueMember(db: Db, queueId: number, userId: number): Promise<boolean> {
  const rows = await db
    .select({ queueId: queueMembers.queueId })
    .from(queueMembers)
    .where(and(eq(queueMembers.queueId, queueId), eq(queueMembers.userId, userId)));
  return rows.length > 0;
}
