import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { getWeeklyReview, listWeeklyReviews } from "../../../db/queries/weekly-reviews";
import { buildCallReport } from "../../../server/reports/call-report";
import { reportScopeOf } from "../../../server/reports/report-request";
import { statementText, type ReviewTranslator } from "../../../server/reports/review-text";
import { reviewOf, type Statement } from "../../../server/reports/week-review";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { requireRole } from "../../lib/auth";
import { PrintButton } from "./print-button";

export async function generateMetadata() {
  return { title: (await getTranslations("review"))("title") };
}

type Params = Record<string, string | string[] | undefined>;

/**
 * The review of a period (by default the last 7 days): the hotline's strengths and weaknesses in the reader's
 * language, each with the figures that prove it and what to do. Printable; exportable with the figures. With
 * `?review=<id>`, a weekly review generated automatically (server/reports/weekly-review-runtime.ts) as it was
 * stored; the generated reviews are listed below.
 */
export default async function ReviewPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireRole("supervisor", "/reports/review");
  const t = await getTranslations("review");
  const translate = (await getTranslations()) as unknown as ReviewTranslator;
  const locale = await getLocale();
  const services = getServices();
  const params = Object.fromEntries(Object.entries(await searchParams).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  const db = services.database.db;
  const storedId = /^\d{1,9}$/.test(params.review ?? "") ? Number(params.review) : undefined;
  const stored = storedId === undefined ? undefined : await getWeeklyReview(db, storedId);
  const scope = reportScopeOf(stored ? { from: stored.fromDay, to: stored.toDay } : params, services.config.TIMEZONE);
  const review = stored
    ? { strengths: stored.strengths as Statement[], weaknesses: stored.weaknesses as Statement[] }
    : reviewOf(await buildCallReport(db, scope.period, scope.queue));
  const generated = await listWeeklyReviews(db);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: services.config.TIMEZONE });
  const search = new URLSearchParams({ from: scope.period.fromDay, to: scope.period.toDay, ...(scope.queue ? { queue: scope.queue } : {}) });

  const list = (items: Statement[], testId: "strength" | "weakness", empty: string) =>
    items.length === 0 ? (
      <p className="mt-2 text-sm text-slate-500">{empty}</p>
    ) : (
      <ul className="mt-2 flex flex-col gap-2">
        {items.map((item, i) => (
          <li
            key={`${item.key}-${i}`}
            data-testid={testId}
            data-key={item.key}
            className={`rounded border-s-4 bg-white p-3 text-sm leading-relaxed ${testId === "strength" ? "border-emerald-600" : "border-amber-600"}`}
          >
            {statementText(item, translate, locale)}
          </li>
        ))}
      </ul>
    );

  return (
    <AppShell user={user} active="reports">
      <div className="flex flex-wrap items-center gap-3 print:hidden">
        <Link href={`/reports?${search}`} className="text-sm underline">
          {t("backToReports")}
        </Link>
        <span className="ms-auto flex gap-3">
          <a href={`/api/reports/export?${search}&format=xlsx`} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100" data-testid="review-export-xlsx">
            {t("exportXlsx")}
          </a>
          <PrintButton label={t("print")} />
        </span>
      </div>
      <h1 className="mt-3 text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 text-slate-600" data-testid="review-period">
        {t("intro", { from: scope.period.fromDay, to: scope.period.toDay })}
      </p>
      {stored && (
        <p className="mt-1 text-sm text-slate-500" data-testid="review-generated">
          {t("generatedOn", { at: dateTime.format(stored.generatedAt) })}
        </p>
      )}
      <section className="mt-6 break-inside-avoid" aria-labelledby="strengths-title">
        <h2 id="strengths-title" className="text-lg font-semibold text-emerald-800">
          {t("strengths")}
        </h2>
        {list(review.strengths, "strength", t("noStrengths"))}
      </section>
      <section className="mt-6 break-inside-avoid" aria-labelledby="weaknesses-title">
        <h2 id="weaknesses-title" className="text-lg font-semibold text-amber-800">
          {t("weaknesses")}
        </h2>
        {list(review.weaknesses, "weakness", t("noWeaknesses"))}
      </section>
      <section className="mt-8 print:hidden" aria-labelledby="weekly-title">
        <h2 id="weekly-title" className="text-lg font-semibold">
          {t("weeklyTitle")}
        </h2>
        {generated.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">{t("weeklyNone")}</p>
        ) : (
          <ul className="mt-2 flex flex-col gap-1 text-sm">
            {generated.map((item) => (
              <li key={item.id} data-testid="weekly-review">
                <Link href={`/reports/review?review=${item.id}`} className="underline" aria-current={item.id === stored?.id ? "page" : undefined}>
                  {t("weeklyItem", { from: item.fromDay, to: item.toDay, calls: item.calls })}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </AppShell>
  );
}
