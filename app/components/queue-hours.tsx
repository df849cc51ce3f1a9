import { getLocale, getTranslations } from "next-intl/server";
import { queueHours } from "../../server/hours/hours-overview";
import { getServices } from "../../server/runtime-registry";

/**
 * Hours (issue 11): each queue's state by its numbers' schedules, "open" or "closed until Monday 09:00", as the page
 * was loaded (board and desk). Nothing when no number has hours.
 */
export async function QueueHours() {
  const services = getServices();
  const t = await getTranslations("hours");
  const locale = await getLocale();
  const queues = await queueHours(services.database.db, services.config.TIMEZONE, new Date());
  if (queues.length === 0) return null;
  const when = (ms: number, zone: string) => new Intl.DateTimeFormat(locale, { weekday: "long", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(ms);
  return (
    <ul className="mt-2 flex flex-wrap gap-2 text-sm" aria-label={t("title")} data-testid="queue-hours">
      {queues.map((q) => (
        <li key={q.queue} className={`rounded px-2 py-0.5 ${q.open ? "bg-green-50 text-green-800" : "bg-slate-100 text-slate-700"}`} data-testid="queue-hours-state" data-open={q.open}>
          <span className="font-medium">{q.queue}</span>:{" "}
          {q.open ? t("queueOpen") : q.until === undefined ? t("queueClosedNoOpening") : t("queueClosed", { time: when(q.until, q.zone) })}
        </li>
      ))}
    </ul>
  );
}
