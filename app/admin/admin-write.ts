import { revalidatePath } from "next/cache";
import type { Result } from "../../server/accounts/user-input";
import { getServices } from "../../server/runtime-registry";
import { requireRole } from "../lib/auth";

/**
 * Every admin write of what routes calls (queues, numbers, pause reasons, shifts): check the role first, write,
 * then let the live queue engine and the shift scheduler re-read the configuration, so a change holds from the
 * next call or pause on, without a restart. `returnTo` is where login sends the admin back; `revalidate` the
 * pages to redraw (the layout under it, so sub-pages follow).
 */
export async function adminWrite<T>(returnTo: string, revalidate: string, write: () => Promise<Result<T>>): Promise<Result<T>> {
  await requireRole("admin", returnTo);
  const result = await write();
  if (result.ok) {
    await getServices().onQueuesChanged?.();
    revalidatePath(revalidate, "layout");
  }
  return result;
}

export const adminDb = () => getServices().database.db;

/** A form field as text ("" when absent). */
export const formText = (form: FormData, name: string) => String(form.get(name) ?? "");

/** What the form submitted, to show it again after an error (React's own `$ACTION` fields left out). */
export const formValues = (form: FormData) => Object.fromEntries([...form].filter(([k]) => !k.startsWith("$")).map(([k, v]) => [k, String(v)]));
