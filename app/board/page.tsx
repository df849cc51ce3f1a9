import { getTranslations } from "next-intl/server";
import { listPauseReasons } from "../../db/queries/pause-reasons";
import { AppShell } from "../components/app-shell";
import { requireRole } from "../lib/auth";
import { getServices } from "../../server/runtime-registry";
import { OperatorsTable } from "./operators-table";
import { PresenceTable } from "./presence-table";
import { QueuesPanel } from "./queues-panel";
import { QueueHours } from "../components/queue-hours";

export async function generateMetadata() {
  return { title: (await getTranslations("board"))("title") };
}

export default async function BoardPage() {
  const user = await requireRole("supervisor", "/board");
  const t = await getTranslations("board");
  const services = getServices();
  const [users, reasons] = await Promise.all([services.users.list(), listPauseReasons(services.database.db)]);
  const names = Object.fromEntries(users.map((u) => [u.id, u.displayName]));
  const pauseReasons = reasons.map((r) => ({ code: r.code, label: r.label }));
  return (
    <AppShell user={user} active="board">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <QueuesPanel names={names} zone={services.config.TIMEZONE} />
      <QueueHours /> {/* hours (issue 11) */}
      <OperatorsTable names={names} pauseReasons={pauseReasons} />
      <PresenceTable />
    </AppShell>
  );
}
