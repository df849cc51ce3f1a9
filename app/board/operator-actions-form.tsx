"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import type { OperatorActionResult } from "../../server/board/operator-actions";
import type { PauseReasonOption } from "../components/use-reason-label";
import type { BoardSocket } from "../lib/socket";

/**
 * A supervisor's actions on one operator (pause with a reason, resume, log out of the queues), each with the
 * supervisor's own reason, which the server validates and logs.
 */
export function OperatorActionsForm({ userId, name, socket, pauseReasons, reasonLabel }: {
  userId: number;
  name: string;
  socket: () => BoardSocket | undefined;
  pauseReasons: readonly PauseReasonOption[];
  reasonLabel: (code: string) => string;
}) {
  const t = useTranslations("boardQueues");
  const [result, setResult] = useState<OperatorActionResult | undefined>();
  const [action, setAction] = useState<"pause" | "resume" | "logout">("pause");
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
          </select>
        </label>
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
