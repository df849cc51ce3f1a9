import { getLocale, getTranslations } from "next-intl/server";
import { hoursOverview, type ScheduleView } from "../../../server/hours/hours-overview";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { requireRole } from "../../lib/auth";
import { ListTable } from "../queues/page-parts";
import { ExceptionForm, NumberForm, RemoveExceptionForm, ScheduleForm } from "./hours-forms";
import { PromptForm } from "./prompt-form";
import { promptTexts } from "../../../server/hours/prompt-texts";
import { limitMessageValues } from "../../../server/forms/upload-limits";

export async function generateMetadata() {
  return { title: (await getTranslations("hours"))("title") };
}

/** Operating hours: schedules (weekly hours, periods, closures, the next opening) and each number's settings. */
export default async function HoursPage() {
  const me = await requireRole("admin", "/admin/hours");
  const t = await getTranslations("hours");
  const locale = await getLocale();
  const services = getServices();
  const defaultZone = services.config.TIMEZONE;
  const { schedules, numbers } = await hoursOverview(services.database.db, defaultZone, new Date());
  const when = (ms: number, zone: string) =>
    new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(ms);
  const stateText = (s: ScheduleView) => {
    const zone = s.zone ?? defaultZone;
    if (s.state.open) return s.state.until === undefined ? t("open") : t("openUntil", { time: when(s.state.until, zone) });
    const closed = s.state.until === undefined ? t("closedNoOpening") : t("closedUntil", { time: when(s.state.until, zone) });
    return s.state.closure ? `${t("closure", { reason: s.state.closure })} — ${closed}` : closed;
  };
  const names = schedules.map((s) => s.name);

  return (
    <AppShell user={me} active="hours">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>

      <h2 className="mt-6 text-lg font-medium">{t("schedules")}</h2>
      <ListTable testId="schedules-table" headers={[t("name"), t("weekly"), t("zone"), t("state"), t("exceptions")]} rowCount={schedules.length} empty={t("none")}>
        {schedules.map((s) => (
          <tr key={s.id} className="border-b border-slate-100 align-top" data-testid="schedule-row" data-name={s.name}>
            <td className="p-3 font-medium">{s.name}</td>
            <td className="p-3">
              <span dir="ltr" data-testid="schedule-weekly">
                {s.weekly}
              </span>
            </td>
            <td className="p-3"><bdi dir="ltr">{s.zone ?? defaultZone}</bdi></td>
            <td className="p-3" data-testid="schedule-state" data-open={s.state.open}>
              {stateText(s)}
            </td>
            <td className="p-3">
              <ul className="flex flex-col gap-2">
                {s.exceptions.map((e) => {
                  const label = `${e.kind === "period" ? t("period") : t("closureKind")} ${e.from}–${e.to}${e.hours ? ` ${e.hours}` : ""}${e.reason ? ` (${e.reason})` : ""}`;
                  return (
                    <li key={e.id} className="flex items-center gap-2" data-testid="exception" data-kind={e.kind}>
                      <span dir="auto">{label}</span>
                      <RemoveExceptionForm id={e.id} label={`${t("remove")}: ${label}`} />
                    </li>
                  );
                })}
              </ul>
            </td>
          </tr>
        ))}
      </ListTable>
      <ScheduleForm defaultZone={defaultZone} />
      {names.length > 0 && (
        <>
          <h2 className="mt-8 text-lg font-medium">{t("addClosure")} / {t("addPeriod")}</h2>
          <ExceptionForm schedules={names} />
        </>
      )}

      <h2 className="mt-8 text-lg font-medium">{t("numbers")}</h2>
      <ul className="mt-3 flex flex-col gap-4">
        {numbers.map((n) => (
          <li key={n.id} className="rounded-lg border border-slate-200 bg-white p-4" data-testid="number-hours" data-number={n.number}>
            <p className="mb-2 font-medium">
              <span dir="ltr">{n.number}</span> <span className="text-slate-600">({t("queue")}: {n.queue})</span>
            </p>
            <NumberForm number={n.number} schedules={names} values={n.values} />
          </li>
        ))}
      </ul>

      <h2 className="mt-8 text-lg font-medium">{t("prompts")}</h2>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">{t("promptsIntro", limitMessageValues("hours.promptsIntro"))}</p>
      <PromptForm prompts={Object.keys(promptTexts("en"))} />
    </AppShell>
  );
}
