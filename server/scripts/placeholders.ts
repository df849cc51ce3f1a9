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

/** Replaces each known placeholder by its value; the text is trusted to be valid (checked when it was saved). */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(/\{([a-z_]+)\}/g, (match, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : match));
}

/** Which part of the day an hour (0-23) belongs to, for `{time_of_day_greeting}`. */
export function partOfDay(hour: number): "morning" | "afternoon" | "evening" {
  return hour < 12 ? "morning" : hour < 18 ? "afternoon" : "evening";
}
