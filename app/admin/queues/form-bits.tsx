"use client";

import { useTranslations } from "next-intl";
import { useActionState, useRef, type SelectHTMLAttributes } from "react";
import type { QueueFormState } from "./actions";
import { FieldFrame, fieldIds } from "../../components/form-field";
import { FormNotice } from "../../components/form-notice";

/** The outcome of a queue form (see FormNotice); notices are keys under `queues.`. */
export function Notice({ state, fields = [] }: { state: QueueFormState; fields?: readonly string[] }) {
  return <FormNotice state={state} fields={fields} prefix="queues." />;
}

/** A labelled select with its validation message, the counterpart of FormField. */
export function SelectField({
  label,
  hint,
  error,
  name,
  options,
  ...select
}: {
  label: string;
  hint?: string;
  error?: string;
  name: string;
  options: ReadonlyArray<{ value: string; label: string }>;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const { id, describedBy } = fieldIds(name, select.id, hint, error);
  return (
    <FieldFrame id={id} name={name} label={label} hint={hint} error={error}>
      <select
        id={id}
        name={name}
        data-testid={`select-${name}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="rounded border border-slate-300 bg-white px-3 py-2 aria-[invalid=true]:border-red-600"
        {...select}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export const LEVELS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

export const buttonClass = "rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-50 disabled:opacity-60";
export const primaryButtonClass = "rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60";

/**
 * useActionState for an "add" form: after a success the form is cleared for the next entry; after
 * an error it keeps what was typed (the action returns it in `values`).
 */
export function useAddFormAction(action: (previous: QueueFormState, form: FormData) => Promise<QueueFormState>) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, run, pending] = useActionState<QueueFormState, FormData>(async (previous, form) => {
    const next = await action(previous, form);
    if (next.notice) formRef.current?.reset();
    return next;
  }, {});
  return { formRef, state, action: run, pending };
}

/** A one-button form that removes something, with hidden fields naming it and its outcome below. */
export function RemoveForm({
  action,
  hidden,
  label,
  testId,
}: {
  action: (previous: QueueFormState, form: FormData) => Promise<QueueFormState>;
  hidden: Record<string, string | number>;
  /** Accessible name: says what goes, since every row's button reads the same. */
  label: string;
  testId?: string;
}) {
  const t = useTranslations("queues");
  const [state, run, pending] = useActionState<QueueFormState, FormData>(action, {});
  return (
    <form action={run}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" disabled={pending} aria-label={label} data-testid={testId} className={buttonClass}>
        {t("remove")}
      </button>
      <Notice state={state} />
    </form>
  );
}
