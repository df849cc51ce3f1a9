"use client";

import { useTranslations } from "next-intl";
import type { InputHTMLAttributes, ReactNode } from "react";
import { limitMessageValues } from "../../server/forms/upload-limits";

/** The ids that tie a control to its hint and validation message for screen readers. */
export function fieldIds(name: string, id: string | undefined, hint?: string, error?: string) {
  const controlId = id ?? `field-${name}`;
  const describedBy = [hint && `${controlId}-hint`, error && `${controlId}-error`].filter(Boolean).join(" ") || undefined;
  return { id: controlId, describedBy };
}

/** Label, control, hint and validation message (an i18n key): the frame every form field shares. */
export function FieldFrame({
  id,
  name,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  children: ReactNode;
}) {
  const t = useTranslations();
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700" data-testid={`error-${name}`}>
          {t(error, limitMessageValues(error))}
        </p>
      )}
    </div>
  );
}

/** A labelled input whose validation message (an i18n key) is tied to it for screen readers. */
export function FormField({
  label,
  hint,
  error,
  name,
  ...input
}: { label: string; hint?: string; error?: string; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  const { id, describedBy } = fieldIds(name, input.id, hint, error);
  return (
    <FieldFrame id={id} name={name} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="rounded border border-slate-300 px-3 py-2 aria-[invalid=true]:border-red-600"
        {...input}
      />
    </FieldFrame>
  );
}
