"use client";

import { useTranslations } from "next-intl";
import type { InputHTMLAttributes } from "react";

/** A labelled input whose validation message (an i18n key) is tied to it for screen readers. */
export function FormField({
  label,
  hint,
  error,
  name,
  ...input
}: { label: string; hint?: string; error?: string; name: string } & InputHTMLAttributes<HTMLInputElement>) {
  const t = useTranslations();
  const id = input.id ?? `field-${name}`;
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="rounded border border-slate-300 px-3 py-2 aria-[invalid=true]:border-red-600"
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700" data-testid={`error-${name}`}>
          {t(error)}
        </p>
      )}
    </div>
  );
}
