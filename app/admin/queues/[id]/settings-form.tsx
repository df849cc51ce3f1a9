"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { ACTION_SLOTS, JOIN_WHEN, LEAVE_WHEN, QUEUE_ACTIONS, STRATEGIES } from "../../../../server/queues/queue-options";
import { FormField } from "../../../components/form-field";
import { saveQueueSettingsAction, type QueueFormState } from "../actions";
import { Notice, primaryButtonClass, SelectField } from "../form-bits";

/** Field names that have their own input here, so the notice does not repeat their errors. */
const FIELDS = [
  "name",
  "strategy",
  "weight",
  "ringTimeoutS",
  "retryDelayS",
  "wrapUpS",
  "maxMissedOffers",
  "tierDelaysS",
  "maxOnBreak",
  "maxWaitS",
  "maxQueueLength",
  "joinWhen",
  "leaveWhen",
  "positionAnnounceEveryS",
  "periodicAnnounceEveryS",
  "slThresholdS",
  "shortAbandonS",
  "alertSlBelowPct",
  "alertWaitOverS",
  "recordingSamplePct",
  "recordingRetentionDays",
  ...ACTION_SLOTS.flatMap((slot) => [`${slot}Action`, `${slot}TargetId`]),
];

interface Props {
  queueId: number;
  /** The stored settings as form strings (server/queues/queue-form-values.ts). */
  values: Record<string, string>;
  /** Possible overflow targets: every other queue. */
  otherQueues: ReadonlyArray<{ id: number; name: string }>;
}

type State = QueueFormState & { round?: number };

export function QueueSettingsForm({ queueId, values, otherQueues }: Props) {
  const [state, action, pending] = useActionState<State, FormData>(
    async (previous, form) => ({ ...(await saveQueueSettingsAction(previous, form)), round: (previous.round ?? 0) + 1 }),
    {},
  );
  // Remounted after every submission: React resets a form after its action, and a select only
  // goes back to the default it had when mounted, so the fields must mount with what to show.
  return <SettingsFields key={state.round ?? 0} state={state} action={action} pending={pending} queueId={queueId} values={state.values ?? values} otherQueues={otherQueues} />;
}

function SettingsFields({ state, action, pending, queueId, values, otherQueues }: Props & { state: State; action: (form: FormData) => void; pending: boolean }) {
  const t = useTranslations("queues");
  const tb = useTranslations("boardQueues");
  const tr = useTranslations("recordings");
  const field = (name: string) => ({ name, defaultValue: values[name] ?? "", error: state.errors?.[name] });
  const number = (name: string, hint?: string) => <FormField label={t(name)} inputMode="numeric" autoComplete="off" hint={hint} {...field(name)} />;
  const select = (name: string, options: ReadonlyArray<{ value: string; label: string }>) => <SelectField label={t(name)} options={options} {...field(name)} />;
  const actionOptions = QUEUE_ACTIONS.map((value) => ({ value, label: t(`queueActions.${value}`) }));
  const targetOptions = [{ value: "", label: t("targetNone") }, ...otherQueues.map((q) => ({ value: String(q.id), label: q.name }))];
  const actionPair = (slot: (typeof ACTION_SLOTS)[number]) => (
    <>
      {select(`${slot}Action`, actionOptions)}
      <SelectField label={t("target")} options={targetOptions} {...field(`${slot}TargetId`)} id={`field-${slot}TargetId`} aria-label={`${t(`${slot}Action`)}: ${t("target")}`} />
    </>
  );
  const fieldset = "grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2";
  const legend = "px-1 text-base font-medium";

  return (
    <form action={action} noValidate data-testid="queue-settings-form" className="mt-4 flex flex-col gap-6">
      <input type="hidden" name="queueId" value={queueId} />
      <fieldset className={fieldset}>
        <legend className={legend}>{t("general")}</legend>
        <FormField label={t("name")} autoComplete="off" required {...field("name")} />
        {select(
          "strategy",
          STRATEGIES.map((value) => ({ value, label: t(`strategies.${value}`) })),
        )}
        {number("weight", t("weightHint"))}
      </fieldset>

      <fieldset className={fieldset}>
        <legend className={legend}>{t("ringing")}</legend>
        {number("ringTimeoutS")}
        {number("retryDelayS")}
        {number("wrapUpS")}
        {number("maxMissedOffers", t("maxMissedOffersHint"))}
        <FormField label={t("tierDelaysS")} autoComplete="off" dir="ltr" hint={t("tierDelaysHint")} {...field("tierDelaysS")} />
        {number("maxOnBreak", t("noLimitHint"))}
      </fieldset>

      <fieldset className={fieldset}>
        <legend className={legend}>{t("waiting")}</legend>
        {select(
          "joinWhen",
          JOIN_WHEN.map((value) => ({ value, label: t(`joinWhenOptions.${value}`) })),
        )}
        {select(
          "leaveWhen",
          LEAVE_WHEN.map((value) => ({ value, label: t(`leaveWhenOptions.${value}`) })),
        )}
        {number("maxWaitS", t("noLimitHint"))}
        <div />
        {actionPair("maxWait")}
        {number("maxQueueLength", t("noLimitHint"))}
        <div />
        {actionPair("queueFull")}
        {actionPair("noOperators")}
        {number("positionAnnounceEveryS", t("offHint"))}
        {number("periodicAnnounceEveryS", t("offHint"))}
      </fieldset>

      <fieldset className={fieldset}>
        <legend className={legend}>{t("reporting")}</legend>
        {number("slThresholdS")}
        {number("shortAbandonS")}
      </fieldset>

      <fieldset className={fieldset} data-testid="queue-alert-settings">
        <legend className={legend}>{tb("alertsLegend")}</legend>
        <FormField label={tb("alertSlBelowPct")} inputMode="numeric" autoComplete="off" hint={t("offHint")} {...field("alertSlBelowPct")} />
        <FormField label={tb("alertWaitOverS")} inputMode="numeric" autoComplete="off" hint={t("offHint")} {...field("alertWaitOverS")} />
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" name="alertNobodyAvailable" defaultChecked={values.alertNobodyAvailable === "on"} className="h-4 w-4" data-testid="alert-nobody-available" />
          {tb("alertNobodyAvailable")}
        </label>
      </fieldset>

      <fieldset className={fieldset} data-testid="queue-recording-settings">
        <legend className={legend}>{tr("legend")}</legend>
        <label className="flex items-center gap-2 text-sm font-medium sm:col-span-2">
          <input type="checkbox" name="recordingEnabled" defaultChecked={values.recordingEnabled === "on"} className="h-4 w-4" data-testid="recording-enabled" />
          {tr("enabled")}
        </label>
        <FormField label={tr("samplePct")} inputMode="numeric" autoComplete="off" hint={tr("samplePctHint")} {...field("recordingSamplePct")} />
        <FormField label={tr("retentionDays")} inputMode="numeric" autoComplete="off" hint={tr("retentionDaysHint")} {...field("recordingRetentionDays")} />
      </fieldset>

      <div className="flex items-center gap-4">
        <button type="submit" disabled={pending} data-testid="save-queue" className={primaryButtonClass}>
          {t("save")}
        </button>
        <Notice state={state} fields={FIELDS} />
      </div>
    </form>
  );
}
