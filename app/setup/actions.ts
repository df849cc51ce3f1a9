"use server";

import { redirect } from "next/navigation";
import { getServices } from "../../server/runtime-registry";

export interface SetupState {
  errors?: Record<string, string>;
  values?: { username: string; displayName: string };
}

export async function createFirstAdmin(_previous: SetupState, form: FormData): Promise<SetupState> {
  const services = getServices();
  const values = { username: String(form.get("username") ?? ""), displayName: String(form.get("displayName") ?? "") };
  const result = await services.setup.complete(String(form.get("token") ?? ""), services.users, {
    ...values,
    displayName: values.displayName || undefined,
    password: String(form.get("password") ?? ""),
  });
  if (!result.ok) return { errors: result.errors, values };
  redirect("/login");
}
