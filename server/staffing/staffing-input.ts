/**
 * Validation of pause reasons and shifts as the admin pages submit them (strings, checkbox "on",
 * repeated `days` values). Messages are `validation.*` i18n keys, one per field.
 */
import { z } from "zod";
import type { PauseReasonRow } from "../../db/schema";
import { fieldErrors, type Result } from "../accounts/user-input";
import { isEmpty, optionalWholeNumber, toNumber, wholeNumber } from "../forms/form-numbers";

/** A checkbox sends "on" when ticked and nothing otherwise. */
const checkbox = z.preprocess((value) => value === true || value === "on" || value === "true", z.boolean());

/** Empty means no limit; breaks longer than a working day are a typo. */
const maxMinutes = optionalWholeNumber(1, 480, "validation.pauseMinutes");

const pauseLabel = z.string({ error: "validation.pauseLabel" }).trim().min(1, "validation.pauseLabel").max(40, "validation.pauseLabel");

const pauseLimits = { maxMinutes, limited: checkbox };
export const pauseReasonSchema = z.object({ label: pauseLabel, ...pauseLimits });
export const builtInPauseReasonSchema = z.object(pauseLimits);

/** A stored reason as its row form shows it (the counterpart of parsePauseReason). */
export function pauseReasonFormValues(row: PauseReasonRow): Record<string, string> {
  return { label: row.label ?? "", maxMinutes: row.maxMinutes === null ? "" : String(row.maxMinutes), limited: row.limited ? "on" : "" };
}

export type PauseReasonInput = { label?: unknown; maxMinutes?: unknown; limited?: unknown };

export function parsePauseReason(input: PauseReasonInput, builtIn: boolean): Result<{ label?: string; maxMinutes: number | null; limited: boolean }> {
  const parsed = (builtIn ? builtInPauseReasonSchema : pauseReasonSchema).safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

/** "HH:MM" (24-hour) to minutes after midnight. */
const timeOfDay = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, message)
    .transform((value) => {
      const [hours = 0, minutes = 0] = value.split(":").map(Number);
      return hours * 60 + minutes;
    });

export const shiftSchema = z
  .object({
    userId: wholeNumber(1, Number.MAX_SAFE_INTEGER, "validation.operator"),
    days: z.preprocess(
      (value) => (Array.isArray(value) ? value : isEmpty(value) ? [] : [value]).map(toNumber),
      z.array(z.number({ error: "validation.shiftDays" }).int("validation.shiftDays").min(1, "validation.shiftDays").max(7, "validation.shiftDays"), { error: "validation.shiftDays" }).min(1, "validation.shiftDays").transform((days) => [...new Set(days)].sort((a, b) => a - b)),
    ),
    start: timeOfDay("validation.shiftTime"),
    end: timeOfDay("validation.shiftTime"),
  })
  // A shift ending when it starts would be 0 or 24 hours: neither is what anyone means.
  .refine((shift) => shift.start !== shift.end, { path: ["end"], message: "validation.shiftEnd" })
  .transform(({ userId, days, start, end }) => ({ userId, days, startMinute: start, endMinute: end }));

export type ShiftInput = { userId?: unknown; days?: unknown; start?: unknown; end?: unknown };

export function parseShift(input: ShiftInput): Result<z.output<typeof shiftSchema>> {
  const parsed = shiftSchema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}
