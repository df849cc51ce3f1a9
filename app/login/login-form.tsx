"use client";

import { useTranslations } from "next-intl";
import { useActionState } from "react";
import { login, type LoginState } from "../actions/session";
import { FormField } from "../components/form-field";

export function LoginForm({ next }: { next: string }) {
  const t = useTranslations();
  const [state, action, pending] = useActionState<LoginState, FormData>(login, {});
  return (
    <form action={action} className="mt-4 flex flex-col gap-4" noValidate>
      <input type="hidden" name="next" value={next} />
      {state.error && (
        <p role="alert" data-testid="login-error" className="rounded bg-red-50 p-3 text-sm text-red-800">
          {t(state.error, { seconds: state.retryAfterS ?? 0 })}
        </p>
      )}
      <FormField
        label={t("login.username")}
        name="username"
        autoComplete="username"
        required
        defaultValue={state.username}
        error={state.fields?.username}
        autoFocus
      />
      <FormField
        label={t("login.password")}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={state.fields?.password}
      />
      <button
        type="submit"
        data-testid="login-submit"
        disabled={pending}
        className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {pending ? t("login.submitting") : t("login.submit")}
      </button>
    </form>
  );
}
