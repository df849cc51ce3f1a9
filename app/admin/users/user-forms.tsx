"use client";

import { useTranslations } from "next-intl";
import { useActionState, useRef } from "react";
import { ROLES, type Role } from "../../../server/auth/roles";
import { FormField } from "../../components/form-field";
import { createUserAction, updateUserAction, type UserFormState } from "./actions";

function Notice({ state }: { state: UserFormState }) {
  const t = useTranslations();
  if (state.notice) {
    return (
      <p role="status" data-testid="notice" className="text-sm text-green-800">
        {t(state.notice.key, { username: state.notice.username })}
      </p>
    );
  }
  const other = state.errors && Object.entries(state.errors).find(([field]) => !["username", "displayName", "password"].includes(field));
  return other ? (
    <p role="alert" data-testid={`error-${other[0]}`} className="text-sm text-red-700">
      {t(other[1])}
    </p>
  ) : null;
}

function RoleSelect({ name, defaultValue, label, testId }: { name: string; defaultValue?: Role; label: string; testId: string }) {
  const t = useTranslations("roles");
  return (
    <select name={name} defaultValue={defaultValue} aria-label={label} data-testid={testId} className="rounded border border-slate-300 bg-white px-2 py-1.5">
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {t(role)}
        </option>
      ))}
    </select>
  );
}

export function CreateUserForm() {
  const t = useTranslations("users");
  const formRef = useRef<HTMLFormElement>(null);
  const [state, action, pending] = useActionState<UserFormState, FormData>(async (previous, form) => {
    const next = await createUserAction(previous, form);
    if (next.notice) formRef.current?.reset();
    return next;
  }, {});
  return (
    <section className="mt-8 max-w-xl rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-lg font-medium">{t("addTitle")}</h2>
      <form ref={formRef} action={action} className="mt-4 grid gap-4 sm:grid-cols-2" noValidate data-testid="create-user-form">
        <FormField label={t("username")} name="username" autoComplete="off" defaultValue={state.values?.username} error={state.errors?.username} required />
        <FormField label={t("displayName")} name="displayName" autoComplete="off" defaultValue={state.values?.displayName} error={state.errors?.displayName} />
        <div className="flex flex-col gap-1">
          <label className="text-sm font-medium" htmlFor="new-user-role">
            {t("role")}
          </label>
          <RoleSelect name="role" label={t("role")} testId="new-user-role" defaultValue={(state.values?.role as Role) ?? "operator"} />
        </div>
        <FormField label={t("password")} name="password" type="password" autoComplete="new-password" hint={t("passwordHint")} error={state.errors?.password} required />
        <div className="flex items-center gap-4 sm:col-span-2">
          <button type="submit" disabled={pending} data-testid="create-user" className="rounded bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {t("add")}
          </button>
          <Notice state={state} />
        </div>
      </form>
    </section>
  );
}

export function UserRow({ user, isMe }: { user: { id: number; username: string; displayName: string; role: Role; disabled: boolean }; isMe: boolean }) {
  const t = useTranslations("users");
  const tAll = useTranslations();
  const [state, action, pending] = useActionState<UserFormState, FormData>(updateUserAction, {});
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`user-row-${user.username}`}>
      <td className="p-3 font-medium">
        {user.username}
        {isMe && <span className="ms-1 text-slate-500">({t("you")})</span>}
      </td>
      <td className="p-3">{user.displayName}</td>
      <td className="p-3" data-testid="user-status">
        {user.disabled ? t("disabled") : t("active")}
      </td>
      <td className="p-3">
        <form action={action} className="flex flex-wrap items-start gap-2">
          <input type="hidden" name="id" value={user.id} />
          <RoleSelect name="role" defaultValue={user.role} label={t("changeRole", { username: user.username })} testId="user-role" />
          <button name="intent" value="role" disabled={pending} className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
            {t("save")}
          </button>
          <button name="intent" value={user.disabled ? "enable" : "disable"} disabled={pending} data-testid="toggle-disabled" className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
            {user.disabled ? t("enable") : t("disable")}
          </button>
          <span className="flex items-start gap-2">
            <span className="flex flex-col">
              <input
                type="password"
                name="password"
                autoComplete="new-password"
                aria-label={t("newPassword", { username: user.username })}
                aria-invalid={state.errors?.password ? true : undefined}
                placeholder={t("password")}
                className="w-36 rounded border border-slate-300 px-2 py-1.5"
              />
              {state.errors?.password && <span className="text-xs text-red-700">{tAll(state.errors.password)}</span>}
            </span>
            <button name="intent" value="password" disabled={pending} className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
              {t("resetPassword")}
            </button>
          </span>
          <div className="basis-full">
            <Notice state={state} />
          </div>
        </form>
      </td>
    </tr>
  );
}
