"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { Result } from "../../../server/accounts/user-input";
import { getServices } from "../../../server/runtime-registry";
import {
  addQueueNumber,
  createNamedQueue,
  dropQueueMember,
  dropQueueNumber,
  dropVipNumber,
  saveQueueMember,
  saveQueueSettings,
  saveVipNumber,
} from "../../../server/queues/queue-admin";
import { queueFormValues } from "../../../server/queues/queue-form-values";
import { requireRole } from "../../lib/auth";

export interface QueueFormState {
  errors?: Record<string, string>;
  /** i18n key (under `queues.`) of a success notice. */
  notice?: string;
  /** What the form shows next: the submitted values after an error, the saved ones after success. */
  values?: Record<string, string>;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? "");
const formValues = (form: FormData) => Object.fromEntries([...form].filter(([k]) => !k.startsWith("$")).map(([k, v]) => [k, String(v)]));

/** The id in a hidden field; NaN (never a queue) when tampered with. */
const idOf = (form: FormData, name: string) => {
  const id = Number(text(form, name));
  return Number.isSafeInteger(id) && id > 0 ? id : Number.NaN;
};

/**
 * Every mutation: check the role first, write, then let the live queue engine re-read its
 * settings, so a change takes effect on the next call without a restart.
 */
async function mutate<T>(returnTo: string, write: () => Promise<Result<T>>): Promise<Result<T>> {
  await requireRole("admin", returnTo);
  const result = await write();
  if (result.ok) {
    await getServices().onQueuesChanged?.();
    revalidatePath("/admin/queues", "layout");
  }
  return result;
}

const db = () => getServices().database.db;

export async function createQueueAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const result = await mutate("/admin/queues", () => createNamedQueue(db(), text(form, "name")));
  if (!result.ok) return { errors: result.errors, values: formValues(form) };
  redirect(`/admin/queues/${result.value.id}`);
}

export async function saveQueueSettingsAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await mutate(`/admin/queues/${queueId}`, () => saveQueueSettings(db(), queueId, formValues(form)));
  if (!result.ok) return { errors: result.errors, values: formValues(form) };
  return { notice: "saved", values: queueFormValues(result.value) };
}

export async function addMemberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await mutate(`/admin/queues/${queueId}`, () => saveQueueMember(db(), queueId, { userId: text(form, "userId"), level: text(form, "level") }));
  return result.ok ? { notice: "memberAdded" } : { errors: result.errors, values: formValues(form) };
}

/** One form per member row; the submit button's `intent` says whether to save the level or remove. */
export async function updateMemberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const userId = idOf(form, "userId");
  const result = await mutate<unknown>(`/admin/queues/${queueId}`, () =>
    text(form, "intent") === "remove"
      ? dropQueueMember(db(), queueId, userId)
      : saveQueueMember(db(), queueId, { userId, level: text(form, "level") }),
  );
  return result.ok ? { notice: text(form, "intent") === "remove" ? "memberRemoved" : "memberSaved" } : { errors: result.errors };
}

export async function addNumberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await mutate(`/admin/queues/${queueId}`, () => addQueueNumber(db(), queueId, { number: text(form, "number"), label: text(form, "label") }));
  return result.ok ? { notice: "numberAdded" } : { errors: result.errors, values: formValues(form) };
}

export async function removeNumberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await mutate(`/admin/queues/${queueId}`, () => dropQueueNumber(db(), queueId, idOf(form, "numberId")));
  return result.ok ? { notice: "numberRemoved" } : { errors: result.errors };
}

export async function saveVipAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const result = await mutate("/admin/queues", () =>
    saveVipNumber(db(), { number: text(form, "number"), priority: text(form, "priority"), label: text(form, "label") }),
  );
  return result.ok ? { notice: "vipSaved" } : { errors: result.errors, values: formValues(form) };
}

export async function removeVipAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const result = await mutate("/admin/queues", () => dropVipNumber(db(), text(form, "number")));
  return result.ok ? { notice: "vipRemoved" } : { errors: result.errors };
}
