"use client";

import { useTranslations } from "next-intl";
import { useActionState, useRef, useState, type FormEvent } from "react";
import { oversizedFiles } from "../../server/forms/upload-limits";
import { fieldIds, FieldFrame } from "./form-field";
import { FormNotice } from "./form-notice";

/** What a form shows after its server action ran: field errors (`validation.*` keys), a notice (full i18n key), values. */
export interface FormState {
  errors?: Record<string, string>;
  notice?: string;
  /** A success message already translated (when it needs values a notice key cannot carry). */
  message?: string;
  /** Extra lines under the notice (e.g. an import's per-row report), already translated. */
  details?: string[];
  /** What the fields show next: the submitted values after an error. */
  values?: Record<string, string>;
}

export type FormAction = (previous: FormState, form: FormData) => Promise<FormState>;

/** One field of a SimpleForm; `options` makes a select, `multiple` checkboxes. */
export interface SimpleField {
  name: string;
  label: string;
  type?: "text" | "textarea" | "select" | "checkboxes" | "checkbox" | "file" | "date" | "number" | "email";
  hint?: string;
  options?: ReadonlyArray<{ value: string; label: string }>;
  defaultValue?: string;
  /** Checked values of a checkbox group. */
  defaultValues?: readonly string[];
  required?: boolean;
  dir?: "auto" | "ltr";
  rows?: number;
  /**
   * A file field's largest size, bytes: a larger file is refused in the browser before the form is sent (Next.js
   * would refuse a body over its server-action limit and fail the whole page), with `tooLarge` (an i18n key) as
   * the field's error. The action checks it again.
   */
  maxBytes?: number;
  tooLarge?: string;
}

const CONTROL = "rounded border border-slate-300 bg-white px-3 py-2 aria-[invalid=true]:border-red-600";

/**
 * A labelled form whose fields are described as data, for the admin pages' plain forms: each field shows its own
 * validation message (tied to it for screen readers), the notice or a form-level error shows below. After a
 * success an "add" form (`resetOnSuccess`) is cleared; after an error the submitted values stay.
 */
export function SimpleForm({
  action,
  fields,
  submitLabel,
  testId,
  resetOnSuccess = false,
  hidden = {},
}: {
  action: FormAction;
  fields: readonly SimpleField[];
  submitLabel: string;
  testId: string;
  resetOnSuccess?: boolean;
  hidden?: Record<string, string>;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, run, pending] = useActionState<FormState & { round?: number }, FormData>(async (previous, form) => {
    const next = await action(previous, form);
    if (next.notice && resetOnSuccess) formRef.current?.reset();
    return { ...next, round: (previous.round ?? 0) + 1 };
  }, {});
  const names = fields.map((f) => f.name);
  // Files over their field's limit, found before sending: the action does not run, the field shows why.
  const [tooLarge, setTooLarge] = useState<Record<string, string>>({});
  const checkFiles = (event: FormEvent<HTMLFormElement>) => {
    const found = oversizedFiles(new FormData(event.currentTarget), fields.filter((f) => f.type === "file"));
    setTooLarge(found);
    if (Object.keys(found).length > 0) event.preventDefault();
  };
  // After a refusal in the browser, the last submission's outcome (a notice, a report) is no longer shown.
  const shown: FormState = Object.keys(tooLarge).length > 0 ? { errors: tooLarge } : state;
  const errors = shown.errors;
  return (
    <form ref={formRef} action={run} onSubmit={checkFiles} noValidate data-testid={testId} className="mt-4 flex max-w-3xl flex-col gap-4">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {/* Remounted after every submission: React resets a form after its action, and uncontrolled fields only take
          the values to show (what was typed, after an error) when they mount. */}
      <div key={state.round ?? 0} className="grid gap-4 sm:grid-cols-2">
        {fields.map((field) => (
          <Field key={field.name} field={field} error={errors?.[field.name]} value={state.values?.[field.name]} formId={testId} />
        ))}
      </div>
      <div className="flex flex-col gap-2">
        <button type="submit" disabled={pending} data-testid={`${testId}-submit`} className="w-fit rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {submitLabel}
        </button>
        <FormNotice state={shown} fields={names} />
        {shown.message && (
          <p role="status" data-testid="notice" className="text-sm text-green-800">
            {shown.message}
          </p>
        )}
        {shown.details && shown.details.length > 0 && (
          <ul data-testid={`${testId}-details`} className="list-disc ps-5 text-sm text-red-700">
            {shown.details.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </div>
    </form>
  );
}

function Field({ field, error, value, formId }: { field: SimpleField; error?: string; value?: string; formId: string }) {
  const { id, describedBy } = fieldIds(field.name, `${formId}-${field.name}`, field.hint, error);
  const common = {
    id,
    name: field.name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    required: field.required,
  };
  const wide = field.type === "textarea" || field.type === "checkboxes" ? "sm:col-span-2" : "";
  if (field.type === "checkbox") {
    return (
      <div className={wide}>
        <label className="mt-6 flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" {...common} defaultChecked={(value ?? field.defaultValue) === "on"} className="h-4 w-4" />
          {field.label}
        </label>
        <ErrorLine id={`${id}-error`} name={field.name} error={error} />
      </div>
    );
  }
  if (field.type === "checkboxes") {
    return (
      <fieldset className={`${wide} flex flex-col gap-1`} aria-describedby={describedBy}>
        <legend className="text-sm font-medium">{field.label}</legend>
        <div className="flex flex-wrap gap-3">
          {field.options?.map((option) => (
            <label key={option.value} className="flex items-center gap-1 text-sm">
              <input type="checkbox" name={field.name} value={option.value} defaultChecked={field.defaultValues?.includes(option.value)} className="h-4 w-4" />
              {option.label}
            </label>
          ))}
        </div>
        {field.hint && <p className="text-xs text-slate-500">{field.hint}</p>}
        <ErrorLine id={`${id}-error`} name={field.name} error={error} />
      </fieldset>
    );
  }
  return (
    <div className={wide}>
      <FieldFrame id={id} name={field.name} label={field.label} hint={field.hint} error={error}>
        {field.type === "textarea" ? (
          <textarea {...common} rows={field.rows ?? 4} dir={field.dir ?? "auto"} defaultValue={value ?? field.defaultValue} className={CONTROL} />
        ) : field.type === "select" ? (
          <select {...common} defaultValue={value ?? field.defaultValue} className={CONTROL}>
            {field.options?.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...common}
            type={field.type ?? "text"}
            dir={field.dir ?? (field.type === "file" ? undefined : "auto")}
            accept={field.type === "file" ? ".csv,text/csv" : undefined}
            defaultValue={field.type === "file" ? undefined : (value ?? field.defaultValue)}
            autoComplete="off"
            className={CONTROL}
          />
        )}
      </FieldFrame>
    </div>
  );
}

function ErrorLine({ id, name, error }: { id: string; name: string; error?: string }) {
  const t = useTranslations();
  return error ? (
    <p id={id} className="text-sm text-red-700" data-testid={`error-${name}`}>
      {t(error)}
    </p>
  ) : null;
}

/** A one-button form that removes a row; `label` is the accessible name saying what goes. */
export function RemoveButton({ action, hidden, text, label, testId }: { action: FormAction; hidden: Record<string, string>; text: string; label: string; testId?: string }) {
  const [state, run, pending] = useActionState<FormState, FormData>(action, {});
  return (
    <form action={run}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" disabled={pending} aria-label={label} data-testid={testId} className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-50 disabled:opacity-60">
        {text}
      </button>
      <FormNotice state={state} />
    </form>
  );
}
