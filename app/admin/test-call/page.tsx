import { getTranslations } from "next-intl/server";
import { listHotlineNumbers } from "../../../db/queries/queues";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { requireRole } from "../../lib/auth";
import { TestCallPanel } from "./test-call-panel";

export async function generateMetadata() {
  return { title: (await getTranslations("testCall"))("title") };
}

/** The demo path: an admin calls a hotline number from the browser and an operator answers in another tab. */
export default async function TestCallPage() {
  const user = await requireRole("admin", "/admin/test-call");
  const t = await getTranslations("testCall");
  const numbers = await listHotlineNumbers(getServices().database.db);
  return (
    <AppShell user={user} active="testCall">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 text-slate-600">{t("intro")}</p>
      <TestCallPanel numbers={numbers.map(({ number, queue, label }) => ({ number, queue, label }))} />
    </AppShell>
  );
}
