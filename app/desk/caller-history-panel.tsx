"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { HISTORY_FIRST, type CallContext } from "../../server/desk/call-context-types";

/** The caller's previous calls (last 10, then "more"), open callback requests, promises made and VIP label: the screen pop. */
export function CallerHistoryPanel({ context }: { context?: CallContext }) {
  const t = useTranslations("workspace.history");
  const outcomes = useTranslations("workspace.wrapUp.outcomes");
  const format = useFormatter();
  const [all, setAll] = useState(false);
  if (!context) return null;
  const history = context.history;
  return (
    <section aria-labelledby="history-title" data-testid="caller-history" className="flex flex-col gap-2">
      <h2 id="history-title" className="text-lg font-semibold">
        {t("title")}
      </h2>
      {!history ? (
        <p className="text-sm text-slate-600">{t("hidden")}</p>
      ) : (
        <>
          {history.vipLabel && (
            <p data-testid="caller-vip" className="w-fit rounded bg-amber-100 px-2 py-0.5 text-sm font-medium text-amber-900">
              {t("vip", { label: history.vipLabel })}
            </p>
          )}
          {history.callbacks.length > 0 && (
            <p data-testid="caller-callbacks" className="text-sm text-slate-700">
              {t("callbacks")}: {history.callbacks.map((c) => format.dateTime(new Date(c.requestedAt), { dateStyle: "short", timeStyle: "short" })).join(", ")}
            </p>
          )}
          {history.promises.length > 0 && (
            <div data-testid="caller-promises" className="rounded border border-amber-300 bg-amber-50 p-2 text-sm">
              <h3 className="font-medium">{t("promises")}</h3>
              <ul className="flex flex-col gap-1">
                {history.promises.map((call) => (
                  <li key={call.id} data-testid="promise-row">
                    <time dateTime={call.arrivedAt}>{format.dateTime(new Date(call.arrivedAt), { dateStyle: "short", timeStyle: "short" })}</time>
                    {" · "}
                    {call.outcomeDetail && outcomes.has(call.outcomeDetail) ? outcomes(call.outcomeDetail) : call.outcomeDetail}
                    {call.operator && ` · ${call.operator}`}
                    {call.notes && <span className="block whitespace-pre-line text-slate-700">{call.notes}</span>}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {history.calls.length === 0 ? (
            <p className="text-sm text-slate-600">{t("none")}</p>
          ) : (
            <ul className="flex max-h-56 flex-col gap-1 overflow-y-auto text-sm">
              {history.calls.slice(0, all ? undefined : HISTORY_FIRST).map((call) => (
                <li key={call.id} data-testid="history-row" className="rounded border border-slate-200 p-2">
                  <div className="flex flex-wrap gap-x-3 text-slate-700">
                    <time dateTime={call.arrivedAt}>{format.dateTime(new Date(call.arrivedAt), { dateStyle: "short", timeStyle: "short" })}</time>
                    {call.queue && <span data-testid="history-queue">{call.queue}</span>}
                    {call.operator && <span>{call.operator}</span>}
                  </div>
                  {(call.topic || call.outcomeDetail) && (
                    <div className="font-medium">
                      {call.topic}
                      {call.topic && call.outcomeDetail ? " · " : ""}
                      {call.outcomeDetail && outcomes.has(call.outcomeDetail) ? outcomes(call.outcomeDetail) : call.outcomeDetail}
                    </div>
                  )}
                  {call.notes && <p className="whitespace-pre-line text-slate-600">{call.notes}</p>}
                </li>
              ))}
            </ul>
          )}
          {!all && history.calls.length > HISTORY_FIRST && (
            <button type="button" onClick={() => setAll(true)} className="w-fit text-sm text-brand-700 underline">
              {t("more")}
            </button>
          )}
        </>
      )}
    </section>
  );
}
