"use client";

import { useTranslations } from "next-intl";
import { FormField } from "../../components/form-field";
import { FormNotice } from "../../components/form-notice";
import { useStaffingForm } from "../staffing-form-bits";
import { buttonClass, primaryButtonClass, SelectField } from "../queues/form-bits";
import { addExceptionAction, removeExceptionAction, saveNumberAction, saveScheduleAction } from "./actions";

const SCHEDULE_FIELDS = ["name", "weekly", "zone"];
const EXCEPTION_FIELDS = ["schedule", "kind", "from", "to", "hours", "reason"];
const NUMBER_FIELDS = ["schedule", "closedAction", "voicemailMax", "language", "greeting", "campaignFrom", "campaignTo", "campaign", "menu"];

/** The card every hours form is drawn in. */
export const FORM_CARD = "mt-4 flex max-w-3xl flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4";

/** A form's submit button and its outcome (notice, or an error of no field shown with an input). */
export function SubmitRow({
  pending,
  testId,
  label,
  state,
  fields,
}: {
  pending: boolean;
  testId: string;
  label: string;
  state: { notice?: string; errors?: Record<string, string> };
  fields: readonly string[];
}) {
  return (
    <div className="flex flex-wrap items-center gap-4">
      <button type="submit" disabled={pending} data-testid={testId} className={primaryButtonClass}>
        {label}
      </button>
      <FormNotice state={state} fields={fields} />
    </div>
  );
}

/** Creates a schedule, or replaces the weekly hours of the one with the same name. */
export function ScheduleForm({ defaultZone }: { defaultZone: string }) {
  const t = useTranslations("hours");
  const { state, action, pending } = useStaffingForm(saveScheduleAction);
  const values = state.notice ? {} : (state.values ?? {});
  return (
    <form action={action} className={FORM_CARD} noValidate data-testid="schedule-form">
      <div key={state.round ?? 0} className="flex flex-col gap-4">
        <FormField label={t("name")} name="name" id="schedule-name" defaultValue={values.name} error={state.errors?.name} required />
        <FormField label={t("weekly")} name="weekly" id="schedule-weekly" dir="ltr" hint={t("weeklyHint")} defaultValue={values.weekly} error={state.errors?.weekly} required />
        <FormField label={t("zone")} name="zone" id="schedule-zone" dir="ltr" hint={t("zoneHint", { zone: defaultZone })} defaultValue={values.zone} error={state.errors?.zone} />
      </div>
      <SubmitRow pending={pending} testId="save-schedule" label={t("save")} state={state} fields={SCHEDULE_FIELDS} />
    </form>
  );
}

/** Adds a closure (whole days, or some hours of each day) or a one-off opening period to a schedule. */
export function ExceptionForm({ schedules }: { schedules: readonly string[] }) {
  const t = useTranslations("hours");
  const { state, action, pending } = useStaffingForm(addExceptionAction);
  const values = state.notice ? {} : (state.values ?? {});
  return (
    <form action={action} className={FORM_CARD} noValidate data-testid="exception-form">
      <div key={state.round ?? 0} className="flex flex-wrap items-start gap-4">
        <SelectField label={t("schedule")} name="schedule" id="exception-schedule" options={schedules.map((s) => ({ value: s, label: s }))} defaultValue={values.schedule} error={state.errors?.schedule} />
        <SelectField
          label={t("kind")}
          name="kind"
          id="exception-kind"
          options={[
            { value: "closure", label: t("closureKind") },
            { value: "period", label: t("period") },
          ]}
          defaultValue={values.kind}
        />
        <FormField label={t("from")} name="from" id="exception-from" type="date" dir="ltr" defaultValue={values.from} error={state.errors?.from} required />
        <FormField label={t("to")} name="to" id="exception-to" type="date" dir="ltr" defaultValue={values.to} error={state.errors?.to} />
        <FormField label={t("hours")} name="hours" id="exception-hours" dir="ltr" hint={t("closureHoursHint")} defaultValue={values.hours} error={state.errors?.hours} />
        <FormField label={t("reason")} name="reason" id="exception-reason" defaultValue={values.reason} error={state.errors?.reason} />
      </div>
      <SubmitRow pending={pending} testId="add-exception" label={t("addException")} state={state} fields={EXCEPTION_FIELDS} />
    </form>
  );
}

export function RemoveExceptionForm({ id, label }: { id: number; /** Accessible name: which exception goes. */ label: string }) {
  const t = useTranslations("hours");
  const { state, action, pending } = useStaffingForm(removeExceptionAction);
  return (
    <form action={action}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} aria-label={label} data-testid="remove-exception" className={buttonClass}>
        {t("remove")}
      </button>
      <FormNotice state={state} />
    </form>
  );
}

/** One number's hours settings. */
export function NumberForm({ number, schedules, values: saved }: { number: string; schedules: readonly string[]; values: Record<string, string> }) {
  const t = useTranslations("hours");
  const tLanguages = useTranslations("languages");
  const tVoicemail = useTranslations("voicemail");
  const { state, action, pending } = useStaffingForm(saveNumberAction);
  const values = state.values ?? saved;
  const id = (name: string) => `number-${number.replace(/\W/g, "")}-${name}`;
  return (
    <form action={action} className="flex flex-wrap items-start gap-3" noValidate data-testid="number-form" data-number={number}>
      <input type="hidden" name="number" value={number} />
      <div key={state.round ?? 0} className="flex flex-wrap items-start gap-3">
        <SelectField
          label={t("schedule")}
          name="schedule"
          id={id("schedule")}
          options={[{ value: "", label: t("alwaysOpen") }, ...schedules.map((s) => ({ value: s, label: s }))]}
          defaultValue={values.schedule}
          error={state.errors?.schedule}
        />
        <FormField label={t("closedAction")} name="closedAction" id={id("closed-action")} dir="ltr" defaultValue={values.closedAction} error={state.errors?.closedAction} />
        <FormField
          label={tVoicemail("maxLabel")}
          name="voicemailMax"
          id={id("voicemail-max")}
          dir="ltr"
          inputMode="numeric"
          hint={tVoicemail("maxHint")}
          defaultValue={values.voicemailMax}
          error={state.errors?.voicemailMax}
        />
        <SelectField
          label={t("language")}
          name="language"
          id={id("language")}
          options={(["en", "fr", "ar"] as const).map((l) => ({ value: l, label: tLanguages(l) }))}
          defaultValue={values.language}
          error={state.errors?.language}
        />
        <FormField label={t("greeting")} name="greeting" id={id("greeting")} defaultValue={values.greeting} error={state.errors?.greeting} />
        <FormField label={t("campaignFrom")} name="campaignFrom" id={id("campaign-from")} type="date" dir="ltr" defaultValue={values.campaignFrom} error={state.errors?.campaign} />
        <FormField label={t("campaignTo")} name="campaignTo" id={id("campaign-to")} type="date" dir="ltr" defaultValue={values.campaignTo} />
        <FormField label={t("menu.label")} name="menu" id={id("menu")} dir="ltr" hint={t("menu.hint")} defaultValue={values.menu} error={state.errors?.menu} />
      </div>
      <div className="flex flex-wrap items-center gap-3 self-end">
        <button type="submit" disabled={pending} data-testid="save-number" className={buttonClass}>
          {t("saveNumber")}
        </button>
        <FormNotice state={state} fields={NUMBER_FIELDS} />
      </div>
    </form>
  );
}
