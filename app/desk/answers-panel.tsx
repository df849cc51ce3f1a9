"use client";

import { useTranslations } from "next-intl";
import { useCallback, useState, type RefObject } from "react";
import type { AnswerHit } from "../../db/queries/answers";
import { CopyButton } from "../components/copy-button";
import { SearchField } from "../components/search-field";
import { markAnswerUsedAction, searchAnswersAction } from "./actions";
import { useSearch } from "./use-search";

/**
 * Prepared answers found as the operator types (in every language, the call's queue first). Each result can be
 * copied or marked used (counted for the answer and, during a call, for that call and its wrap-up).
 */
export default function AnswersPanel({
  queueId,
  callId,
  inputRef,
  onUsed,
}: {
  queueId: number | null;
  callId: string | null;
  inputRef: RefObject<HTMLInputElement | null>;
  onUsed: (answerId: number) => void;
}) {
  const t = useTranslations("workspace.answers");
  const [text, setText] = useState("");
  const [used, setUsed] = useState<Set<number>>(new Set());
  const search = useCallback((q: string) => searchAnswersAction(q, queueId), [queueId]);
  const { results } = useSearch<AnswerHit>(text, search);
  const markUsed = async (id: number) => {
    if (await markAnswerUsedAction(id, callId)) {
      setUsed((previous) => new Set(previous).add(id));
      onUsed(id);
    }
  };
  return (
    <section aria-labelledby="answers-search-title" className="flex flex-col gap-2">
      <SearchField
        id="answers-search"
        title={t("title")}
        label={t("search")}
        placeholder={t("placeholder")}
        shortcut="/"
        value={text}
        onChange={setText}
        inputRef={inputRef}
      />
      {text.trim().length >= 2 && results.length === 0 && <p className="text-sm text-slate-600">{t("none")}</p>}
      <ul className="flex max-h-72 flex-col gap-2 overflow-y-auto" aria-live="polite">
        {results.map((hit) => (
          <li key={hit.id} data-testid="answer-result" data-answer-id={hit.id} lang={hit.locale} dir="auto" className="rounded border border-slate-200 p-2 text-sm">
            <p className="text-xs text-slate-500">
              {t("topic")}: {hit.topic}
            </p>
            <p className="font-medium">{hit.question}</p>
            {hit.sensitive && (
              <p role="note" className="mt-1 rounded bg-amber-50 px-2 py-1 text-amber-900">
                {t("sensitive")}
              </p>
            )}
            {hit.variants.map((variant, index) => (
              <p key={index} className="mt-1 whitespace-pre-line">
                {variant}
              </p>
            ))}
            <div className="mt-2 flex gap-2">
              <CopyButton text={hit.variants[0] ?? ""} label={t("copy")} done={t("copied")} />
              <button
                type="button"
                data-testid="answer-used"
                disabled={used.has(hit.id)}
                onClick={() => void markUsed(hit.id)}
                className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-60"
              >
                {used.has(hit.id) ? t("markedUsed") : t("used")}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
