/**
 * Throw-free result type used by every parser in this layer: hostile input must never raise.
 * @module
 */

/** Either a parsed value or a human-readable reason (usable as a 400 reason phrase). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): Result<T> {
  return { ok: false, error };
}
