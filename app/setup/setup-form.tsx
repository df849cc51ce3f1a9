"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { FormField } from "../components/form-field";
import { createFirstAdmin, type SetupState } from "./actions";

export function SetupForm({ token }: { token: string }) {
  const t = useTranslations();
  const [state, action, pending] = useActionState<SetupState, FormData>(createFirstAdmin, {});
  return (
    <form action={action} className="mt-4 flex flex-col gap-4" noValidate>
      <input type="hidden" name="token" value={token} />
      {state.errors?.form && (
        <p role="alert" className="text-sm text-red-800">
          {t(state.errors.form)}
        </p>
      )}
      <FormField label={t("setup.username")} name="username" autoComplete="username" defaultValue={state.values?.username} error={state.errors?.username} required />
      <FormField label={t("setup.displayName")} name="displayName" autoComplete="name" defaultValue={state.values?.displayName} error={state.errors?.displayName} />
      <FormField label={t("setup.password")} name="password" type="password" autoComplete="new-password" hint={t("setup.passwordHint")} error={state.errors?.password} required />
      <button type="submit" disabled={pending} className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {t("setup.submit")}
      </button>
    </form>
  );
}
