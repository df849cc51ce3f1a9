import Link from "next/link";
import type { ReactNode } from "react";
import { getFormatter, getTranslations } from "next-intl/server";
import { listCallLog, listCallTopics } from "../../db/queries/call-log";
import { listHotlineNumbers, listQueues } from "../../db/queries/queues";
import { listUsers } from "../../db/queries/users";
import { CALL_DIRECTIONS, CALL_OUTCOMES } from "../../db/schema";
import { hasRole } from "../../server/auth/roles";
import { parseCallLogQuery } from "../../server/reports/call-log-request";
import { getServices } from "../../server/runtime-registry";
import { ListTable } from "../admin/queues/page-parts";
import { AppShell } from "../components/app-shell";
import { formatElapsed } from "../desk/format-elapsed";
import { requireRole } from "../lib/auth";

export async function generateMetadata() {
  return { title: (await getTranslations("callLog"))("title") };
}

type Params = Record<string, string | string[] | undefined>;

const single = (params: Params) => Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));

/** The query string of `params` with `changes` applied (undefined removes). */
function withParams(params: Record<string, string | undefined>, changes: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...params, ...changes })) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

const input = "rounded border border-slate-300 px-2 py-1.5 text-sm";

/**
 * The call log: every call (an operator: their own) with filters, sorting and keyset pages; each row opens the
 * call's detail. Supervisors export the filtered log as XLSX or CSV.
 */
export default async function CallsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireRole("operator", "/calls");
  const t = await getTranslations("callLog");
  const tv = await getTranslations("validation");
  const format = await getFormatter();
  const services = getServices();
  const db = services.database.db;
  const params = single(await searchParams);
  const parsed = parseCallLogQuery(params, user, services.config.TIMEZONE);
  const supervisor = hasRole(user.role, "supervisor");
  const [page, queues, numbers, operators, topics] = await Promise.all([
    parsed.ok ? listCallLog(db, parsed.filter, parsed.page).catch((error: unknown) => (error instanceof RangeError ? undefined : Promise.reject(error))) : undefined,
    listQueues(db),
    listHotlineNumbers(db),
    supervisor ? listUsers(db) : Promise.resolve([]),
    listCallTopics(db),
  ]);
  const errors = parsed.ok ? (page ? {} : { cursor: "validation.invalid" }) : parsed.errors;
  const rows = page?.rows ?? [];
  const labels = [...new Set(numbers.map((n) => n.label).filter((label): label is string => Boolean(label)))];
  const { cursor: _cursor, ...filterParams } = params;
  const exportHref = (format: "xlsx" | "csv") => `/api/calls/export${withParams(filterParams, { sort: undefined, order: undefined, limit: undefined, format })}`;

  const field = (name: string, label: string, control: ReactNode) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={`filter-${name}`} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {control}
      {errors[name] && (
        <p id={`filter-${name}-error`} className="text-xs text-red-700" data-testid={`error-${name}`}>
          {tv(errors[name]!.replace(/^validation\./, ""))}
        </p>
      )}
    </div>
  );
  const select = (name: string, options: Array<[string, string]>, any = t("any")) => (
    <select id={`filter-${name}`} name={name} defaultValue={params[name] ?? ""} className={input} aria-invalid={errors[name] ? true : undefined}>
      <option value="">{any}</option>
      {options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );

  return (
    <AppShell user={user} active="calls">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{supervisor ? t("intro") : t("introOwn")}</p>

      <form method="get" className="mt-4 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-4 lg:grid-cols-6" data-testid="call-filters" role="search">
        {field("from", t("from"), <input id="filter-from" type="date" name="from" defaultValue={params.from} className={input} />)}
        {field("to", t("to"), <input id="filter-to" type="date" name="to" defaultValue={params.to} className={input} />)}
        {field("queue", t("queue"), select("queue", queues.map((q) => [q.name, q.name])))}
        {field(
          "number",
          t("number"),
          select("number", [...numbers.map((n): [string, string] => [n.number, n.label ? `${n.number} (${n.label})` : n.number]), ...labels.map((label): [string, string] => [label, t("campaign", { label })])]),
        )}
        {supervisor && field("operator", t("operator"), select("operator", operators.map((u) => [u.username, u.displayName])))}
        {field("direction", t("direction"), select("direction", CALL_DIRECTIONS.map((d) => [d, t(`directions.${d}`)])))}
        {field("outcome", t("outcome"), select("outcome", CALL_OUTCOMES.map((o) => [o, t(`outcomes.${o}`)])))}
        {field("topic", t("topic"), select("topic", topics.map((topic) => [topic, topic])))}
        {field("minWait", t("minWait"), <input id="filter-minWait" type="number" min={0} name="minWait" defaultValue={params.minWait} className={input} />)}
        {field("caller", t("caller"), <input id="filter-caller" type="search" name="caller" dir="ltr" defaultValue={params.caller} className={input} />)}
        {field("recording", t("recording"), select("recording", [["yes", t("recordingYes")], ["no", t("recordingNo")]]))}
        {field("sort", t("sort"), (
          <select id="filter-sort" name="sort" defaultValue={params.sort ?? "arrived"} className={input}>
            <option value="arrived">{t("sortArrived")}</option>
            <option value="wait">{t("sortWait")}</option>
          </select>
        ))}
        {field("order", t("order"), (
          <select id="filter-order" name="order" defaultValue={params.order ?? "desc"} className={input}>
            <option value="desc">{t("orderDesc")}</option>
            <option value="asc">{t("orderAsc")}</option>
          </select>
        ))}
        <div className="col-span-full flex flex-wrap items-center gap-3">
          <button type="submit" className="rounded bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700" data-testid="apply-filters">
            {t("apply")}
          </button>
          <Link href="/calls" className="text-sm text-slate-600 underline">
            {t("reset")}
          </Link>
          {supervisor && (
            <span className="ms-auto flex gap-3 text-sm">
              <a href={exportHref("xlsx")} data-testid="export-xlsx" className="underline">
                {t("exportXlsx")}
              </a>
              <a href={exportHref("csv")} data-testid="export-csv" className="underline">
                {t("exportCsv")}
              </a>
            </span>
          )}
        </div>
      </form>

      <ListTable
        testId="calls-table"
        headers={[t("arrivedAt"), t("caller"), t("number"), t("queue"), t("operator"), t("outcome"), t("wait"), t("talk"), t("topic"), t("recording")]}
        rowCount={rows.length}
        empty={t("none")}
      >
        {rows.map((call) => (
          <tr key={call.id} className="border-b border-slate-100" data-testid="call-row" data-outcome={call.outcome}>
            <td className="p-3">
              <Link href={`/calls/${call.id}`} className="text-brand-700 underline" data-testid="call-link">
                {format.dateTime(call.arrivedAt, { dateStyle: "medium", timeStyle: "medium" })}
              </Link>
            </td>
            <td className="p-3" data-testid="call-caller">
              <bdi dir="ltr">{call.callerNumber}</bdi>
              {call.callerName && <span className="block text-xs text-slate-500" dir="auto">{call.callerName}</span>}
            </td>
            <td className="p-3">
              <span dir="ltr">{call.dialedNumber}</span>
              {call.numberLabel && <span className="block text-xs text-slate-500">{call.numberLabel}</span>}
            </td>
            <td className="p-3">{call.queueName ?? "—"}</td>
            <td className="p-3">{call.operatorName ?? "—"}</td>
            <td className="p-3">{t(`outcomes.${call.outcome}`)}</td>
            <td className="p-3 tabular-nums" data-testid="call-wait"><bdi dir="ltr">{call.waitMs === null ? "—" : formatElapsed(call.waitMs)}</bdi></td>
            <td className="p-3 tabular-nums"><bdi dir="ltr">{call.talkMs === null ? "—" : formatElapsed(call.talkMs)}</bdi></td>
            <td className="p-3" data-testid="call-topic">{call.topic || "—"}</td>
            <td className="p-3">{call.recordingUrl ? t("recordingYes") : "—"}</td>
          </tr>
        ))}
      </ListTable>
      <nav aria-label={t("pages")} className="mt-3 flex gap-4 text-sm">
        {params.cursor && (
          <Link href={`/calls${withParams(params, { cursor: undefined })}`} className="underline" data-testid="first-page">
            {t("firstPage")}
          </Link>
        )}
        {page?.nextCursor && (
          <Link href={`/calls${withParams(params, { cursor: page.nextCursor })}`} className="underline" data-testid="next-page">
            {t("nextPage")}
          </Link>
        )}
      </nav>
    </AppShell>
  );
}
