/**
 * What the desk's dial pad and softphone decide about an outbound call without SIP.js: whether a typed number may
 * be dialled, and what a final SIP status means for the operator. Kept apart from outbound-dial.ts so the dial pad,
 * which is on the desk's first paint, does not pull SIP.js (loaded lazily with the softphone) into the first load.
 */
/** Why an outbound call did not connect, from the final SIP status. */
export type DialFailure = "refused" | "busy" | "no-answer" | "no-trunk" | "failed";

/** RFC 3261 §21: 403 is the allow-list's refusal, 486/600 busy, 408/480/487 nobody answered, 503 no trunk. */
export function dialFailureOf(status: number): DialFailure {
  if (status === 403) return "refused";
  if (status === 486 || status === 600) return "busy";
  if (status === 408 || status === 480 || status === 487) return "no-answer";
  if (status === 503) return "no-trunk";
  return "failed";
}

/** What the operator may type: digits with an optional leading +, spaces, dots, dashes and parentheses. */
export function isDialable(number: string): boolean {
  return /^\+?[0-9 .()-]{2,30}$/.test(number.trim()) && /\d/.test(number);
}
