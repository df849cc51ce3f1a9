import { getTranslations } from "next-intl/server";
import { listPauseReasons } from "../../db/queries/pause-reasons";
import { openDraft } from "../../server/desk/wrap-up-service";
import { getServices } from "../../server/runtime-registry";
import { AppShell } from "../components/app-shell";
import { requireRole } from "../lib/auth";
import { sipClientConfig } from "../lib/sip-config";
import { DeskHours } from "./desk-hours";
import { DeskSocketProvider } from "./desk-socket";
import { DeskWorkspace } from "./desk-workspace";

export async function generateMetadata() {
  return { title: (await getTranslations("desk"))("title") };
}

export default async function DeskPage() {
  const user = await requireRole("operator", "/desk");
  const t = await getTranslations("desk");
  const db = getServices().database.db;
  // The reasons the admin configured, in their order: built-ins (label null, translated) then custom ones.
  const pauseReasons = (await listPauseReasons(db)).map((r) => ({ code: r.code, label: r.label }));
  // A wrap-up form left open (the page was reloaded) comes back as it was typed.
  const draft = await openDraft(db, user.id, new Date());
  return (
    <AppShell user={user} active="desk">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 text-slate-600">{t("welcome", { name: user.displayName })}</p>
      <DeskSocketProvider>
        <DeskHours zone={getServices().config.TIMEZONE} /> {/* hours (issue 11), live */}
        <DeskWorkspace config={sipClientConfig(user)} pauseReasons={pauseReasons} initialDraft={draft} autoAnswer={user.autoAnswer} />
      </DeskSocketProvider>
    </AppShell>
  );
}
