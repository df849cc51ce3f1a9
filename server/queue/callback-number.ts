/**
 * Whether a caller number can be called back: digits (at least three) with an optional leading `+`, once visual
 * separators are removed. `anonymous`, a withheld number, a SIP name or a test call's `test:<user>` cannot.
 */
export function isCallbackNumber(callerNumber: string): boolean {
  return /^\+?[0-9]{3,}$/.test(callerNumber.replace(/[\s.()-]/g, ""));
}
