/**
 * Validation of account input, shared by the admin pages, the API and the command line.
 * Messages are i18n keys under `validation.*`, translated where they are shown.
 */
import { z } from "zod";
import { ROLES } from "../auth/roles";
import { LOCALES } from "../i18n/locales";

export const usernameSchema = z
  .string()
  .trim()
  .min(3, "validation.usernameLength")
  .max(32, "validation.usernameLength")
  .regex(/^[a-zA-Z0-9._-]+$/, "validation.usernameChars");

export const passwordSchema = z
  .string()
  .min(8, "validation.passwordLength")
  .max(200, "validation.passwordLength");

export const displayNameSchema = z.string().trim().min(1, "validation.required").max(80, "validation.displayNameLength");
export const roleSchema = z.enum(ROLES, { error: "validation.role" });
export const localeSchema = z.enum(LOCALES, { error: "validation.locale" });

export const newUserSchema = z.object({
  username: usernameSchema,
  displayName: displayNameSchema.optional(),
  role: roleSchema,
  password: passwordSchema,
});
export type NewUserInput = z.input<typeof newUserSchema>;

export const userPatchSchema = z.object({
  displayName: displayNameSchema.optional(),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
  locale: localeSchema.nullable().optional(),
});
export type UserPatchInput = z.input<typeof userPatchSchema>;

/** Field name -> i18n message key. */
export type FieldErrors = Record<string, string>;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message.startsWith("validation.") ? issue.message : "validation.invalid";
  }
  return errors;
}
