/**
 * Conversation scripts: validation when saved, and which script the desk shows for a call: the queue's own in
 * the desk's language, else the admin's default for every queue, else the built-in one (from the messages).
 */
import { z } from "zod";
import type { Db } from "../../db/client";
import { deleteScript, findScript, upsertScript } from "../../db/queries/scripts";
import type { ConversationScript } from "../../db/schema";
import type { Result } from "../accounts/user-input";
import { LOCALES, type Locale } from "../i18n/locales";
import { MESSAGES } from "../i18n/messages";
import { placeholderProblems } from "./placeholders";

/** A script has 1 to 12 steps of at most 500 characters. */
export const MAX_STEPS = 12;
const MAX_STEP_LENGTH = 500;

export interface ScriptInput {
  queueId: number | null;
  locale: unknown;
  steps: unknown;
}

/**
 * Checks a script as submitted: a known language, 1 to 12 non-empty steps (empty lines dropped), each with
 * only known placeholders. Errors are `validation.*` keys on `locale`, `steps`, or `step.<n>` (from 0).
 */
export function parseScript(input: ScriptInput): Result<{ queueId: number | null; locale: Locale; steps: string[] }> {
  const errors: Record<string, string> = {};
  const locale = z.enum(LOCALES).safeParse(input.locale);
  if (!locale.success) errors.locale = "validation.locale";
  const raw = Array.isArray(input.steps) ? input.steps : typeof input.steps === "string" ? input.steps.split(/\r?\n/) : [];
  const steps = raw.map((step) => String(step).trim()).filter((step) => step.length > 0);
  if (steps.length === 0 || steps.length > MAX_STEPS) errors.steps = "validation.scriptSteps";
  steps.forEach((step, index) => {
    if (step.length > MAX_STEP_LENGTH) errors[`step.${index}`] = "validation.scriptStepLength";
    else if (placeholderProblems(step).length > 0) errors[`step.${index}`] = "validation.scriptPlaceholder";
  });
  if (Object.keys(errors).length > 0) {
    // The form shows one message under the steps field: the first step's problem says which step.
    const first = Object.entries(errors).find(([field]) => field.startsWith("step."));
    if (first && !errors.steps) errors.steps = first[1];
    return { ok: false, errors };
  }
  return { ok: true, value: { queueId: input.queueId, locale: locale.data!, steps } };
}

export async function saveScript(db: Db, input: ScriptInput): Promise<Result<ConversationScript>> {
  const parsed = parseScript(input);
  if (!parsed.ok) return parsed;
  return { ok: true, value: await upsertScript(db, parsed.value.queueId, parsed.value.locale, parsed.value.steps) };
}

export async function removeScript(db: Db, id: number): Promise<Result<true>> {
  return (await deleteScript(db, id)) ? { ok: true, value: true } : { ok: false, errors: { form: "validation.scriptNotFound" } };
}

/** The built-in script of a language: greeting with the organisation and operator, the question, a uniform closing. */
export function builtInScript(locale: Locale): string[] {
  const d = MESSAGES[locale].scriptDefaults;
  return [d.greeting, d.question, d.listen, d.closing];
}

/** The steps the desk shows for a call of `queueId` in `locale`, unfilled, and where they come from. */
export async function scriptFor(db: Db, queueId: number | null, locale: Locale): Promise<{ steps: string[]; source: "queue" | "default" | "built-in" }> {
  const own = queueId === null ? undefined : await findScript(db, queueId, locale);
  if (own) return { steps: own.steps, source: "queue" };
  const general = await findScript(db, null, locale);
  if (general) return { steps: general.steps, source: "default" };
  return { steps: builtInScript(locale), source: "built-in" };
}
