"use server";

import { adminDb, adminWrite, formText } from "../admin-write";
import type { Result } from "../../../server/accounts/user-input";
import { createShift, removeShift } from "../../../server/staffing/staffing-admin";
import type { StaffingFormState } from "../staffing-form-bits";

const PATH = "/admin/shifts";

const text = formText;

const db = adminDb;

export async function createShiftAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  // Seven checkboxes named `days`: every ticked one sends its ISO weekday.
  const days = form.getAll("days").map(String);
  const input = { userId: text(form, "userId"), days, start: text(form, "start"), end: text(form, "end") };
  const result = await adminWrite(PATH, PATH, () => createShift(db(), input));
  return result.ok ? { notice: "shifts.added" } : { errors: result.errors, values: { ...input, days: days.join(",") } };
}

export async function removeShiftAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const id = Number(text(form, "id"));
  // A tampered id names no shift: never send it to the database.
  const result = await adminWrite(PATH, PATH, async (): Promise<Result<true>> =>
    Number.isSafeInteger(id) && id > 0 ? removeShift(db(), id) : { ok: false, errors: { form: "validation.shiftNotFound" } },
  );
  return result.ok ? { notice: "shifts.removed" } : { errors: result.errors };
}
