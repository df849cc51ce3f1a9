"use server";

import { updateOrganisation } from "../../../server/organisation/organisation-service";
import type { FormState } from "../../components/simple-form";
import { adminDb, adminWrite, formText, formValues } from "../admin-write";

const PATH = "/admin/organisation";
const FIELDS = ["name", "nameFr", "nameAr", "purpose", "defaultLocale", "country", "historyDays", "serviceLevelTargetPct"] as const;

export async function saveOrganisationAction(_previous: FormState, form: FormData): Promise<FormState> {
  const input = Object.fromEntries(FIELDS.map((field) => [field, formText(form, field)]));
  const result = await adminWrite(PATH, PATH, () => updateOrganisation(adminDb(), input));
  return result.ok ? { notice: "organisation.saved" } : { errors: result.errors, values: formValues(form) };
}
