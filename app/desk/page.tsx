import { getTranslations } from "next-intl/server";
import { AppShell } from "../components/app-shell";
import { requireRole } from "../lib/auth";
import { DeskConnection } from "./desk-connection";

export async function generateMetadata() {
  return { title: (await getTranslations("desk"))("title") };
}

export default async function DeskPage() {
  const user = await requireRole("operator", "/desk");
  const t = await getTranslations("desk");
  return (
    <AppShell user={user} active="desk">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 text-slate-600">{t("welcome", { name: user.displayName })}</p>
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <DeskConnection />
      </section>
    </AppShell>
  );
}
