"use server";

import { revalidatePath } from "next/cache";
import type { Result } from "../../../server/accounts/user-input";
import { getServices } from "../../../server/runtime-registry";
import { createShift, removeShift } from "../../../server/staffing/staffing-admin";
import { requireRole } from "../../lib/auth";
import type { StaffingFormState } from "../pause-reasons/staffing-form-bits";

const PATH = "/admin/shifts";

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/**
 * Every mutation: check the role first, write, then let the live engine and the shift scheduler
 * re-read the shifts, so a change holds from the next shift boundary without a restart.
 */
async function mutate<T>(write: () => Promise<Result<T>>): Promise<Result<T>> {
  await requireRole("admin", PATH);
  const result = await write();
  if (result.ok) {
    await getServices().onQueuesChanged?.();
    revalidatePath(PATH);
  }
  return result;
}

const db = () => getServices().database.db;

export async function createShiftAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  // Seven checkboxes named `days`: every ticked one sends its ISO weekday.
  const days = form.getAll("days").map(String);
  const input = { userId: text(form, "userId"), days, start: text(form, "start"), end: text(form, "end") };
  const result = await mutate(() => createShift(db(), input));
  return result.ok ? { notice: "shifts.added" } : { errors: result.errors, values: { ...input, days: days.join(",") } };
}

export async function removeShiftAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const id = Number(text(form, "id"));
  // A tampered id names no shift: never send it to the database.
  const result = await mutate(async (): Promise<Result<true>> =>
    Number.isSafeInteger(id) && id > 0 ? removeShift(db(), id) : { ok: false, errors: { form: "validation.shiftNotFound" } },
  );
  return result.ok ? { notice: "shifts.removed" } : { errors: result.errors };
}
