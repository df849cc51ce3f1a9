"use server";

import { getLocale } from "next-intl/server";
import { z } from "zod";
import type { AnswerHit } from "../../db/queries/answers";
import type { DirectoryRow } from "../../db/queries/directory";
import type { Result } from "../../server/accounts/user-input";
import { findAnswers, markAnswerUsed } from "../../server/answers/answer-service";
import { callContext, type CallContext } from "../../server/desk/call-context";
import { setAutoAnswer } from "../../server/desk/desk-options";
import { extendWrapUp, finishWrapUp, keepDraft, type WrapUpView } from "../../server/desk/wrap-up-service";
import { findColleagues, findPeople, type Colleague } from "../../server/directory/directory-service";
import { isLocale } from "../../server/i18n/locales";
import { getServices } from "../../server/runtime-registry";
import { requireRole } from "../lib/auth";

/**
 * The desk's server actions: the screen pop of a ringing call, answer and directory search as the operator types,
 * "used" clicks, and the wrap-up form (draft and Done). Each checks the session and the operator role first and
 * validates its arguments (they come from the browser).
 */

const db = () => getServices().database.db;
const callId = z.uuid();
const searchText = z.string().max(200);

export async function loadCallContextAction(id: string): Promise<CallContext | null> {
  const user = await requireRole("operator", "/desk");
  const parsed = callId.safeParse(id);
  if (!parsed.success) return null;
  const locale = await getLocale();
  return (await callContext(db(), user, parsed.data, isLocale(locale) ? locale : "en", new Date())) ?? null;
}

export async function searchAnswersAction(text: string, queueId: number | null): Promise<AnswerHit[]> {
  await requireRole("operator", "/desk");
  const parsed = z.object({ text: searchText, queueId: z.number().int().positive().nullable() }).safeParse({ text, queueId });
  return parsed.success ? findAnswers(db(), parsed.data.text, parsed.data.queueId) : [];
}

export async function markAnswerUsedAction(answerId: number, call: string | null): Promise<boolean> {
  const user = await requireRole("operator", "/desk");
  const parsed = z.object({ answerId: z.number().int().positive(), call: callId.nullable() }).safeParse({ answerId, call });
  return parsed.success ? markAnswerUsed(db(), parsed.data.answerId, user.id, parsed.data.call, new Date()) : false;
}

/** People of the directory, and hotline colleagues with their live state, for what the operator typed. */
export async function searchDirectoryAction(text: string): Promise<{ people: DirectoryRow[]; colleagues: Colleague[] }> {
  await requireRole("operator", "/desk");
  const parsed = searchText.safeParse(text);
  if (!parsed.success) return { people: [], colleagues: [] };
  const services = getServices();
  const [people, colleagues] = await Promise.all([
    findPeople(db(), parsed.data),
    findColleagues(db(), parsed.data, (userId) => services.operatorStatus?.(userId)),
  ]);
  return { people, colleagues };
}

export interface WrapUpForm {
  callId: string;
  topic: string;
  outcomeDetail: string;
  notes: string;
  answerIds: number[];
}

/** Keeps the form as typed so far (a reload restores it). */
export async function keepWrapUpDraftAction(form: WrapUpForm): Promise<Result<WrapUpView>> {
  const user = await requireRole("operator", "/desk");
  return keepDraft(db(), user.id, form as never, new Date());
}

/** Done: saves the wrap-up to the call record, then ends the operator's wrap-up in the queue engine at once. */
export async function finishWrapUpAction(form: WrapUpForm): Promise<Result<{ callId: string }>> {
  const user = await requireRole("operator", "/desk");
  const result = await finishWrapUp(db(), user.id, form as never, new Date());
  if (result.ok) getServices().onWrapUpDone?.(user.id);
  return result;
}

/** Extend (once, when the queue allows it): the wrap-up's end moves later in the queue engine. */
export async function extendWrapUpAction(): Promise<Result<{ byMs: number }>> {
  const user = await requireRole("operator", "/desk");
  const result = await extendWrapUp(db(), user.id);
  if (result.ok) getServices().onWrapUpExtended?.(user.id, result.value.byMs);
  return result;
}

/** The operator's own auto-answer option (answer offered calls after a short beep). */
export async function setAutoAnswerAction(on: boolean): Promise<boolean> {
  const user = await requireRole("operator", "/desk");
  if (typeof on !== "boolean") return false;
  await setAutoAnswer(db(), user.id, on);
  return true;
}
