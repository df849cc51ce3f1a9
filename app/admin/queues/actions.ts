"use server";

import { redirect } from "next/navigation";
import { adminDb, adminWrite, formText, formValues } from "../admin-write";
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

export interface QueueFormState {
  errors?: Record<string, string>;
  /** i18n key (under `queues.`) of a success notice. */
  notice?: string;
  /** What the form shows next: the submitted values after an error, the saved ones after success. */
  values?: Record<string, string>;
}

const text = formText;

/** The id in a hidden field; NaN (never a queue) when tampered with. */
const idOf = (form: FormData, name: string) => {
  const id = Number(text(form, name));
  return Number.isSafeInteger(id) && id > 0 ? id : Number.NaN;
};

const db = adminDb;

export async function createQueueAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const result = await adminWrite("/admin/queues", "/admin/queues", () => createNamedQueue(db(), text(form, "name")));
  if (!result.ok) return { errors: result.errors, values: formValues(form) };
  redirect(`/admin/queues/${result.value.id}`);
}

export async function saveQueueSettingsAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await adminWrite(`/admin/queues/${queueId}`, "/admin/queues", () => saveQueueSettings(db(), queueId, formValues(form)));
  if (!result.ok) return { errors: result.errors, values: formValues(form) };
  return { notice: "saved", values: queueFormValues(result.value) };
}

export async function addMemberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await adminWrite(`/admin/queues/${queueId}`, "/admin/queues", () => saveQueueMember(db(), queueId, { userId: text(form, "userId"), level: text(form, "level") }));
  return result.ok ? { notice: "memberAdded" } : { errors: result.errors, values: formValues(form) };
}

/** One form per member row; the submit button's `intent` says whether to save the level or remove. */
export async function updateMemberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const userId = idOf(form, "userId");
  const result = await adminWrite<unknown>(`/admin/queues/${queueId}`, "/admin/queues", () =>
    text(form, "intent") === "remove"
      ? dropQueueMember(db(), queueId, userId)
      : saveQueueMember(db(), queueId, { userId, level: text(form, "level") }),
  );
  return result.ok ? { notice: text(form, "intent") === "remove" ? "memberRemoved" : "memberSaved" } : { errors: result.errors };
}

export async function addNumberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await adminWrite(`/admin/queues/${queueId}`, "/admin/queues", () => addQueueNumber(db(), queueId, { number: text(form, "number"), label: text(form, "label") }));
  return result.ok ? { notice: "numberAdded" } : { errors: result.errors, values: formValues(form) };
}

export async function removeNumberAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const queueId = idOf(form, "queueId");
  const result = await adminWrite(`/admin/queues/${queueId}`, "/admin/queues", () => dropQueueNumber(db(), queueId, idOf(form, "numberId")));
  return result.ok ? { notice: "numberRemoved" } : { errors: result.errors };
}

export async function saveVipAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const result = await adminWrite("/admin/queues", "/admin/queues", () =>
    saveVipNumber(db(), { number: text(form, "number"), priority: text(form, "priority"), label: text(form, "label") }),
  );
  return result.ok ? { notice: "vipSaved" } : { errors: result.errors, values: formValues(form) };
}

export async function removeVipAction(_previous: QueueFormState, form: FormData): Promise<QueueFormState> {
  const result = await adminWrite("/admin/queues", "/admin/queues", () => dropVipNumber(db(), text(form, "number")));
  return result.ok ? { notice: "vipRemoved" } : { errors: result.errors };
}
