"use server";

import { revalidatePath } from "next/cache";
import type { Result } from "../../../server/accounts/user-input";
import { createAnswer, createTopic, removeAnswer, removeTopic, saveAnswer } from "../../../server/answers/answer-service";
import { getServices } from "../../../server/runtime-registry";
import type { FormState } from "../../components/simple-form";
import { requireRole } from "../../lib/auth";
import { formText, formValues } from "../admin-write";

const PATH = "/admin/answers";

/** Prepared answers and topics are the supervisors' to edit (admins too). */
async function supervisorWrite<T>(write: () => Promise<Result<T>>): Promise<Result<T>> {
  await requireRole("supervisor", PATH);
  const result = await write();
  if (result.ok) revalidatePath(PATH);
  return result;
}

const db = () => getServices().database.db;

/** The answer form's fields as the service reads them. */
const answerInput = (form: FormData) => ({
  topic: formText(form, "topic"),
  question: formText(form, "question"),
  variants: formText(form, "variants"),
  tags: formText(form, "tags"),
  sensitive: formText(form, "sensitive"),
  queueIds: form.getAll("queueIds").map(String),
  locale: formText(form, "locale"),
  reviewedAt: formText(form, "reviewedAt"),
});

export async function createAnswerAction(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await supervisorWrite(() => createAnswer(db(), answerInput(form)));
  return result.ok ? { notice: "answers.added" } : { errors: result.errors, values: formValues(form) };
}

export async function saveAnswerAction(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await supervisorWrite(() => saveAnswer(db(), Number(formText(form, "id")), answerInput(form)));
  return result.ok ? { notice: "answers.saved" } : { errors: result.errors, values: formValues(form) };
}

export async function removeAnswerAction(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await supervisorWrite(() => removeAnswer(db(), Number(formText(form, "id"))));
  return result.ok ? { notice: "answers.removed" } : { errors: result.errors };
}

export async function createTopicAction(_previous: FormState, form: FormData): Promise<FormState> {
  const queueId = Number(formText(form, "queueId"));
  if (!Number.isInteger(queueId) || queueId <= 0) return { errors: { queueId: "validation.queue" }, values: formValues(form) };
  const result = await supervisorWrite(() => createTopic(db(), queueId, formText(form, "name")));
  return result.ok ? { notice: "answers.topicAdded" } : { errors: result.errors, values: formValues(form) };
}

export async function removeTopicAction(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await supervisorWrite(() => removeTopic(db(), Number(formText(form, "id"))));
  return result.ok ? { notice: "answers.topicRemoved" } : { errors: result.errors };
}
