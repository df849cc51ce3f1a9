import { getTranslations } from "next-intl/server";
import { listOutboundPatterns } from "../../../db/queries/outbound";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { requireRole } from "../../lib/auth";
import { ListTable } from "../queues/page-parts";
import { allowPatternAction, removePatternAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("outboundAdmin"))("title") };
}

const BUTTON = "rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100";
const NOTICES = new Set(["added", "exists", "removed"]);

/** The toll-fraud guard: which numbers operators may call out to (server/outbound/number-pattern.ts). */
export default async function OutboundPatternsPage({ searchParams }: { searchParams: Promise<{ notice?: string; error?: string; pattern?: string }> }) {
  const me = await requireRole("admin", "/admin/outbound");
  const t = await getTranslations("outboundAdmin");
  const patterns = await listOutboundPatterns(getServices().database.db);
  const { notice, error, pattern } = await searchParams;
  return (
    <AppShell user={me} active="outbound">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      <ul className="mt-2 max-w-3xl list-disc ps-6 text-sm text-slate-700">
        <li>{t("syntax.digit")}</li>
        <li>{t("syntax.any")}</li>
        <li>{t("syntax.set")}</li>
        <li>{t("syntax.rest")}</li>
        <li>{t("syntax.plus")}</li>
      </ul>
      {notice && NOTICES.has(notice) && (
        <p role="status" data-testid="form-notice" className="mt-3 rounded border border-green-300 bg-green-50 p-2 text-sm text-green-900">
          {t(`notice.${notice}`)}
        </p>
      )}
      <ListTable testId="outbound-patterns-table" headers={[t("pattern"), t("actions")]} rowCount={patterns.length} empty={t("none")}>
        {patterns.map((p) => (
          <tr key={p} className="border-b border-slate-100" data-testid="outbound-pattern-row">
            <td className="p-3 font-mono"><bdi dir="ltr">{p}</bdi></td>
            <td className="p-3">
              <form action={removePatternAction}>
                <input type="hidden" name="pattern" value={p} />
                <button type="submit" className={BUTTON} data-testid="remove-pattern" aria-label={t("removeOf", { pattern: p })}>
                  {t("remove")}
                </button>
              </form>
            </td>
          </tr>
        ))}
      </ListTable>
      <form action={allowPatternAction} className="mt-6 flex flex-wrap items-end gap-2" noValidate>
        <label className="flex flex-col text-sm">
          <span className="font-medium">{t("addLabel")}</span>
          <input
            name="pattern"
            dir="ltr"
            required
            maxLength={64}
            defaultValue={error ? pattern : ""}
            data-testid="pattern-input"
            aria-invalid={Boolean(error)}
            aria-describedby={error ? "pattern-error" : "pattern-hint"}
            className="rounded border border-slate-300 px-2 py-1.5 font-mono aria-[invalid=true]:border-red-600"
          />
        </label>
        <button type="submit" className={BUTTON} data-testid="allow-pattern">
          {t("add")}
        </button>
        {error ? (
          <p id="pattern-error" role="alert" className="basis-full text-sm text-red-700">
            {t("invalid")}
          </p>
        ) : (
          <p id="pattern-hint" className="basis-full text-sm text-slate-600">
            {t("hint")}
          </p>
        )}
      </form>
    </AppShell>
  );
}
