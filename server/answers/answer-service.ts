/**
 * Prepared answers and wrap-up topics: validation (admin page, supervisors, command line), search for the desk
 * (PostgreSQL full-text search in each answer's language, see db/queries/answers.ts) and "used" counting.
 */
import { z } from "zod";
import type { Db } from "../../db/client";
import { deleteAnswer, findAnswer, insertAnswer, recordAnswerUse, searchAnswers, updateAnswer, type AnswerHit, type AnswerInput } from "../../db/queries/answers";
import { ConflictError } from "../../db/queries/errors";
import { deleteTopic, insertTopic } from "../../db/queries/topics";
import type { PreparedAnswer, Topic } from "../../db/schema";
import { fieldErrors, type Result } from "../accounts/user-input";
import { LOCALES } from "../i18n/locales";

/** Repeated form fields arrive as arrays, a textarea as lines, the command line as comma-separated text. */
const list = (separator: RegExp, message: string, max: number) =>
  z.preprocess(
    (value) => (Array.isArray(value) ? value : typeof value === "string" ? value.split(separator) : value === undefined ? [] : value),
    z.array(z.string({ error: message }).trim().max(max, message)).transform((items) => [...new Set(items.filter((item) => item.length > 0))]),
  );

export const answerSchema = z.object({
  topic: z.string({ error: "validation.topic" }).trim().min(1, "validation.topic").max(80, "validation.topic"),
  question: z.string({ error: "validation.question" }).trim().min(3, "validation.question").max(300, "validation.question"),
  variants: list(/\r?\n\s*\r?\n/, "validation.answerText", 2000).pipe(z.array(z.string()).min(1, "validation.answerText").max(5, "validation.answerText")),
  tags: list(/,/, "validation.tags", 40).pipe(z.array(z.string()).max(20, "validation.tags")),
  sensitive: z.preprocess((value) => value === true || value === "on" || value === "true", z.boolean()),
  queueIds: z.preprocess(
    (value) => (Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value]).map(Number),
    z.array(z.number().int().positive("validation.queue")),
  ),
  locale: z.enum(LOCALES, { error: "validation.locale" }),
  reviewedAt: z.preprocess(
    (value) => (value === undefined || value === "" ? null : value),
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation.date").nullable(),
  ),
});
export type AnswerFormInput = z.input<typeof answerSchema>;

export function parseAnswer(input: Record<string, unknown>): Result<AnswerInput> {
  const parsed = answerSchema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export async function createAnswer(db: Db, input: Record<string, unknown>): Promise<Result<PreparedAnswer>> {
  const parsed = parseAnswer(input);
  return parsed.ok ? { ok: true, value: await insertAnswer(db, parsed.value) } : parsed;
}

const ANSWER_GONE = { ok: false, errors: { form: "validation.answerNotFound" } } as const;

export async function saveAnswer(db: Db, id: number, input: Record<string, unknown>): Promise<Result<PreparedAnswer>> {
  const parsed = parseAnswer(input);
  if (!parsed.ok) return parsed;
  const row = await updateAnswer(db, id, parsed.value);
  return row ? { ok: true, value: row } : ANSWER_GONE;
}

export async function removeAnswer(db: Db, id: number): Promise<Result<true>> {
  return (await deleteAnswer(db, id)) ? { ok: true, value: true } : ANSWER_GONE;
}

/** Search as the operator types: at most 200 characters are read; nothing under 2 characters. */
export function findAnswers(db: Db, text: string, queueId: number | null): Promise<AnswerHit[]> {
  const trimmed = text.trim().slice(0, 200);
  if (trimmed.length < 2) return Promise.resolve([]);
  return searchAnswers(db, trimmed, { queueId, limit: 8 });
}

/** Counts one use of an answer (on a call, when given). False when the answer does not exist. */
export async function markAnswerUsed(db: Db, answerId: number, userId: number, callId: string | null, at: Date): Promise<boolean> {
  if (!(await findAnswer(db, answerId))) return false;
  await recordAnswerUse(db, { answerId, userId, callId, at });
  return true;
}

const topicName = z.string({ error: "validation.topic" }).trim().min(1, "validation.topic").max(80, "validation.topic");

export async function createTopic(db: Db, queueId: number, name: unknown): Promise<Result<Topic>> {
  const parsed = topicName.safeParse(name);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  try {
    return { ok: true, value: await insertTopic(db, queueId, parsed.data) };
  } catch (error) {
    if (error instanceof ConflictError) return { ok: false, errors: { name: "validation.topicTaken" } };
    throw error;
  }
}

export async function removeTopic(db: Db, id: number): Promise<Result<true>> {
  return (await deleteTopic(db, id)) ? { ok: true, value: true } : { ok: false, errors: { form: "validation.topicNotFound" } };
}
