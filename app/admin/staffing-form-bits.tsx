"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";

/** What a pause-reason or shift form shows after its action ran (shared by both admin pages). */
export interface StaffingFormState {
  /** Field name -> `validation.*` key. */
  errors?: Record<string, string>;
  /** Full i18n key of a success notice (e.g. `pauseReasons.added`). */
  notice?: string;
  /** What the form shows next: the submitted values after an error, the saved ones after success. */
  values?: Record<string, string>;
  /** Counts submissions, so the fields remount with what to show (see useStaffingForm). */
  round?: number;
}

export type StaffingAction = (previous: StaffingFormState, form: FormData) => Promise<StaffingFormState>;

/**
 * useActionState that also counts submissions. React resets a form after its action, and a select
 * or checkbox only goes back to the default it had when mounted: keying the fields on `round`
 * remounts them with `state.values` (what was typed after an error, nothing after an add).
 */
export function useStaffingForm(action: StaffingAction) {
  const [state, run, pending] = useActionState<StaffingFormState, FormData>(
    async (previous, form) => ({ ...(await action(previous, form)), round: (previous.round ?? 0) + 1 }),
    {},
  );
  return { state, action: run, pending };
}

/** A validation message (an i18n key) under a control that has no visible label of its own (table rows). */
export function InlineError({ id, name, error }: { id: string; name: string; error?: string }) {
  const t = useTranslations();
  return error ? (
    <p id={id} className="mt-1 text-sm text-red-700" data-testid={`error-${name}`}>
      {t(error)}
    </p>
  ) : null;
}
