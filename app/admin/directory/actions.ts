"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { fileTooLarge, MAX_CSV_BYTES } from "../../../server/forms/upload-limits";
import { createDirectoryEntry, importDirectoryCsv, removeDirectoryEntry } from "../../../server/directory/directory-service";
import type { FormState } from "../../components/simple-form";
import { requireRole } from "../../lib/auth";
import { adminDb, adminWrite, formText, formValues } from "../admin-write";

const PATH = "/admin/directory";
const FIELDS = ["name", "department", "title", "phones", "email", "competences", "hours", "notes"] as const;

export async function createEntryAction(_previous: FormState, form: FormData): Promise<FormState> {
  const input = Object.fromEntries(FIELDS.map((field) => [field, formText(form, field)]));
  const result = await adminWrite(PATH, PATH, () => createDirectoryEntry(adminDb(), input));
  return result.ok ? { notice: "directory.added" } : { errors: result.errors, values: formValues(form) };
}

export async function removeEntryAction(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await adminWrite(PATH, PATH, () => removeDirectoryEntry(adminDb(), Number(formText(form, "id"))));
  return result.ok ? { notice: "directory.removed" } : { errors: result.errors };
}

/** Imports a CSV file; on any faulty row nothing is written and each faulty line is listed with its problems. */
export async function importCsvAction(_previous: FormState, form: FormData): Promise<FormState> {
  await requireRole("admin", PATH);
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return { errors: { file: "validation.csvColumns" } };
  // The form refuses it before sending; checked again for any other client.
  if (fileTooLarge(file, MAX_CSV_BYTES)) return { errors: { file: "formChecks.csvTooLarge" } };
  const t = await getTranslations();
  const report = await importDirectoryCsv(adminDb(), await file.text());
  if (report.file) return { errors: { file: report.file } };
  if (report.rows.length > 0) {
    return {
      errors: { form: "directory.importFailed" },
      details: report.rows.map(
        ({ line, errors }) =>
          `${t("directory.line", { line })}: ${Object.entries(errors)
            .map(([field, key]) => `${field}: ${t(key)}`)
            .join("; ")}`,
      ),
    };
  }
  revalidatePath(PATH);
  return { message: t("directory.imported", { count: report.imported }) };
}
