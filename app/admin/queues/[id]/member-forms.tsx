"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { FormField } from "../../../components/form-field";
import { addMemberAction, addNumberAction, removeNumberAction, updateMemberAction, type QueueFormState } from "../actions";
import { buttonClass, LEVELS, Notice, primaryButtonClass, RemoveForm, SelectField, useAddFormAction } from "../form-bits";

const levelOptions = LEVELS.map((level) => ({ value: level, label: level }));

export function MemberRow({ queueId, member }: { queueId: number; member: { userId: number; username: string; displayName: string; level: number } }) {
  const t = useTranslations("queues");
  const [state, action, pending] = useActionState<QueueFormState, FormData>(updateMemberAction, {});
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`member-row-${member.username}`}>
      <td className="p-3 font-medium">{member.username}</td>
      <td className="p-3">{member.displayName}</td>
      <td className="p-3">
        <form action={action} className="flex flex-wrap items-start gap-2">
          <input type="hidden" name="queueId" value={queueId} />
          <input type="hidden" name="userId" value={member.userId} />
          <select
            name="level"
            defaultValue={String(member.level)}
            aria-label={t("levelOf", { username: member.username })}
            data-testid="member-level"
            className="rounded border border-slate-300 bg-white px-2 py-1.5"
          >
            {levelOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <button name="intent" value="level" disabled={pending} data-testid="save-member" className={buttonClass}>
            {t("saveLevel")}
          </button>
          <button name="intent" value="remove" disabled={pending} data-testid="remove-member" className={buttonClass}>
            {t("remove")}
          </button>
          <div className="basis-full">
            <Notice state={state} />
          </div>
        </form>
      </td>
    </tr>
  );
}

export function AddMemberForm({ queueId, candidates }: { queueId: number; candidates: ReadonlyArray<{ id: number; username: string; displayName: string }> }) {
  const t = useTranslations("queues");
  const [state, action, pending] = useActionState<QueueFormState, FormData>(addMemberAction, {});
  if (candidates.length === 0) return <p className="mt-3 text-sm text-slate-500">{t("noOneToAdd")}</p>;
  return (
    <form action={action} className="mt-4 flex flex-wrap items-start gap-4" noValidate data-testid="add-member-form">
      <input type="hidden" name="queueId" value={queueId} />
      <SelectField
        label={t("operator")}
        name="userId"
        id="new-member-user"
        options={candidates.map((u) => ({ value: String(u.id), label: `${u.displayName} (${u.username})` }))}
        error={state.errors?.userId}
      />
      <SelectField label={t("level")} name="level" id="new-member-level" options={levelOptions} defaultValue="1" error={state.errors?.level} />
      <button type="submit" disabled={pending} data-testid="add-member" className={`${primaryButtonClass} self-end`}>
        {t("addMember")}
      </button>
      <div className="basis-full">
        <Notice state={state} fields={["userId", "level"]} />
      </div>
    </form>
  );
}

export function NumberRow({ queueId, number }: { queueId: number; number: { id: number; number: string; label: string | null } }) {
  const t = useTranslations("queues");
  return (
    <tr className="border-b border-slate-100" data-testid={`number-row-${number.number}`}>
      <td className="p-3 font-medium">
        <bdi dir="ltr">{number.number}</bdi>
      </td>
      <td className="p-3">{number.label}</td>
      <td className="p-3">
        <RemoveForm
          action={removeNumberAction}
          hidden={{ queueId, numberId: number.id }}
          label={t("removeNumber", { number: number.number })}
          testId="remove-number"
        />
      </td>
    </tr>
  );
}

export function AddNumberForm({ queueId }: { queueId: number }) {
  const t = useTranslations("queues");
  const { formRef, state, action, pending } = useAddFormAction(addNumberAction);
  return (
    <form ref={formRef} action={action} className="mt-4 flex flex-wrap items-start gap-4" noValidate data-testid="add-number-form">
      <input type="hidden" name="queueId" value={queueId} />
      <FormField label={t("number")} name="number" dir="ltr" inputMode="tel" autoComplete="off" defaultValue={state.values?.number} error={state.errors?.number} required />
      <FormField label={t("label")} name="label" autoComplete="off" hint={t("labelHint")} defaultValue={state.values?.label} error={state.errors?.label} />
      <button type="submit" disabled={pending} data-testid="add-number" className={`${primaryButtonClass} mt-6`}>
        {t("addNumber")}
      </button>
      <div className="basis-full">
        <Notice state={state} fields={["number", "label"]} />
      </div>
    </form>
  );
}
