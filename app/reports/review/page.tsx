import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
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
 * language, each with the figures that prove it and what to do. Printable; exportable with the figures.
 */
export default async function ReviewPage({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireRole("supervisor", "/reports/review");
  const t = await getTranslations("review");
  const translate = (await getTranslations()) as unknown as ReviewTranslator;
  const locale = await getLocale();
  const services = getServices();
  const params = Object.fromEntries(Object.entries(await searchParams).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  const scope = reportScopeOf(params, services.config.TIMEZONE);
  const report = await buildCallReport(services.database.db, scope.period, scope.queue);
  const review = reviewOf(report);
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
    </AppShell>
  );
}
