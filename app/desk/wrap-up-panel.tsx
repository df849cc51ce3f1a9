"use client";

import { useTranslations } from "next-intl";
import { useEffect, useMemo, useRef, useState, type FormEvent, type RefObject } from "react";
import { WRAP_UP_OUTCOMES } from "../../db/enums";
import type { WrapUpView } from "../../server/desk/wrap-up-service";
import { BUTTON } from "./desk-styles";
import { extendWrapUpAction, finishWrapUpAction, keepWrapUpDraftAction, type WrapUpForm } from "./actions";

/** How long typing pauses before the draft is kept on the server. */
const DRAFT_DELAY_MS = 500;

export interface WrapUpPanelProps {
  draft: WrapUpView;
  caller: string;
  topics: string[];
  topicRequired: boolean;
  /** Seconds the queue lets the operator add once; null: no Extend button. */
  extendS: number | null;
  /** Answers marked used during the call, added to the form's list. */
  usedAnswerIds: number[];
  formRef: RefObject<HTMLFormElement | null>;
  onDone: () => void;
}

/**
 * The wrap-up form after a call: topic, outcome, notes, answers used. Kept on the server as a draft while typed
 * (a reload restores it); Done (Ctrl+Enter) saves it to the call record and makes the operator available at once.
 */
export default function WrapUpPanel({ draft, caller, topics, topicRequired, extendS, usedAnswerIds, formRef, onDone }: WrapUpPanelProps) {
  const t = useTranslations("workspace.wrapUp");
  const tr = useTranslations();
  const [form, setForm] = useState<WrapUpForm>(() => ({
    callId: draft.callId,
    topic: draft.topic,
    outcomeDetail: draft.outcomeDetail,
    notes: draft.notes,
    answerIds: [...new Set([...draft.answerIds, ...usedAnswerIds])],
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [kept, setKept] = useState(false);
  const [extended, setExtended] = useState(draft.extended);
  const extend = async () => {
    const result = await extendWrapUpAction();
    if (result.ok) setExtended(true);
    else setErrors(result.errors);
  };
  const first = useRef(true);

  // Answers marked used while the form is open join the list.
  const payload = useMemo(() => ({ ...form, answerIds: [...new Set([...form.answerIds, ...usedAnswerIds])] }), [form, usedAnswerIds]);

  // Every change is kept on the server after a short pause (the first render keeps it at once: the draft exists).
  useEffect(() => {
    const delay = first.current ? 0 : DRAFT_DELAY_MS;
    first.current = false;
    const timer = setTimeout(() => {
      void keepWrapUpDraftAction(payload).then((result) => setKept(result.ok));
    }, delay);
    return () => clearTimeout(timer);
  }, [payload]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const result = await finishWrapUpAction(payload);
    setSaving(false);
    if (result.ok) onDone();
    else setErrors(result.errors);
  };
  const field = (name: keyof WrapUpForm) => ({
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": errors[name] ? `wrap-up-${name}-error` : undefined,
  });
  const error = (name: string) =>
    errors[name] ? (
      <p id={`wrap-up-${name}-error`} data-testid={`error-${name}`} className="text-sm text-red-700">
        {tr(errors[name])}
      </p>
    ) : null;

  return (
    <section aria-labelledby="wrap-up-title" data-testid="wrap-up" className="flex flex-col gap-2 rounded-lg border-2 border-sky-400 bg-sky-50 p-3">
      <h2 id="wrap-up-title" className="text-lg font-semibold">
        {t("title")} <span className="text-sm font-normal text-slate-600">{t("call", { caller })}</span>
      </h2>
      <form ref={formRef} onSubmit={submit} noValidate className="flex flex-col gap-2">
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t("topic")}
          <select
            data-testid="wrap-up-topic"
            value={form.topic}
            required={topicRequired}
            onChange={(event) => setForm({ ...form, topic: event.target.value })}
            className="rounded border border-slate-300 px-2 py-1.5 font-normal aria-[invalid=true]:border-red-600"
            {...field("topic")}
          >
            <option value="">{t("noTopic")}</option>
            {topics.map((topic) => (
              <option key={topic} value={topic}>
                {topic}
              </option>
            ))}
          </select>
        </label>
        {error("topic")}
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t("outcome")}
          <select
            data-testid="wrap-up-outcome"
            value={form.outcomeDetail}
            required
            onChange={(event) => setForm({ ...form, outcomeDetail: event.target.value })}
            className="rounded border border-slate-300 px-2 py-1.5 font-normal aria-[invalid=true]:border-red-600"
            {...field("outcomeDetail")}
          >
            <option value="">{t("chooseOutcome")}</option>
            {WRAP_UP_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {t(`outcomes.${outcome}`)}
              </option>
            ))}
          </select>
        </label>
        {error("outcomeDetail")}
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t("notes")}
          <textarea
            data-testid="wrap-up-notes"
            dir="auto"
            rows={3}
            maxLength={2000}
            value={form.notes}
            onChange={(event) => setForm({ ...form, notes: event.target.value })}
            className="rounded border border-slate-300 px-2 py-1.5 font-normal aria-[invalid=true]:border-red-600"
            {...field("notes")}
          />
        </label>
        {error("notes")}
        <p className="text-sm">
          <span className="font-medium">{t("answersUsed")}: </span>
          <span data-testid="wrap-up-answers">{payload.answerIds.length > 0 ? payload.answerIds.map((id) => `#${id}`).join(", ") : t("noAnswers")}</span>
        </p>
        {error("form")}
        <div className="flex items-center gap-3">
          <button type="submit" data-testid="wrap-up-done" disabled={saving} aria-keyshortcuts="Control+Enter" className={`${BUTTON} bg-brand-700 text-white hover:bg-brand-800`}>
            {saving ? t("saving") : t("done")}
          </button>
          {extendS !== null && (
            <button
              type="button"
              data-testid="wrap-up-extend"
              disabled={extended}
              onClick={() => void extend()}
              aria-keyshortcuts="Alt+E"
              className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100`}
            >
              {extended ? t("extended") : t("extend")}
            </button>
          )}
          {kept && (
            <span role="status" className="text-xs text-slate-500">
              {t("draftSaved")}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
