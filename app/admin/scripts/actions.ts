"use server";

import { removeScript, saveScript } from "../../../server/scripts/script-service";
import type { FormState } from "../../components/simple-form";
import { adminDb, adminWrite, formText, formValues } from "../admin-write";

const PATH = "/admin/scripts";

export async function saveScriptAction(_previous: FormState, form: FormData): Promise<FormState> {
  const queue = formText(form, "queueId");
  const queueId = /^\d+$/.test(queue) ? Number(queue) : null;
  const result = await adminWrite(PATH, PATH, () => saveScript(adminDb(), { queueId, locale: formText(form, "locale"), steps: formText(form, "steps") }));
  return result.ok ? { notice: "scripts.saved" } : { errors: result.errors, values: formValues(form) };
}

export async function removeScriptAction(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await adminWrite(PATH, PATH, () => removeScript(adminDb(), Number(formText(form, "id"))));
  return result.ok ? { notice: "scripts.removed" } : { errors: result.errors };
}
