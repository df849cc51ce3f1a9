/**
 * The organisation profile: its name (per language where it differs), purpose, default language, the country
 * callers' national numbers are read in, and how far back caller history reaches. Validated here for the admin
 * page and the command line alike.
 */
import { z } from "zod";
import type { Db } from "../../db/client";
import { getOrganisation, saveOrganisation, type OrganisationPatch } from "../../db/queries/organisation";
import type { Organisation } from "../../db/schema";
import { fieldErrors, type Result } from "../accounts/user-input";
import { optionalWholeNumber } from "../forms/form-numbers";
import { LOCALES, type Locale } from "../i18n/locales";
import { isCountryCode } from "../phone/normalise";

const name = (message: string) => z.string({ error: message }).trim().max(120, message);

export const organisationSchema = z.object({
  name: name("validation.organisationName").min(1, "validation.organisationName").optional(),
  nameFr: name("validation.organisationName").optional(),
  nameAr: name("validation.organisationName").optional(),
  purpose: z.string({ error: "validation.purpose" }).trim().max(200, "validation.purpose").optional(),
  defaultLocale: z.enum(LOCALES, { error: "validation.locale" }).optional(),
  country: z
    .string({ error: "validation.country" })
    .trim()
    .toUpperCase()
    .refine((value) => value === "" || isCountryCode(value), "validation.country")
    .optional(),
  historyDays: optionalWholeNumber(1, 3650, "validation.historyDays").optional(),
  serviceLevelTargetPct: optionalWholeNumber(1, 100, "validation.serviceLevelTarget").optional(),
});
export type OrganisationInput = { [K in keyof z.input<typeof organisationSchema>]?: unknown };

/** Saves the fields given (an absent field keeps its value; an empty country or translated name clears it). */
export async function updateOrganisation(db: Db, input: OrganisationInput): Promise<Result<Organisation>> {
  const parsed = organisationSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { nameFr, nameAr, country, historyDays, serviceLevelTargetPct, ...rest } = parsed.data;
  const patch: OrganisationPatch = { ...rest };
  if (nameFr !== undefined || nameAr !== undefined) {
    const current = (await getOrganisation(db)).localizedNames;
    const names = { ...current };
    for (const [locale, value] of [["fr", nameFr], ["ar", nameAr]] as const) {
      if (value === undefined) continue;
      if (value) names[locale] = value;
      else delete names[locale];
    }
    patch.localizedNames = names;
  }
  if (country !== undefined) patch.country = country || null;
  if (historyDays !== undefined && historyDays !== null) patch.historyDays = historyDays;
  if (serviceLevelTargetPct !== undefined && serviceLevelTargetPct !== null) patch.serviceLevelTargetPct = serviceLevelTargetPct;
  return { ok: true, value: await saveOrganisation(db, patch) };
}

/** The organisation's name as said in `locale`. */
export function organisationName(org: Organisation, locale: Locale): string {
  return org.localizedNames[locale] || org.name;
}

/** The profile as its form shows it. */
export function organisationFormValues(org: Organisation): Record<string, string> {
  return {
    name: org.name,
    nameFr: org.localizedNames.fr ?? "",
    nameAr: org.localizedNames.ar ?? "",
    purpose: org.purpose,
    defaultLocale: org.defaultLocale,
    country: org.country ?? "",
    historyDays: String(org.historyDays),
    serviceLevelTargetPct: String(org.serviceLevelTargetPct),
  };
}
