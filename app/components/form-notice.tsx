"use client";

import { useTranslations } from "next-intl";
import { limitMessageValues } from "../../server/forms/upload-limits";

/**
 * The outcome of a form: its success notice, or an error that belongs to no field the form shows next to an
 * input (the record vanished meanwhile). `fields` are the names shown with their inputs, so their errors are not
 * repeated here; `notice` is an i18n key, looked up under `prefix`.
 */
export function FormNotice({
  state,
  fields = [],
  prefix = "",
}: {
  state: { notice?: string; errors?: Record<string, string> };
  fields?: readonly string[];
  prefix?: string;
}) {
  const t = useTranslations();
  if (state.notice) {
    return (
      <p role="status" data-testid="notice" className="text-sm text-green-800">
        {t(`${prefix}${state.notice}`)}
      </p>
    );
  }
  const other = state.errors && Object.entries(state.errors).find(([field]) => !fields.includes(field));
  return other ? (
    <p role="alert" data-testid={`error-${other[0]}`} className="text-sm text-red-700">
      {t(other[1], limitMessageValues(other[1]))}
    </p>
  ) : null;
}
