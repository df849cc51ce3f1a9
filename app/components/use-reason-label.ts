"use client";

import { useTranslations } from "next-intl";

/** A configured pause reason as pages pass it to the browser: built-ins have no label and are translated. */
export interface PauseReasonOption {
  code: string;
  label: string | null;
}

/**
 * Names a pause reason for people: an admin's own reason by its label, a built-in or server-set one (break,
 * missed-calls, shift-ended…) translated, anything else as sent. Shared by the desk and the board.
 */
export function useReasonLabel(reasons: readonly PauseReasonOption[]): (code: string | undefined) => string {
  const t = useTranslations("operatorStatus.reasons");
  const labels = new Map(reasons.flatMap((r) => (r.label === null ? [] : [[r.code, r.label] as const])));
  return (code) => (code === undefined ? "" : (labels.get(code) ?? (t.has(code) ? t(code) : code)));
}
