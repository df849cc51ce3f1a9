"use client";

import { useTranslations } from "next-intl";
import { HoursState } from "../components/hours-state";
import { useDeskSocket } from "./desk-socket";

/**
 * The hours of the operator's queues (issue 11), live: pushed by the server at each opening and closing. An operator
 * who is available while every one of their queues is closed is told that no call will come.
 */
export function DeskHours({ zone }: { zone: string }) {
  const t = useTranslations("queueHoursLive");
  const { hours, operator } = useDeskSocket();
  if (!hours || hours.queues.length === 0) return null;
  return (
    <section className="mt-2" aria-label={t("title")} data-testid="desk-hours">
      <ul className="flex flex-wrap gap-2">
        {hours.queues.map((q) => (
          <li key={q.queueId} className="flex items-center gap-1 text-sm" data-testid="desk-queue-hours" data-queue={q.name}>
            <span className="font-medium">{q.name}</span>
            <HoursState hours={q.hours} zone={zone} />
          </li>
        ))}
      </ul>
      {hours.allClosed && operator?.status === "available" && (
        <p role="status" className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900" data-testid="desk-all-closed">
          {t("allClosed")}
        </p>
      )}
    </section>
  );
}
