"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { MAX_DAY_LEVEL } from "../../server/board/day-queues";
import type { DayQueuesResult, OperatorActionResult, OperatorQueuesView } from "../../server/board/operator-actions";
import type { PauseReasonOption } from "../components/use-reason-label";
import type { BoardSocket } from "../lib/socket";

/**
 * A supervisor's actions on one operator (pause with a reason, resume, log out of the queues, their queues and levels
 * for today), each with the supervisor's own reason, which the server validates and logs.
 */
export function OperatorActionsForm({ userId, name, socket, pauseReasons, reasonLabel }: {
  userId: number;
  name: string;
  socket: () => BoardSocket | undefined;
  pauseReasons: readonly PauseReasonOption[];
  reasonLabel: (code: string) => string;
}) {
  const t = useTranslations("boardQueues");
  const [result, setResult] = useState<OperatorActionResult | DayQueuesResult | undefined>();
  const [action, setAction] = useState<"pause" | "resume" | "logout" | "queues">("pause");
  const [queues, setQueues] = useState<OperatorQueuesView | undefined>();
  useEffect(() => {
    if (action === "queues") socket()?.emit("operator:queues", userId, setQueues);
  }, [action, socket, userId, result]);
  return (
    <details data-testid="operator-actions">
      <summary className="cursor-pointer text-sm">{t("actTitle")}</summary>
      <form
        className="mt-2 flex flex-wrap items-end gap-2 text-sm"
        aria-label={t("actFor", { name })}
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const note = String(form.get("note") ?? "");
          if (action === "queues") {
            const usual = form.get("usual") === "on";
            const list = (queues?.queues ?? []).map((q) => ({ queueId: q.id, level: form.get(`level-${q.id}`) ? Number(form.get(`level-${q.id}`)) : null }));
            socket()?.emit("operator:set-queues", { userId, queues: usual ? [] : list, note }, setResult);
            return;
          }
          const request = action === "pause" ? { action, userId, pauseReason: String(form.get("pauseReason") ?? ""), note } : { action, userId, note };
          socket()?.emit("operator:act", request, setResult);
        }}
      >
        <label className="flex flex-col">
          {t("actAction")}
          <select name="action" value={action} onChange={(e) => setAction(e.target.value as typeof action)} className="rounded border border-slate-300 px-1" data-testid="operator-action">
            <option value="pause">{t("actPause")}</option>
            <option value="resume">{t("actResume")}</option>
            <option value="logout">{t("actLogout")}</option>
            <option value="queues">{t("actQueues")}</option>
          </select>
        </label>
        {action === "queues" && queues && (
          <fieldset className="flex w-full flex-col gap-1" data-testid="operator-day-queues">
            <legend className="text-xs text-slate-600">{queues.changed ? t("actQueuesChanged") : t("actQueuesHint")}</legend>
            {queues.queues.map((q) => (
              <label key={q.id} className="flex items-center gap-2">
                <span className="min-w-32">{q.name}</span>
                <select
                  name={`level-${q.id}`}
                  defaultValue={q.today === null ? "" : String(q.today)}
                  className="rounded border border-slate-300 px-1"
                  data-testid="operator-day-level"
                  data-queue={q.name}
                >
                  <option value="">{t("actQueueOff")}</option>
                  {Array.from({ length: MAX_DAY_LEVEL }, (_, i) => (
                    <option key={i + 1} value={String(i + 1)}>
                      {t("actQueueLevel", { level: i + 1 })}
                    </option>
                  ))}
                </select>
                <span className="text-xs text-slate-500">{q.usual === null ? t("actQueueUsualOff") : t("actQueueUsual", { level: q.usual })}</span>
              </label>
            ))}
            {queues.changed && (
              <label className="flex items-center gap-2">
                <input type="checkbox" name="usual" data-testid="operator-day-usual" />
                {t("actQueuesUsual")}
              </label>
            )}
          </fieldset>
        )}
        {action === "pause" && (
          <label className="flex flex-col">
            {t("actPauseReason")}
            <select name="pauseReason" className="rounded border border-slate-300 px-1" data-testid="operator-action-pause-reason">
              {pauseReasons.map((r) => (
                <option key={r.code} value={r.code}>
                  {reasonLabel(r.code)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="flex flex-col">
          {t("actNote")}
          <input name="note" required maxLength={200} className="rounded border border-slate-300 px-1" data-testid="operator-action-note" />
        </label>
        <button type="submit" className="rounded bg-slate-800 px-2 py-1 text-white" data-testid="operator-action-submit">
          {t("actSubmit")}
        </button>
        {result && (
          <span role="status" className={result.ok ? "text-green-800" : "text-red-700"} data-testid="operator-action-result">
            {result.ok ? t("actDone") : t(`actError.${result.error}`)}
          </span>
        )}
      </form>
    </details>
  );
}
