"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { FormField } from "../../components/form-field";
import { createQueueAction, removeVipAction, saveVipAction, type QueueFormState } from "./actions";
import { Notice, primaryButtonClass, RemoveForm, useAddFormAction } from "./form-bits";

/** Creating a queue leads straight to its settings page (the action redirects). */
export function CreateQueueForm() {
  const t = useTranslations("queues");
  const [state, action, pending] = useActionState<QueueFormState, FormData>(createQueueAction, {});
  return (
    <section className="mt-8 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-lg font-medium">{t("addTitle")}</h2>
      <form action={action} className="mt-4 flex flex-wrap items-end gap-4" noValidate data-testid="create-queue-form">
        <FormField label={t("name")} name="name" autoComplete="off" defaultValue={state.values?.name} error={state.errors?.name} required />
        <button type="submit" disabled={pending} data-testid="create-queue" className={primaryButtonClass}>
          {t("add")}
        </button>
        <Notice state={state} fields={["name"]} />
      </form>
    </section>
  );
}

export function VipRow({ vip }: { vip: { number: string; priority: number; label: string | null } }) {
  const t = useTranslations("queues");
  return (
    <tr className="border-b border-slate-100" data-testid={`vip-row-${vip.number}`}>
      <td className="p-3 font-medium">
        <bdi dir="ltr">{vip.number}</bdi>
      </td>
      <td className="p-3">{vip.priority}</td>
      <td className="p-3">{vip.label}</td>
      <td className="p-3">
        <RemoveForm action={removeVipAction} hidden={{ number: vip.number }} label={t("removeVip", { number: vip.number })} />
      </td>
    </tr>
  );
}

/** Saving a number already listed changes its priority and label. */
export function AddVipForm() {
  const t = useTranslations("queues");
  const { formRef, state, action, pending } = useAddFormAction(saveVipAction);
  return (
    <form ref={formRef} action={action} className="mt-4 flex max-w-3xl flex-wrap items-start gap-4" noValidate data-testid="vip-form">
      <FormField label={t("number")} name="number" dir="ltr" inputMode="tel" autoComplete="off" defaultValue={state.values?.number} error={state.errors?.number} required />
      <FormField label={t("priority")} name="priority" inputMode="numeric" defaultValue={state.values?.priority ?? "10"} error={state.errors?.priority} required />
      <FormField label={t("label")} name="label" autoComplete="off" defaultValue={state.values?.label} error={state.errors?.label} />
      <div className="flex flex-col gap-2 self-end">
        <button type="submit" disabled={pending} data-testid="save-vip" className={primaryButtonClass}>
          {t("saveVip")}
        </button>
      </div>
      <div className="basis-full">
        <Notice state={state} fields={["number", "priority", "label"]} />
      </div>
    </form>
  );
}
