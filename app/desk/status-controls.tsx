"use client";

import { useTranslations } from "next-intl";
import { useState, useTransition } from "react";
import { useReasonLabel, type PauseReasonOption } from "../components/use-reason-label";
import type { OperatorStatus } from "../../server/realtime/events";
import { useDeskSocket, type StatusResult } from "./desk-socket";
import { BUTTON, RAW_BADGE } from "./desk-styles";
import { ElapsedTime } from "./elapsed-time";


const STATUS_COLOR: Record<OperatorStatus, string> = {
  offline: "bg-slate-400",
  available: "bg-green-600",
  offered: "bg-amber-500",
  "on-call": "bg-brand-600",
  "wrap-up": "bg-violet-600",
  paused: "bg-orange-600",
};

/**
 * The operator's routing state (pushed by the server over the shared desk socket) and the two
 * things an operator decides: go available, or pause with a reason. The server is the authority:
 * the shown status only changes when it pushes `operator:state`, never optimistically.
 */
export function StatusControls({ pauseReasons }: { pauseReasons: readonly PauseReasonOption[] }) {
  const t = useTranslations("operatorStatus");
  const { connection, operator, setStatus } = useDeskSocket();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const connected = connection === "connected";

  const send = (request: Parameters<typeof setStatus>[0]) =>
    startTransition(async () => {
      setError(undefined);
      const result: StatusResult = await setStatus(request);
      if (!result.ok) setError(result.error);
    });

  const reasonLabel = useReasonLabel(pauseReasons);
  const paused = operator?.status === "paused";

  return (
    <section aria-labelledby="status-title" className="flex flex-col gap-3">
      <h2 id="status-title" className="text-lg font-semibold">
        {t("title")}
      </h2>

      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" role="status" aria-live="polite">
        <span className="text-slate-600">{t("label")}:</span>
        {operator ? (
          <>
            <span className={`inline-block h-2.5 w-2.5 rounded-full ${STATUS_COLOR[operator.status]}`} aria-hidden />
            <span className="font-medium">{t(`status.${operator.status}`)}</span>
            {paused && operator.reason && (
              <span className="text-slate-600" data-testid="status-reason">
                {t("pausedBecause", { reason: reasonLabel(operator.reason) })}
              </span>
            )}
            <ElapsedTime since={operator.since} label={t("timeInStatus")} testId="status-elapsed" />
            {operator.onShift !== undefined && (
              <span className="text-slate-600" data-testid="status-shift">
                {operator.onShift ? t("onShift") : t("offShift")}
              </span>
            )}
          </>
        ) : (
          <span className="text-slate-500">{t("unknown")}</span>
        )}
        {/* Machine-readable for tests and tools; the translated label is the line above. */}
        <span data-testid="operator-status" className={RAW_BADGE} aria-hidden>
          {operator?.status ?? ""}
        </span>
      </div>

      {operator?.pendingPause && (
        <p data-testid="pending-pause" className="text-sm text-slate-700">
          {operator.pendingPause.position === undefined
            ? t("pendingPause.afterCall", { reason: reasonLabel(operator.pendingPause.reason) })
            : t("pendingPause.waiting", { reason: reasonLabel(operator.pendingPause.reason), position: operator.pendingPause.position })}
        </p>
      )}

      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          data-testid="status-available"
          // Also withdraws a pause still waiting to start.
          disabled={!connected || pending || (operator?.status === "available" && !operator.pendingPause)}
          onClick={() => send({ status: "available" })}
          className={`${BUTTON} bg-green-700 text-white hover:bg-green-800`}
        >
          {t("goAvailable")}
        </button>
        <label className="flex items-center gap-2 text-sm">
          <span className="sr-only">{t("pause")}</span>
          <select
            data-testid="pause"
            aria-label={t("pause")}
            disabled={!connected || pending}
            // Reasons the server sets itself (missed calls, shift ended…) are not choices: the select shows none then.
            value={paused ? (pauseReasons.find((r) => r.code === operator?.reason)?.code ?? "") : ""}
            onChange={(event) => {
              if (event.target.value) send({ status: "paused", reason: event.target.value });
            }}
            className="rounded border border-slate-300 bg-white px-3 py-2 disabled:opacity-50"
          >
            <option value="" disabled>
              {t("pauseChoose")}
            </option>
            {pauseReasons.map((reason) => (
              <option key={reason.code} value={reason.code}>
                {reasonLabel(reason.code)}
              </option>
            ))}
          </select>
        </label>
      </div>

      {error && (
        <p role="alert" data-testid="status-error" className="text-sm text-red-700">
          {error === "disconnected" || error === "timeout" ? t(`error.${error}`) : t("error.other", { error })}
        </p>
      )}

      {operator && connected && !operator.presence.sipRegistered && (
        <p data-testid="presence-warning" className="text-sm text-amber-800">
          {t("presence.sip")}
        </p>
      )}
      {connection === "disconnected" && (
        <p data-testid="presence-warning" className="text-sm text-amber-800">
          {t("presence.socket")}
        </p>
      )}
    </section>
  );
}
