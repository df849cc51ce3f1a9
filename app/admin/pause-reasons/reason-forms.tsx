"use client";

import { useTranslations } from "next-intl";
import { FormField } from "../../components/form-field";
import { buttonClass, primaryButtonClass } from "../queues/form-bits";
import { createReasonAction, updateReasonAction } from "./actions";
import { FormNotice } from "../../components/form-notice";
import { InlineError, useStaffingForm, type StaffingFormState } from "../staffing-form-bits";

/** Fields shown next to their own input, so the notice does not repeat their errors. */
const FIELDS = ["label", "maxMinutes", "limited"];

const inputClass = "rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-red-600";

export interface ReasonRowProps {
  code: string;
  builtIn: boolean;
  /** What the reason is called: the translation of a built-in code, else the admin's label. */
  name: string;
  /** The stored settings as form strings: label, maxMinutes ("" = no limit), limited ("on" or ""). */
  values: Record<string, string>;
}

/**
 * One reason: a table row whose inputs sit in their own cells and belong to the form in the last
 * cell (the `form` attribute), since a form cannot wrap table cells.
 */
export function ReasonRow(props: ReasonRowProps) {
  const { state, action, pending } = useStaffingForm(updateReasonAction);
  const t = useTranslations("pauseReasons");
  const formId = `reason-form-${props.code}`;
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`reason-row-${props.code}`} data-label={props.name}>
      <ReasonCells key={state.round ?? 0} {...props} formId={formId} state={state} values={state.values ?? props.values} />
      <td className="p-3">
        <form id={formId} action={action} noValidate className="flex flex-wrap items-start gap-2">
          <input type="hidden" name="code" value={props.code} />
          <button name="intent" value="save" disabled={pending} aria-label={t("saveOf", { name: props.name })} data-testid="save-reason" className={buttonClass}>
            {t("save")}
          </button>
          {!props.builtIn && (
            <button name="intent" value="remove" disabled={pending} aria-label={t("removeOf", { name: props.name })} data-testid="remove-reason" className={buttonClass}>
              {t("remove")}
            </button>
          )}
          <div className="basis-full">
            <FormNotice state={state} fields={FIELDS} />
          </div>
        </form>
      </td>
    </tr>
  );
}

function ReasonCells({ code, builtIn, name, values, formId, state }: ReasonRowProps & { formId: string; state: StaffingFormState }) {
  const t = useTranslations("pauseReasons");
  const error = (field: string) => state.errors?.[field];
  const ids = (field: string) => ({ id: `${formId}-${field}`, errorId: `${formId}-${field}-error` });
  const described = (field: string) => (error(field) ? ids(field).errorId : undefined);
  return (
    <>
      <td className="p-3">
        {builtIn ? (
          <span className="flex flex-wrap items-center gap-2">
            <span className="font-medium" data-testid="reason-name">
              {name}
            </span>
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t("builtIn")}</span>
          </span>
        ) : (
          <>
            <input
              id={ids("label").id}
              form={formId}
              name="label"
              autoComplete="off"
              defaultValue={values.label ?? ""}
              aria-label={t("labelOf", { name })}
              aria-invalid={error("label") ? true : undefined}
              aria-describedby={described("label")}
              className={`${inputClass} w-44`}
            />
            <InlineError id={ids("label").errorId} name="label" error={error("label")} />
          </>
        )}
      </td>
      <td className="p-3">
        <input
          id={ids("maxMinutes").id}
          form={formId}
          name="maxMinutes"
          type="number"
          inputMode="numeric"
          min={1}
          max={480}
          placeholder={t("noLimit")}
          defaultValue={values.maxMinutes ?? ""}
          aria-label={t("maxMinutesOf", { name })}
          aria-invalid={error("maxMinutes") ? true : undefined}
          aria-describedby={described("maxMinutes")}
          className={`${inputClass} w-28`}
        />
        <InlineError id={ids("maxMinutes").errorId} name="maxMinutes" error={error("maxMinutes")} />
      </td>
      <td className="p-3">
        <input
          id={ids("limited").id}
          form={formId}
          name="limited"
          type="checkbox"
          defaultChecked={values.limited === "on"}
          aria-label={t("limitedOf", { name })}
          data-testid={`limited-${code}`}
          className="mt-2 h-4 w-4"
        />
        <InlineError id={ids("limited").errorId} name="limited" error={error("limited")} />
      </td>
    </>
  );
}

/** A new reason of the admin's own; after an add the form is empty again for the next one. */
export function AddReasonForm() {
  const t = useTranslations("pauseReasons");
  const { state, action, pending } = useStaffingForm(createReasonAction);
  return (
    <section className="mt-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="add-reason-title">
      <h2 id="add-reason-title" className="text-lg font-medium">
        {t("addTitle")}
      </h2>
      <form action={action} className="mt-4 flex flex-wrap items-start gap-4" noValidate data-testid="add-reason-form">
        <AddReasonFields key={state.round ?? 0} state={state} />
        <button type="submit" disabled={pending} data-testid="add-reason" className={`${primaryButtonClass} mt-6`}>
          {t("add")}
        </button>
        <div className="basis-full">
          <FormNotice state={state} fields={FIELDS} />
        </div>
      </form>
    </section>
  );
}

function AddReasonFields({ state }: { state: StaffingFormState }) {
  const t = useTranslations("pauseReasons");
  const values = state.values ?? {};
  return (
    <>
      <FormField label={t("name")} name="label" id="new-reason-label" autoComplete="off" defaultValue={values.label} error={state.errors?.label} required />
      <FormField
        label={t("maxMinutes")}
        name="maxMinutes"
        id="new-reason-max-minutes"
        type="number"
        inputMode="numeric"
        min={1}
        max={480}
        hint={t("noLimitHint")}
        defaultValue={values.maxMinutes}
        error={state.errors?.maxMinutes}
        className="w-32 rounded border border-slate-300 px-3 py-2 aria-[invalid=true]:border-red-600"
      />
      <label className="mt-8 flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" name="limited" id="new-reason-limited" defaultChecked={values.limited === "on"} data-testid="new-reason-limited" className="h-4 w-4" />
        {t("limited")}
      </label>
    </>
  );
}
