"use server";

import { adminDb, adminWrite, formText, formValues } from "../admin-write";
import { createPauseReason, removePauseReason, savePauseReason } from "../../../server/staffing/staffing-admin";
import { pauseReasonFormValues } from "../../../server/staffing/staffing-input";
import type { StaffingFormState } from "../staffing-form-bits";

const PATH = "/admin/pause-reasons";

const text = formText;
/** A checkbox sends "on" when ticked and nothing otherwise. */
const input = (form: FormData) => ({ maxMinutes: text(form, "maxMinutes"), limited: text(form, "limited") });

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
  return result.ok ? { notice: "pauseReasons.saved", values: pauseReasonFormValues(result.value) } : { errors: result.errors, values: formValues(form) };
}
