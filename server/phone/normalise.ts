/**
 * Caller numbers in one comparable form: E.164 (`+33612345678`) when the number can be read in the
 * organisation's country's numbering plan (or is international already), else its digits (a leading `+` kept).
 * So `+33612345678` and `0612345678` are the same caller when the organisation's country is France.
 * Uses libphonenumber-js (the maintained port of Google's libphonenumber metadata).
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/** Is `value` a two-letter country libphonenumber knows? */
export function isCountryCode(value: string): value is CountryCode {
  return isSupportedCountry(value);
}

/**
 * The comparable form of a caller number; `country` is an ISO 3166-1 alpha-2 code or null. Never throws:
 * a number that cannot be read keeps its digits (and a leading `+`), so it still equals itself.
 */
export function normaliseNumber(raw: string, country: string | null | undefined): string {
  const trimmed = raw.trim();
  const phone = parsePhoneNumberFromString(trimmed, country ? (country.toUpperCase() as CountryCode) : undefined);
  if (phone?.isPossible()) return phone.number;
  const digits = trimmed.replace(/[^0-9]/g, "");
  // 00 is the international prefix in most of the world's plans.
  if (trimmed.startsWith("+")) return `+${digits}`;
  if (digits.startsWith("00") && digits.length > 4) return `+${digits.slice(2)}`;
  return digits;
}
