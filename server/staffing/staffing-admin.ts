/**
 * Administration of pause reasons and shifts: validate, then write, in the style of
 * server/queues/queue-admin.ts. Telling the live engine and the shift scheduler is the caller's job
 * (`Services.onQueuesChanged`).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client";
import { deletePauseReason, findPauseReason, insertPauseReason, updatePauseReason } from "../../db/queries/pause-reasons";
import { deleteShift, insertShift } from "../../db/queries/shifts";
import { findUserById } from "../../db/queries/users";
import type { OperatorShift, PauseReasonRow } from "../../db/schema";
import type { Result } from "../accounts/user-input";
import { parsePauseReason, parseShift, type PauseReasonInput, type ShiftInput } from "./staffing-input";

const REASON_GONE = { ok: false, errors: { form: "validation.pauseReasonNotFound" } } as const;

export async function createPauseReason(db: Db, input: PauseReasonInput): Promise<Result<PauseReasonRow>> {
  const parsed = parsePauseReason(input, false);
  if (!parsed.ok) return parsed;
  // An opaque code, so renaming a reason never changes what past events mean.
  const code = `custom:${randomUUID().slice(0, 8)}`;
  return { ok: true, value: await insertPauseReason(db, { code, label: parsed.value.label ?? "", maxMinutes: parsed.value.maxMinutes, limited: parsed.value.limited }) };
}

export async function savePauseReason(db: Db, code: string, input: PauseReasonInput): Promise<Result<PauseReasonRow>> {
  const current = await findPauseReason(db, code);
  if (!current) return REASON_GONE;
  const parsed = parsePauseReason(input, current.builtIn);
  if (!parsed.ok) return parsed;
  const row = await updatePauseReason(db, code, parsed.value);
  return row ? { ok: true, value: row } : REASON_GONE;
}

export async function removePauseReason(db: Db, code: string): Promise<Result<true>> {
  const current = await findPauseReason(db, code);
  if (!current) return REASON_GONE;
  if (current.builtIn) return { ok: false, errors: { form: "validation.pauseReasonBuiltIn" } };
  return (await deletePauseReason(db, code)) ? { ok: true, value: true } : REASON_GONE;
}

export async function createShift(db: Db, input: ShiftInput): Promise<Result<OperatorShift>> {
  const parsed = parseShift(input);
  if (!parsed.ok) return parsed;
  const user = await findUserById(db, parsed.value.userId);
  if (!user || user.disabled) return { ok: false, errors: { userId: "validation.operator" } };
  return { ok: true, value: await insertShift(db, parsed.value) };
}

export async function removeShift(db: Db, id: number): Promise<Result<true>> {
  return (await deleteShift(db, id)) ? { ok: true, value: true } : { ok: false, errors: { form: "validation.shiftNotFound" } };
}
