/**
 * The wrap-up form after a call: a server-side draft (so a reload loses nothing), validation of the finished
 * form (topic from the queue's list, required when the queue says so; outcome; notes; answers used), and the
 * save to the call record and event log. Telling the queue engine the wrap-up is over is the caller's job
 * (`Services.onWrapUpDone`).
 */
import { z } from "zod";
import type { Db } from "../../db/client";
import { findCall } from "../../db/queries/calls";
import { findQueueById } from "../../db/queries/queues";
import { listTopics } from "../../db/queries/topics";
import { answeredBy, findWrapUpDraft, saveWrapUp, saveWrapUpDraft } from "../../db/queries/wrap-up";
import { WRAP_UP_OUTCOMES, type WrapUpDraft } from "../../db/schema";
import { fieldErrors, type Result } from "../accounts/user-input";

const MAX_NOTES = 2000;

const draftSchema = z.object({
  callId: z.uuid("validation.invalid"),
  topic: z.string().trim().max(80, "validation.topic").default(""),
  outcomeDetail: z.union([z.literal(""), z.enum(WRAP_UP_OUTCOMES)], { error: "validation.outcome" }).default(""),
  notes: z.string().max(MAX_NOTES, "validation.notes").default(""),
  answerIds: z.array(z.number().int().positive()).max(50).default([]),
});
export type DraftInput = z.input<typeof draftSchema>;

export interface WrapUpView {
  callId: string;
  topic: string;
  outcomeDetail: string;
  notes: string;
  answerIds: number[];
  extended: boolean;
}

const view = (draft: WrapUpDraft): WrapUpView => ({
  callId: draft.callId,
  topic: draft.topic,
  outcomeDetail: draft.outcomeDetail,
  notes: draft.notes,
  answerIds: draft.answerIds,
  extended: draft.extended,
});

/** The operator may wrap up only a call they answered. */
/** The call if `userId` talked on it: its record's operator, or one the caller was transferred to. */
async function ownCall(db: Db, userId: number, callId: string) {
  const call = await findCall(db, callId);
  if (!call) return undefined;
  return call.operatorId === userId || (await answeredBy(db, callId, userId)) ? call : undefined;
}

/**
 * Keeps what the operator typed so far. A draft for another call than the stored one replaces it (after saving
 * the old one as it stands). Errors: `form: validation.callNotFound` when the call is not the operator's.
 */
export async function keepDraft(db: Db, userId: number, input: DraftInput, now: Date): Promise<Result<WrapUpView>> {
  const parsed = draftSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  if (!(await ownCall(db, userId, parsed.data.callId))) return { ok: false, errors: { form: "validation.callNotFound" } };
  const current = await findWrapUpDraft(db, userId);
  if (current && current.callId !== parsed.data.callId) await saveAsItStands(db, current, now);
  return { ok: true, value: view(await saveWrapUpDraft(db, userId, { ...parsed.data, extended: current?.callId === parsed.data.callId ? current.extended : false })) };
}

/**
 * The operator's open draft, for the desk after a reload; undefined when none. A draft whose wrap-up already
 * ended (the queue's wrap-up time ran out) is saved as it stands instead.
 */
export async function openDraft(db: Db, userId: number, now: Date): Promise<WrapUpView | undefined> {
  const draft = await findWrapUpDraft(db, userId);
  if (!draft) return undefined;
  const call = await findCall(db, draft.callId);
  if (call?.wrapUpEndedAt) {
    await saveAsItStands(db, draft, now);
    return undefined;
  }
  return view(draft);
}

/**
 * The operator's wrap-up ended without Done (the queue's wrap-up time ran out, or they logged out): an open draft is
 * saved to its call record as it stands (event `call.wrap-up` with `timedOut: true`). No draft: nothing happens.
 */
export async function closeDraft(db: Db, userId: number, now: Date): Promise<void> {
  const draft = await findWrapUpDraft(db, userId);
  if (draft) await saveAsItStands(db, draft, now);
}

async function saveAsItStands(db: Db, draft: WrapUpDraft, now: Date): Promise<void> {
  const call = await findCall(db, draft.callId);
  await saveWrapUp(db, {
    userId: draft.userId,
    callId: draft.callId,
    queueId: call?.queueId ?? null,
    topic: draft.topic || null,
    outcomeDetail: draft.outcomeDetail || "",
    notes: draft.notes || null,
    answerIds: draft.answerIds,
    at: now,
    timedOut: true,
  });
}

/**
 * Saves a finished wrap-up. Field errors (`validation.*`): `topic` (not in the queue's list, or missing when
 * required), `outcomeDetail` (required), `notes` (too long); `form` when the call is not the operator's.
 */
export async function finishWrapUp(db: Db, userId: number, input: DraftInput, now: Date): Promise<Result<{ callId: string }>> {
  const parsed = draftSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const form = parsed.data;
  const call = await ownCall(db, userId, form.callId);
  if (!call) return { ok: false, errors: { form: "validation.callNotFound" } };
  const errors: Record<string, string> = {};
  const queue = call.queueId === null ? undefined : await findQueueById(db, call.queueId);
  const topics = call.queueId === null ? [] : (await listTopics(db, call.queueId)).map((t) => t.name);
  if (form.topic && !topics.includes(form.topic)) errors.topic = "validation.topic";
  if (!form.topic && queue?.topicRequired) errors.topic = "validation.topicRequired";
  if (!form.outcomeDetail) errors.outcomeDetail = "validation.outcome";
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  await saveWrapUp(db, {
    userId,
    callId: form.callId,
    queueId: call.queueId,
    topic: form.topic || null,
    outcomeDetail: form.outcomeDetail,
    notes: form.notes.trim() || null,
    answerIds: form.answerIds,
    at: now,
    timedOut: false,
  });
  return { ok: true, value: { callId: form.callId } };
}

/**
 * Extends the operator's wrap-up once (the queue's `wrap_up_extend_s`): marks the draft extended and returns how
 * many ms to add, for the caller to tell the queue engine. Errors: `form` when there is no open wrap-up, the queue
 * allows no extension, or it was extended already.
 */
export async function extendWrapUp(db: Db, userId: number): Promise<Result<{ byMs: number }>> {
  const draft = await findWrapUpDraft(db, userId);
  if (!draft) return { ok: false, errors: { form: "validation.callNotFound" } };
  if (draft.extended) return { ok: false, errors: { form: "validation.wrapUpExtendedAlready" } };
  const call = await findCall(db, draft.callId);
  const queue = call?.queueId ? await findQueueById(db, call.queueId) : undefined;
  if (!queue?.wrapUpExtendS || call?.wrapUpEndedAt) return { ok: false, errors: { form: "validation.wrapUpNoExtension" } };
  await saveWrapUpDraft(db, userId, { ...view(draft), extended: true });
  return { ok: true, value: { byMs: queue.wrapUpExtendS * 1000 } };
}
