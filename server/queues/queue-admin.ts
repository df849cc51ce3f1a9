/**
 * Queue administration: validate, then write. The admin pages call these (after `requireRole`);
 * they return field-level errors as `validation.*` keys, never throw on bad input. Telling the
 * live engine about a change is the caller's job (`Services.onQueuesChanged`), so these stay
 * usable from tests and scripts without a running telephony side.
 */
import type { Db } from "../../db/client";
import { ConflictError } from "../../db/queries/errors";
import {
  addHotlineNumber,
  createQueue,
  deleteVipNumber,
  findQueueById,
  listQueues,
  removeHotlineNumber,
  removeQueueMember,
  setQueueMember,
  updateQueueSettings,
  upsertVipNumber,
} from "../../db/queries/queues";
import { applyRecordingRetention } from "../../db/queries/recordings";
import { findUserById } from "../../db/queries/users";
import type { HotlineNumber, Queue, VipNumber } from "../../db/schema";
import { fieldErrors, type Result } from "../accounts/user-input";
import { hotlineNumberSchema, memberSchema, parseQueueSettings, queueNameSchema, vipNumberSchema, type QueueSettingsInput } from "./queue-input";

const QUEUE_GONE = { ok: false, errors: { form: "validation.queueNotFound" } } as const;

export async function createNamedQueue(db: Db, name: unknown): Promise<Result<Queue>> {
  const parsed = queueNameSchema.safeParse(name);
  if (!parsed.success) return { ok: false, errors: { name: "validation.queueName" } };
  try {
    return { ok: true, value: await createQueue(db, parsed.data) };
  } catch (error) {
    if (error instanceof ConflictError) return { ok: false, errors: { name: "validation.queueNameTaken" } };
    throw error;
  }
}

export async function saveQueueSettings(db: Db, queueId: number, input: QueueSettingsInput): Promise<Result<Queue>> {
  const queueIds = (await listQueues(db)).map((q) => q.id);
  if (!queueIds.includes(queueId)) return QUEUE_GONE;
  const parsed = parseQueueSettings(input, { queueId, queueIds });
  if (!parsed.ok) return parsed;
  try {
    const before = await findQueueById(db, queueId);
    const queue = await updateQueueSettings(db, queueId, parsed.value);
    // A changed retention applies to the queue's stored recordings too; the retention sweeper looks again within a
    // day (server/recordings/retention.ts), so a shortened retention deletes the older ones by then.
    if (queue && before && before.recordingRetentionDays !== queue.recordingRetentionDays) {
      await applyRecordingRetention(db, queueId, queue.recordingRetentionDays);
    }
    return queue ? { ok: true, value: queue } : QUEUE_GONE;
  } catch (error) {
    if (error instanceof ConflictError) return { ok: false, errors: { name: "validation.queueNameTaken" } };
    throw error;
  }
}

/** Adds a member or changes the level of an existing one (the same upsert). */
export async function saveQueueMember(db: Db, queueId: number, input: { userId: unknown; level: unknown }): Promise<Result<{ userId: number; level: number }>> {
  const parsed = memberSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  if (!(await findQueueById(db, queueId))) return QUEUE_GONE;
  const user = await findUserById(db, parsed.data.userId);
  if (!user || user.disabled) return { ok: false, errors: { userId: "validation.operator" } };
  await setQueueMember(db, queueId, user.id, parsed.data.level);
  return { ok: true, value: parsed.data };
}

export async function dropQueueMember(db: Db, queueId: number, userId: number): Promise<Result<true>> {
  return (await removeQueueMember(db, queueId, userId)) ? { ok: true, value: true } : { ok: false, errors: { form: "validation.memberNotFound" } };
}

export async function addQueueNumber(db: Db, queueId: number, input: { number: unknown; label: unknown }): Promise<Result<HotlineNumber>> {
  const parsed = hotlineNumberSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  if (!(await findQueueById(db, queueId))) return QUEUE_GONE;
  try {
    return { ok: true, value: await addHotlineNumber(db, parsed.data.number, queueId, parsed.data.label ?? undefined) };
  } catch (error) {
    if (error instanceof ConflictError) return { ok: false, errors: { number: "validation.numberTaken" } };
    throw error;
  }
}

/**
 * Past call records keep the dialed number (their link to the number is set null by the foreign
 * key); new calls to it are refused as unknown from now on.
 */
export async function dropQueueNumber(db: Db, queueId: number, numberId: number): Promise<Result<true>> {
  return (await removeHotlineNumber(db, queueId, numberId)) ? { ok: true, value: true } : { ok: false, errors: { form: "validation.numberNotFound" } };
}

export async function saveVipNumber(db: Db, input: { number: unknown; priority: unknown; label: unknown }): Promise<Result<VipNumber>> {
  const parsed = vipNumberSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  return { ok: true, value: await upsertVipNumber(db, parsed.data) };
}

export async function dropVipNumber(db: Db, number: string): Promise<Result<true>> {
  return (await deleteVipNumber(db, number)) ? { ok: true, value: true } : { ok: false, errors: { form: "validation.numberNotFound" } };
}
