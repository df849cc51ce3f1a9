/**
 * Placeholders of conversation scripts: which exist, validating a step's text when an admin saves it, and
 * filling a step on the desk. Pure and small: the desk (browser) imports it too.
 */
export const PLACEHOLDERS = ["organisation", "operator", "queue", "caller", "time_of_day_greeting"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

/** A problem in a step: an unknown `{name}`, or a brace without its pair. */
export type PlaceholderProblem = { kind: "unknown"; name: string } | { kind: "unbalanced" };

/** Every problem of one step's text, in order; empty when the step is valid. */
export function placeholderProblems(text: string): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  const rest = text.replace(/\{([^{}]*)\}/g, (_match, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) problems.push({ kind: "unknown", name });
    return "";
  });
  if (/[{}]/.test(rest)) problems.push({ kind: "unbalanced" });
  return problems;
}

/** Stands for an empty value while the text around it is tidied. */
const EMPTY = "\u0000";

/**
 * Replaces each known placeholder by its value; the text is trusted to be valid (checked when it was saved). An empty
 * value (no organisation name set) leaves no dangling separator: "{time_of_day_greeting}, {organisation}, {operator}
 * speaking." reads "Good morning, Amina speaking.", a placeholder that opens the text takes its following comma
 * with it, one that ends a sentence takes the space before it ("Welcome to {organisation}." → "Welcome to.").
 * Separators: , ; : and the Arabic comma and semicolon (U+060C, U+061B).
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  const filled = text.replace(/\{([a-z_]+)\}/g, (match, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder].trim() || EMPTY : match,
  );
  return filled.replace(/[ \t]*([,;:\u060c\u061b])?[ \t]*\u0000[ \t]*([,;:\u060c\u061b])?[ \t]*/g, (match, before: string | undefined, after: string | undefined, at: number, whole: string) => {
    const rest = whole.slice(at + match.length);
    if (at === 0 || rest === "" || /^[.!?)\n]/.test(rest)) return "";
    const separator = before ?? after;
    return separator ? `${separator} ` : " ";
  });
}

/** Which part of the day an hour (0-23) belongs to, for `{time_of_day_greeting}`. */
export function partOfDay(hour: number): "morning" | "afternoon" | "evening" {
  return hour < 12 ? "morning" : hour < 18 ? "afternoon" : "evening";
}
