"use server";

import path from "node:path";
import { adminDb, adminWrite, formText, formValues } from "../admin-write";
import { importPrompt } from "../../../server/hours/prompt-upload";
import { getServices } from "../../../server/runtime-registry";
import { addException, saveNumberSettings, saveSchedule } from "../../../server/hours/hours-service";
import { removeException } from "../../../server/hours/hours-overview";
import type { StaffingFormState } from "../staffing-form-bits";

const PATH = "/admin/hours";

export async function saveScheduleAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const input = { name: formText(form, "name"), weekly: formText(form, "weekly"), zone: formText(form, "zone") };
  const result = await adminWrite(PATH, PATH, () => saveSchedule(adminDb(), input));
  return result.ok ? { notice: "hours.saved" } : { errors: result.errors, values: formValues(form) };
}

export async function addExceptionAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const kind = formText(form, "kind") === "period" ? "period" : "closure";
  const input = { schedule: formText(form, "schedule"), kind, from: formText(form, "from"), to: formText(form, "to"), hours: formText(form, "hours"), reason: formText(form, "reason") } as const;
  const result = await adminWrite(PATH, PATH, () => addException(adminDb(), input));
  return result.ok ? { notice: "hours.exceptionAdded" } : { errors: result.errors, values: formValues(form) };
}

export async function removeExceptionAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const result = await adminWrite(PATH, PATH, () => removeException(adminDb(), Number(formText(form, "id"))));
  return result.ok ? { notice: "hours.removed" } : { errors: result.errors };
}

export async function saveNumberAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const input = {
    schedule: formText(form, "schedule"),
    closedAction: formText(form, "closedAction"),
    voicemailMax: formText(form, "voicemailMax"),
    language: formText(form, "language"),
    greeting: formText(form, "greeting"),
    campaignFrom: formText(form, "campaignFrom"),
    campaignTo: formText(form, "campaignTo"),
  };
  const number = formText(form, "number");
  const menu = formText(form, "menu");
  // Every field validated before anything is written: an error leaves the number as it was.
  const result = await adminWrite(PATH, PATH, () => saveNumberSettings(adminDb(), number, { ...input, menu }));
  return result.ok ? { notice: "hours.numberSaved", values: { ...input, menu } } : { errors: result.errors, values: formValues(form) };
}

export async function uploadPromptAction(_previous: StaffingFormState, form: FormData): Promise<StaffingFormState> {
  const file = form.get("file");
  const data = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
  const values = { language: formText(form, "language"), prompt: formText(form, "prompt") };
  const soundsDir = path.resolve(getServices().config.SOUNDS_DIR);
  const result = await adminWrite(PATH, PATH, () => importPrompt({ data, language: values.language, name: values.prompt, soundsDir }));
  return result.ok ? { notice: "hours.promptUploaded", values } : { errors: result.errors, values };
}
