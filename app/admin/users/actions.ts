"use server";

import { revalidatePath } from "next/cache";
import { ROLES, type Role } from "../../../server/auth/roles";
import { getServices } from "../../../server/runtime-registry";
import { requireRole } from "../../lib/auth";

export interface UserFormState {
  errors?: Record<string, string>;
  /** i18n key and values of a success notice. */
  notice?: { key: string; username: string };
  values?: Record<string, string>;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function createUserAction(_previous: UserFormState, form: FormData): Promise<UserFormState> {
  await requireRole("admin", "/admin/users");
  const values = { username: text(form, "username"), displayName: text(form, "displayName"), role: text(form, "role") };
  const result = await getServices().users.create({
    username: values.username,
    displayName: values.displayName || undefined,
    role: values.role as Role,
    password: text(form, "password"),
  });
  if (!result.ok) return { errors: result.errors, values };
  revalidatePath("/admin/users");
  return { notice: { key: "users.created", username: result.value.username } };
}

/** One form per user row; the submit button's `intent` says which change is meant. */
export async function updateUserAction(_previous: UserFormState, form: FormData): Promise<UserFormState> {
  await requireRole("admin", "/admin/users");
  const id = Number(form.get("id"));
  if (!Number.isSafeInteger(id)) return { errors: { form: "validation.userNotFound" } };
  const intent = text(form, "intent");
  const users = getServices().users;
  const result =
    intent === "password"
      ? await users.update(id, { password: text(form, "password") })
      : intent === "disable" || intent === "enable"
        ? await users.update(id, { disabled: intent === "disable" })
        : await users.update(id, { role: (ROLES as readonly string[]).includes(text(form, "role")) ? (text(form, "role") as Role) : ("" as Role) });
  if (!result.ok) return { errors: result.errors };
  revalidatePath("/admin/users");
  return { notice: { key: intent === "password" ? "users.passwordReset" : "users.saved", username: result.value.username } };
}
