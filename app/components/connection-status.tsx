"use client";

import { useTranslations } from "next-intl";

export type ConnectionState = "connecting" | "connected" | "disconnected";

export function ConnectionStatus({ state }: { state: ConnectionState }) {
  const t = useTranslations("desk");
  const color = state === "connected" ? "bg-green-600" : state === "connecting" ? "bg-amber-500" : "bg-red-600";
  return (
    <p className="flex items-center gap-2 text-sm" role="status" aria-live="polite">
      <span className={`inline-block h-2.5 w-2.5 rounded-full ${color}`} aria-hidden />
      <span>{t("connection")}:</span>
      <span data-testid="connection-state" data-state={state}>
        {t(state)}
      </span>
    </p>
  );
}
