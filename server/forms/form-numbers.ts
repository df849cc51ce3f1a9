/**
 * Numbers as admin forms submit them (strings, "" for an empty field) or as scripts pass them (numbers), for the
 * zod schemas of every admin input. A message is a `validation.*` i18n key, given per field.
 */
import { z } from "zod";

/** Strings of digits (optional sign) become numbers; anything else that is a string becomes NaN, which fails. */
export function toNumber(value: unknown): unknown {
  if (typeof value !== "string") return value;
  return /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
}

export const isEmpty = (value: unknown) => value === undefined || value === null || (typeof value === "string" && value.trim() === "");

export function wholeNumber(min: number, max: number, message: string) {
  return z.preprocess(toNumber, z.number({ error: message }).int(message).min(min, message).max(max, message));
}

/** An empty field means "no limit" / "off", stored as null. */
export function optionalWholeNumber(min: number, max: number, message: string) {
  return z.preprocess((value) => (isEmpty(value) ? null : toNumber(value)), z.number({ error: message }).int(message).min(min, message).max(max, message).nullable());
}
