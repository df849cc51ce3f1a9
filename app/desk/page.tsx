import { getTranslations } from "next-intl/server";
import { listPauseReasons } from "../../db/queries/pause-reasons";
import { getServices } from "../../server/runtime-registry";
import { AppShell } from "../components/app-shell";
import { requireRole } from "../lib/auth";
import { sipClientConfig } from "../lib/sip-config";
import { CallPanel } from "./call-panel";
import { DeskConnection } from "./desk-connection";
import { DeskSocketProvider } from "./desk-socket";
import { StatusControls } from "./status-controls";

export async function generateMetadata() {
  return { title: (await getTranslations("desk"))("title") };
}

export default async function DeskPage() {
  const user = await requireRole("operator", "/desk");
  const t = await getTranslations("desk");
  // The reasons the admin configured, in their order: built-ins (label null, translated) then custom ones.
  const pauseReasons = (await listPauseReasons(getServices().database.db)).map((r) => ({ code: r.code, label: r.label }));
  return (
    <AppShell user={user} active="desk">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 text-slate-600">{t("welcome", { name: user.displayName })}</p>
      <DeskSocketProvider>
        <div className="mt-6 grid gap-4 lg:grid-cols-[2fr_1fr]">
          {/* The phone first: it is what the operator acts on, in reading and tab order. */}
          <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <CallPanel config={sipClientConfig(user)} />
          </section>
          <div className="flex flex-col gap-4">
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <DeskConnection />
            </section>
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <StatusControls pauseReasons={pauseReasons} />
            </section>
          </div>
        </div>
      </DeskSocketProvider>
    </AppShell>
  );
}
