import Link from "next/link";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { listQueues } from "../../db/queries/queues";
import { direction, isLocale } from "../../server/i18n/locales";
import { buildCallReport, WAIT_BANDS_S, type CallFigures } from "../../server/reports/call-report";
import { PERIOD_PRESETS } from "../../server/reports/period";
import { reportScopeOf } from "../../server/reports/report-request";
import { durationText, type ReviewTranslator } from "../../server/reports/review-text";
import { isUnderstaffed } from "../../server/reports/week-review";
import { getServices } from "../../server/runtime-registry";
import { ListTable } from "../admin/queues/page-parts";
import { AppShell } from "../components/app-shell";
import { requireRole } from "../lib/auth";
import { LazyBarChart } from "./lazy-bar-chart";

export async function generateMetadata() {
  return { title: (await getTranslations("reports"))("title") };
}

type Params = Record<string, string | string[] | undefined>;

const single = (params: Params) => Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));
  return search.size ? `?${search}` : "";
};
const input = "rounded border border-slate-300 px-2 py-1.5 text-sm";
const ANSWERED_COLOR = "#1d5fd1";
const ABANDONED_COLOR = "#dc2626";

/** Reports of a period (supervisors): volume, service, staffing by hour with Erlang C, operators, numbers, topics. */
export default async function ReportsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireRole("supervisor", "/reports");
  const t = await getTranslations("reports");
  const tAll = (await getTranslations()) as unknown as ReviewTranslator;
  const format = await getFormatter();
  const locale = await getLocale();
  const rtl = isLocale(locale) && direction(locale) === "rtl";
  const services = getServices();
  const db = services.database.db;
  const params = single(await searchParams);
  const scope = reportScopeOf(params, services.config.TIMEZONE);
  const queues = await listQueues(db);
  const report = await buildCallReport(db, scope.period, scope.queue);
  const s = report.summary;
  const periodParams = { from: scope.period.fromDay, to: scope.period.toDay, queue: scope.queue };
  const percent = (value: number | null) => (value === null ? "—" : format.number(value, { style: "percent", maximumFractionDigits: 1 }));
  const seconds = (value: number | null) => (value === null ? "—" : durationText(value, tAll, locale));
  const maxHeat = Math.max(1, ...report.byWeekdayHour.map((cell) => cell.calls));
  const heat = new Map(report.byWeekdayHour.map((cell) => [cell.key, cell.calls]));
  const bandLabels = [0, ...WAIT_BANDS_S].map((low, i, all) => (i === all.length - 1 ? `> ${low} s` : `${low}–${all[i + 1]} s`));

  const kpis: Array<[string, string, string, string?]> = [
    ["offered", t("offered"), format.number(s.offered)],
    ["answered", t("answered"), format.number(s.answered)],
    ["abandoned", t("abandoned"), format.number(s.abandoned)],
    ["short-abandoned", t("shortAbandoned"), format.number(s.shortAbandoned)],
    ["service-level", t("serviceLevel"), percent(s.serviceLevel), t("serviceLevelHint", { seconds: s.slThresholdSeconds, target: percent(report.targetLevel) })],
    ["asa", t("asa"), seconds(s.asaSeconds)],
    ["aht", t("aht"), seconds(s.ahtSeconds)],
    ["abandon-rate", t("abandonRate"), percent(s.abandonRate)],
    ["longest-wait", t("longestWait"), seconds(s.longestWaitSeconds)],
    ["closed", t("closed"), format.number(s.closed)],
    ["callbacks", t("callbacks"), `${format.number(report.callbacks.requested)} / ${format.number(report.callbacks.done)}`],
  ];
  const figureHeaders = [t("calls"), t("answered"), t("abandoned"), t("serviceLevel"), t("asa"), t("aht"), t("couldNotHelp")];
  const figureCells = (row: CallFigures) => (
    <>
      <td className="p-3 tabular-nums">{format.number(row.calls)}</td>
      <td className="p-3 tabular-nums">{format.number(row.answered)}</td>
      <td className="p-3 tabular-nums">{format.number(row.abandoned)}</td>
      <td className="p-3 tabular-nums">{percent(row.serviceLevel)}</td>
      <td className="p-3 tabular-nums">{seconds(row.asaSeconds)}</td>
      <td className="p-3 tabular-nums">{seconds(row.ahtSeconds)}</td>
      <td className="p-3 tabular-nums">{format.number(row.couldNotHelp)}</td>
    </>
  );
  const section = (id: string, title: string, children: ReactNode) => (
    <section className="mt-8" aria-labelledby={`${id}-title`} data-testid={`section-${id}`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );

  return (
    <AppShell user={user} active="reports">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro", { zone: scope.period.zone })}</p>

      <nav aria-label={t("period")} className="mt-4 flex flex-wrap gap-2 text-sm">
        {PERIOD_PRESETS.map((preset) => (
          <Link
            key={preset}
            href={`/reports${query({ preset, queue: scope.queue })}`}
            aria-current={scope.preset === preset ? "page" : undefined}
            className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 aria-[current=page]:bg-brand-50 aria-[current=page]:font-medium"
            data-testid={`preset-${preset}`}
          >
            {t(`presets.${preset}`)}
          </Link>
        ))}
      </nav>
      <form method="get" className="mt-3 flex flex-wrap items-end gap-3" data-testid="report-period">
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {t("from")}
          <input type="date" name="from" defaultValue={scope.period.fromDay} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {t("to")}
          <input type="date" name="to" defaultValue={scope.period.toDay} className={input} />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
          {t("queue")}
          <select name="queue" defaultValue={scope.queue ?? ""} className={input}>
            <option value="">{t("allQueues")}</option>
            {queues.map((queue) => (
              <option key={queue.id} value={queue.name}>
                {queue.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
          {t("apply")}
        </button>
        {scope.errors && (
          <p className="text-sm text-red-700" role="alert" data-testid="period-error">
            {tAll(Object.values(scope.errors)[0]!)}
          </p>
        )}
      </form>
      <p className="mt-3 flex flex-wrap gap-4 text-sm">
        <span className="font-medium" data-testid="report-showing">
          {t("showing", { from: scope.period.fromDay, to: scope.period.toDay })}
        </span>
        <a href={`/api/reports/export${query({ ...periodParams, format: "xlsx" })}`} className="underline" data-testid="report-export-xlsx">
          {t("exportXlsx")}
        </a>
        <a href={`/api/reports/export${query({ ...periodParams, format: "csv" })}`} className="underline" data-testid="report-export-csv">
          {t("exportCsv")}
        </a>
        <Link href={`/reports/review${query(periodParams)}`} className="underline" data-testid="open-review">
          {t("openReview")}
        </Link>
      </p>

      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" data-testid="report-kpis">
        {kpis.map(([key, label, value, hint]) => (
          <div key={key} className="rounded-lg border border-slate-200 bg-white p-3" data-testid={`kpi-${key}`}>
            <dt className="text-xs text-slate-600">{label}</dt>
            <dd className="text-xl font-semibold tabular-nums">{value}</dd>
            {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
          </div>
        ))}
      </dl>

      {s.calls === 0 ? (
        <p className="mt-6 text-slate-600" data-testid="report-empty">
          {t("none")}
        </p>
      ) : (
        <>
          {section(
            "by-day",
            t("byDay"),
            <LazyBarChart
              testId="chart-by-day"
              title={t("byDay")}
              rtl={rtl}
              labels={report.byDay.map((d) => d.key)}
              series={[
                { label: t("answered"), values: report.byDay.map((d) => d.answered), color: ANSWERED_COLOR },
                { label: t("abandoned"), values: report.byDay.map((d) => d.abandoned), color: ABANDONED_COLOR },
              ]}
            />,
          )}
          {section(
            "by-hour",
            t("byHour"),
            <LazyBarChart
              testId="chart-by-hour"
              title={t("byHour")}
              rtl={rtl}
              labels={report.byHourOfDay.map((h) => `${h.key}:00`)}
              series={[
                { label: t("answered"), values: report.byHourOfDay.map((h) => h.answered), color: ANSWERED_COLOR },
                { label: t("abandoned"), values: report.byHourOfDay.map((h) => h.abandoned), color: ABANDONED_COLOR },
              ]}
            />,
          )}
          {section(
            "heatmap",
            t("heatmap"),
            <div className="mt-2 overflow-x-auto">
              <table className="text-xs" data-testid="heatmap">
                <thead>
                  <tr>
                    <th className="p-1" />
                    {Array.from({ length: 24 }, (_, hour) => (
                      <th key={hour} className="p-1 font-normal text-slate-500">
                        {String(hour).padStart(2, "0")}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {[1, 2, 3, 4, 5, 6, 7].map((weekday) => (
                    <tr key={weekday}>
                      <th className="p-1 text-start font-medium">{t(`weekdays.${weekday}`)}</th>
                      {Array.from({ length: 24 }, (_, hour) => {
                        const calls = heat.get(`${weekday}-${String(hour).padStart(2, "0")}`) ?? 0;
                        return (
                          <td key={hour} className="h-6 w-7 text-center tabular-nums" style={{ backgroundColor: calls ? `rgba(29, 95, 209, ${0.1 + (0.9 * calls) / maxHeat})` : undefined, color: calls / maxHeat > 0.5 ? "white" : undefined }}>
                            {calls || ""}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>,
          )}
          {section(
            "wait-bands",
            t("waitBands"),
            <>
              <LazyBarChart
                testId="chart-wait-bands"
                title={t("waitBands")}
                rtl={rtl}
                labels={bandLabels}
                series={[
                  { label: t("answered"), values: bandLabels.map((_, i) => s.answeredWaitBands[i] ?? 0), color: ANSWERED_COLOR },
                  { label: t("abandoned"), values: bandLabels.map((_, i) => s.abandonedWaitBands[i] ?? 0), color: ABANDONED_COLOR },
                ]}
              />
              <ListTable testId="wait-bands" headers={[t("band"), t("answered"), t("abandoned")]} rowCount={bandLabels.length} narrow>
                {bandLabels.map((label, i) => (
                  <tr key={label} className="border-b border-slate-100">
                    <td className="p-3"><bdi dir="ltr">{label}</bdi></td>
                    <td className="p-3 tabular-nums">{format.number(s.answeredWaitBands[i] ?? 0)}</td>
                    <td className="p-3 tabular-nums">{format.number(s.abandonedWaitBands[i] ?? 0)}</td>
                  </tr>
                ))}
              </ListTable>
            </>,
          )}
          {section(
            "staffing",
            t("staffing"),
            <>
              <p className="mt-1 max-w-3xl text-sm text-slate-600">{t("staffingIntro", { target: percent(report.targetLevel), seconds: s.slThresholdSeconds })}</p>
              <ListTable testId="staffing" headers={[t("hour"), t("offered"), t("needed"), t("loggedIn")]} rowCount={report.staffing.length} narrow>
                {report.staffing.map((hour) => (
                  <tr key={hour.slot} className={`border-b border-slate-100 ${isUnderstaffed(hour) ? "bg-red-50" : ""}`} data-testid="staffing-row" data-understaffed={isUnderstaffed(hour)}>
                    <td className="p-3 tabular-nums"><bdi dir="ltr">{hour.slot.replace("T", " ")}:00</bdi></td>
                    <td className="p-3 tabular-nums">{format.number(hour.offered)}</td>
                    <td className="p-3 tabular-nums">{hour.needed === null ? "—" : format.number(hour.needed)}</td>
                    <td className="p-3 tabular-nums">
                      {format.number(hour.loggedIn)}
                      {isUnderstaffed(hour) && <span className="ms-2 text-xs font-medium text-red-700">{t("understaffed")}</span>}
                    </td>
                  </tr>
                ))}
              </ListTable>
            </>,
          )}
          {section(
            "queues",
            t("byQueue"),
            <ListTable testId="by-queue" headers={[t("queue"), ...figureHeaders]} rowCount={report.byQueue.length}>
              {report.byQueue.map((row) => (
                <tr key={row.key} className="border-b border-slate-100">
                  <td className="p-3">{row.name || "—"}</td>
                  {figureCells(row)}
                </tr>
              ))}
            </ListTable>,
          )}
          {section(
            "operators",
            t("byOperator"),
            <ListTable
              testId="by-operator"
              headers={[t("name"), ...figureHeaders, t("talk"), t("wrapUp"), t("missedOffers"), t("share"), t("loggedInTime"), t("pausedTime"), t("occupancy")]}
              rowCount={report.byOperator.length}
            >
              {report.byOperator.map((row) => (
                <tr key={row.key} className="border-b border-slate-100">
                  <td className="p-3">{row.name}</td>
                  {figureCells(row)}
                  <td className="p-3 tabular-nums">{seconds(row.talkSeconds)}</td>
                  <td className="p-3 tabular-nums">{seconds(row.wrapUpSeconds)}</td>
                  <td className="p-3 tabular-nums">{format.number(row.missedOffers)}</td>
                  <td className="p-3 tabular-nums">{percent(s.answered ? row.answered / s.answered : null)}</td>
                  <td className="p-3 tabular-nums">{row.time ? seconds(row.time.loggedInS) : "—"}</td>
                  <td className="p-3 tabular-nums" title={row.time ? Object.entries(row.time.pausedByReason).map(([reason, time]) => `${reason || "—"}: ${seconds(time)}`).join(", ") : undefined}>
                    {row.time ? seconds(row.time.pausedS) : "—"}
                  </td>
                  <td className="p-3 tabular-nums">{percent(row.time?.occupancy ?? null)}</td>
                </tr>
              ))}
            </ListTable>,
          )}
          {section(
            "topics",
            t("byTopic"),
            <ListTable testId="by-topic" headers={[t("topic"), ...figureHeaders]} rowCount={report.byTopic.length}>
              {report.byTopic.map((row) => (
                <tr key={row.key} className="border-b border-slate-100">
                  <td className="p-3">{row.key || t("noTopic")}</td>
                  {figureCells(row)}
                </tr>
              ))}
            </ListTable>,
          )}
          {section(
            "numbers",
            t("byNumber"),
            <ListTable testId="by-number" headers={[t("number"), t("label"), ...figureHeaders]} rowCount={report.byNumber.length}>
              {report.byNumber.map((row) => (
                <tr key={row.key} className="border-b border-slate-100">
                  <td className="p-3"><bdi dir="ltr">{row.key}</bdi></td>
                  <td className="p-3">{row.label ?? "—"}</td>
                  {figureCells(row)}
                </tr>
              ))}
            </ListTable>,
          )}
          {report.answersUsed.length > 0 &&
            section(
              "answers",
              t("answersUsed"),
              <ListTable testId="answers-used" headers={[t("topic"), t("answersUsed"), t("uses")]} rowCount={report.answersUsed.length}>
                {report.answersUsed.map((row) => (
                  <tr key={row.answerId} className="border-b border-slate-100">
                    <td className="p-3">{row.topic}</td>
                    <td className="p-3" dir="auto">{row.question}</td>
                    <td className="p-3 tabular-nums">{format.number(row.uses)}</td>
                  </tr>
                ))}
              </ListTable>,
            )}
        </>
      )}
    </AppShell>
  );
}
