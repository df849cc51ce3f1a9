/**
 * The toll-fraud guard's pattern language: which numbers operators may dial out to.
 *
 * ## Syntax (whole-number match, left to right)
 * - a digit `0`…`9` matches that digit; `+` is allowed only as the first character and matches a leading `+`;
 * - `X` (or `x`) matches any one digit;
 * - `[…]` matches one digit from a set of digits and ranges, e.g. `[1-7]`, `[1-59]`; `[^…]` is not supported;
 * - `*` matches any number (zero or more) of further digits and may only end the pattern.
 *
 * A number matches when the pattern covers all of it: `0[1-9]*` allows `0142000000` and `0612345678` but not
 * `0012125550100` (international, `00`) nor `+33142000000` (nothing starting with `+` unless a pattern starts with `+`).
 * Numbers are normalised first ({@link normaliseDialled}): spaces, dots, dashes and parentheses are dropped; a number
 * with any other character (letters, `#`, `*`) matches nothing. An empty list allows nothing.
 * @module
 */

/** One element of a compiled pattern: a set of allowed digits (or `+`), or the trailing "any digits". */
type Element = { kind: "one"; chars: ReadonlySet<string> } | { kind: "rest" };

/** A compiled pattern, as kept by the policy. */
export interface NumberPattern {
  readonly source: string;
  readonly elements: readonly Element[];
}

/** Result of {@link parseNumberPattern}: the compiled pattern, or why the text is not one. */
export type PatternParse = { ok: true; pattern: NumberPattern } | { ok: false; error: string };

/** The longest number anyone may dial (ITU-T E.164 allows 15 digits; a trunk prefix may add a few). */
export const MAX_DIALLED_DIGITS = 20;

const DIGITS = "0123456789";

/** Compiles `text` (see the module's syntax); errors name the offending position. */
export function parseNumberPattern(text: string): PatternParse {
  const source = text.trim();
  if (!source) return { ok: false, error: "empty pattern" };
  if (source.length > 64) return { ok: false, error: "pattern longer than 64 characters" };
  const elements: Element[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (DIGITS.includes(c)) elements.push({ kind: "one", chars: new Set([c]) });
    else if (c === "+") {
      if (i !== 0) return { ok: false, error: `"+" only at the start (position ${i + 1})` };
      elements.push({ kind: "one", chars: new Set(["+"]) });
    } else if (c === "X" || c === "x") elements.push({ kind: "one", chars: new Set(DIGITS) });
    else if (c === "*") {
      if (i !== source.length - 1) return { ok: false, error: `"*" only at the end (position ${i + 1})` };
      elements.push({ kind: "rest" });
    } else if (c === "[") {
      const close = source.indexOf("]", i);
      if (close < 0) return { ok: false, error: `"[" without "]" (position ${i + 1})` };
      const set = digitSet(source.slice(i + 1, close));
      if (!set) return { ok: false, error: `bad digit set "${source.slice(i, close + 1)}"` };
      elements.push({ kind: "one", chars: set });
      i = close;
    } else return { ok: false, error: `unexpected "${c}" (position ${i + 1})` };
  }
  if (elements.length === 1 && elements[0]!.kind === "rest") return { ok: false, error: `"*" alone would allow every number` };
  return { ok: true, pattern: { source, elements } };
}

/** `1-59` -> {1,2,3,4,5,9}; undefined when empty or not digits and ranges. */
function digitSet(body: string): Set<string> | undefined {
  if (!/^(?:\d(?:-\d)?)+$/.test(body)) return undefined;
  const set = new Set<string>();
  for (const [, from, to] of body.matchAll(/(\d)(?:-(\d))?/g)) {
    const low = Number(from);
    const high = to === undefined ? low : Number(to);
    if (high < low) return undefined;
    for (let d = low; d <= high; d++) set.add(String(d));
  }
  return set;
}

/** The number as matched: visual separators removed; undefined when it is not a dialable number. */
/** `number` without the separators people type (spaces, dots, dashes, parentheses). */
export function stripSeparators(number: string): string {
  return number.trim().replace(/[\s.()-]/g, "");
}

export function normaliseDialled(number: string): string | undefined {
  const compact = stripSeparators(number);
  if (!/^\+?\d+$/.test(compact)) return undefined;
  if (compact.replace("+", "").length > MAX_DIALLED_DIGITS) return undefined;
  return compact;
}

/** True when `pattern` covers the whole (normalised) `number`. */
export function patternMatches(pattern: NumberPattern, number: string): boolean {
  const { elements } = pattern;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i]!;
    if (element.kind === "rest") return /^\d*$/.test(number.slice(i));
    const c = number[i];
    if (c === undefined || !element.chars.has(c)) return false;
  }
  return number.length === elements.length;
}

/** The first pattern of `patterns` that allows `number`, or undefined (refused). Normalises the number first. */
export function allowingPattern(patterns: readonly NumberPattern[], number: string): NumberPattern | undefined {
  const normalised = normaliseDialled(number);
  if (normalised === undefined) return undefined;
  return patterns.find((pattern) => patternMatches(pattern, normalised));
}
