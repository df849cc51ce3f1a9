"use client";

import { useTranslations } from "next-intl";
import { fillPlaceholders, partOfDay } from "../../server/scripts/placeholders";
import type { CallContext } from "../../server/desk/call-context-types";

/**
 * The conversation script of the call's queue, filled in (`{time_of_day_greeting}` from the operator's own
 * clock), with the current step highlighted; "Next step" (Alt+N) moves on.
 */
export function ScriptPanel({ context, step, onNext }: { context?: CallContext; step: number; onNext: () => void }) {
  const t = useTranslations("workspace.script");
  if (!context) {
    return (
      <section aria-labelledby="script-title">
        <h2 id="script-title" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="text-sm text-slate-600">{t("waiting")}</p>
      </section>
    );
  }
  const values = { ...context.script.values, time_of_day_greeting: t(partOfDay(new Date().getHours())) };
  const steps = context.script.steps.map((text) => fillPlaceholders(text, values));
  return (
    <section aria-labelledby="script-title" className="flex flex-col gap-2">
      <div className="flex items-center justify-between gap-2">
        <h2 id="script-title" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <button
          type="button"
          onClick={onNext}
          disabled={step >= steps.length - 1}
          aria-keyshortcuts="Alt+N"
          data-testid="script-next"
          className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-50"
        >
          {t("next")}
        </button>
      </div>
      <ol data-testid="script" className="flex flex-col gap-1">
        {steps.map((text, index) => (
          <li
            key={index}
            aria-current={index === step ? "step" : undefined}
            data-testid="script-step"
            className="rounded border-s-4 border-transparent px-2 py-1 text-sm text-slate-600 aria-[current=step]:border-brand-600 aria-[current=step]:bg-brand-50 aria-[current=step]:font-medium aria-[current=step]:text-slate-900"
          >
            {index === step && <span className="sr-only">{t("current")}: </span>}
            {text}
          </li>
        ))}
      </ol>
    </section>
  );
}
