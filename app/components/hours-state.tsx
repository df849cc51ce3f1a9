"use client";

import { useLocale, useTranslations } from "next-intl";
import type { QueueHoursState } from "../../server/hours/number-hours";

/**
 * A queue's operating hours (issue 11) as a small badge: "Open until 18:00", "Closed until Monday 09:00", "Holiday
 * (Christmas) — closed until …". Live on the board's queue panels and on the desk (pushed at each boundary).
 */
export function HoursState({ hours, zone, testId = "hours-state" }: { hours: QueueHoursState; zone: string; testId?: string }) {
  const t = useTranslations("queueHoursLive");
  const locale = useLocale();
  const when = (ms: number) => new Intl.DateTimeFormat(locale, { weekday: "long", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(ms);
  const text =
    hours.state === "open"
      ? hours.until === undefined
        ? t("open")
        : t("openUntil", { time: when(hours.until) })
      : `${hours.closure ? `${t("holiday", { reason: hours.closure })} — ` : ""}${hours.until === undefined ? t("closed") : t("closedUntil", { time: when(hours.until) })}`;
  return (
    <span
      className={`rounded px-2 py-0.5 text-sm ${hours.state === "open" ? "bg-green-50 text-green-800" : "bg-slate-100 text-slate-700"}`}
      data-testid={testId}
      data-state={hours.state}
      data-closure={hours.closure ?? ""}
    >
      {text}
    </span>
  );
}
