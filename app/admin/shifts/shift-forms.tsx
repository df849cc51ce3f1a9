"use client";

import { useTranslations } from "next-intl";
import { FormField } from "../../components/form-field";
import { FormNotice } from "../../components/form-notice";
import { InlineError, useStaffingForm, type StaffingFormState } from "../staffing-form-bits";
import { buttonClass, primaryButtonClass, SelectField } from "../queues/form-bits";
import { createShiftAction, removeShiftAction } from "./actions";

/** Fields shown next to their own input, so the notice does not repeat their errors. */
const FIELDS = ["userId", "days", "start", "end"];

/** An ISO weekday (1 = Monday … 7 = Sunday) and its names in the page's language. */
export interface Weekday {
  value: string;
  short: string;
  long: string;
}

export function RemoveShiftForm({ id, label }: { id: number; /** Accessible name: whose shift goes, since every row's button reads the same. */ label: string }) {
  const t = useTranslations("shifts");
  const { state, action, pending } = useStaffingForm(removeShiftAction);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} aria-label={label} data-testid="remove-shift" className={buttonClass}>
        {t("remove")}
      </button>
      <FormNotice state={state} />
    </form>
  );
}

export function AddShiftForm({ candidates, weekdays }: { candidates: ReadonlyArray<{ id: number; username: string; displayName: string }>; weekdays: readonly Weekday[] }) {
  const t = useTranslations("shifts");
  const { state, action, pending } = useStaffingForm(createShiftAction);
  return (
    <section className="mt-8 max-w-3xl rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="add-shift-title">
      <h2 id="add-shift-title" className="text-lg font-medium">
        {t("addTitle")}
      </h2>
      {candidates.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">{t("noOneToAdd")}</p>
      ) : (
        <form action={action} className="mt-4 flex flex-col gap-4" noValidate data-testid="add-shift-form">
          <AddShiftFields key={state.round ?? 0} state={state} candidates={candidates} weekdays={weekdays} />
          <div className="flex flex-wrap items-center gap-4">
            <button type="submit" disabled={pending} data-testid="add-shift" className={primaryButtonClass}>
              {t("add")}
            </button>
            <FormNotice state={state} fields={FIELDS} />
          </div>
        </form>
      )}
    </section>
  );
}

function AddShiftFields({
  state,
  candidates,
  weekdays,
}: {
  state: StaffingFormState;
  candidates: ReadonlyArray<{ id: number; username: string; displayName: string }>;
  weekdays: readonly Weekday[];
}) {
  const t = useTranslations("shifts");
  const values = state.values ?? {};
  const checkedDays = new Set((values.days ?? "").split(",").filter(Boolean));
  const daysError = state.errors?.days;
  return (
    <>
      <SelectField
        label={t("operator")}
        name="userId"
        id="new-shift-user"
        options={candidates.map((u) => ({ value: String(u.id), label: `${u.displayName} (${u.username})` }))}
        defaultValue={values.userId}
        error={state.errors?.userId}
      />
      {/* The legend names the group of checkboxes; its validation message is tied to the group. */}
      <fieldset aria-describedby={daysError ? "new-shift-days-error" : undefined} data-testid="shift-days">
        <legend className="text-sm font-medium">{t("days")}</legend>
        <div className="mt-1 flex flex-wrap gap-x-4 gap-y-2">
          {weekdays.map((day) => (
            <label key={day.value} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" name="days" value={day.value} defaultChecked={checkedDays.has(day.value)} data-testid={`day-${day.value}`} className="h-4 w-4" />
              {day.long}
            </label>
          ))}
        </div>
        <InlineError id="new-shift-days-error" name="days" error={daysError} />
      </fieldset>
      <div className="flex flex-wrap items-start gap-4">
        <FormField label={t("start")} name="start" id="new-shift-start" type="time" dir="ltr" defaultValue={values.start} error={state.errors?.start} required />
        <FormField label={t("end")} name="end" id="new-shift-end" type="time" dir="ltr" hint={t("endHint")} defaultValue={values.end} error={state.errors?.end} required />
      </div>
    </>
  );
}
