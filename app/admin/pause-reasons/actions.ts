"use server";

import { adminDb, adminWrite } from "../admin-write";
import type { PauseReasonRow } from "../../../db/schema";
import { createPauseReason, removePauseReason, savePauseReason } from "../../../server/staffing/staffing-admin";
import type { StaffingFormState } from "../staffing-form-bits";

const PATH = "/admin/pause-reasons";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");
const formValues = (form: FormData) => Object.fromEntries([...form].filter(([k]) => !k.startsWith("$")).map(([k, v]) => [k, String(v)]));
/** A checkbox sends "on" when ticked and nothing otherwise. */
const input = (form: FormData) => ({ maxMinutes: text(form, "maxMinutes"), limited: text(form, "limited") });

/** The stored reason as the row form shows it. */
const rowValues = (row: PauseReasonRow) => ({ label: row.label ?? "", maxMinutes: row.maxMinutes === null ? "" : String(row.maxMinutes), limited: row.limited ? "on" : "" });

const db = adminDb;

export async function createReasonAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const result = await adminWrite(PATH, PATH, () => createPauseReason(db(), { label: text(form, "label"), ...input(form) }));
  return result.ok ? { notice: "pauseReasons.added" } : { errors: result.errors, values: formValues(form) };
}

/** One form per reason row; the submit button's `intent` says whether to save or remove. */
export async function updateReasonAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const code = text(form, "code");
  if (text(form, "intent") === "remove") {
    const result = await adminWrite(PATH, PATH, () => removePauseReason(db(), code));
    return result.ok ? { notice: "pauseReasons.removed" } : { errors: result.errors, values: formValues(form) };
  }
  // A built-in reason sends no label (its name is translated); the server ignores one anyway.
  const label = form.has("label") ? { label: text(form, "label") } : {};
  const result = await adminWrite(PATH, PATH, () => savePauseReason(db(), code, { ...label, ...input(form) }));
  return result.ok ? { notice: "pauseReasons.saved", values: rowValues(result.value) } : { errors: result.errors, values: formValues(form) };
}
