import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { listQueueSummaries, listVipNumbers } from "../../../db/queries/queues";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { requireRole } from "../../lib/auth";
import { ListTable, Section } from "./page-parts";
import { AddVipForm, CreateQueueForm, VipRow } from "./queue-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("queues"))("title") };
}

export default async function QueuesPage() {
  const me = await requireRole("admin", "/admin/queues");
  const t = await getTranslations("queues");
  const db = getServices().database.db;
  const [queues, vips] = await Promise.all([listQueueSummaries(db), listVipNumbers(db)]);
  return (
    <AppShell user={me} active="queues">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 text-slate-600">{t("intro")}</p>
      <ListTable testId="queues-table" headers={[t("name"), t("strategy"), t("members"), t("numbers")]} rowCount={queues.length}>
        {queues.map((queue) => (
          <tr key={queue.id} className="border-b border-slate-100" data-testid={`queue-row-${queue.name}`}>
            <td className="p-3 font-medium">
              <Link href={`/admin/queues/${queue.id}`} className="text-brand-700 underline" aria-label={t("edit", { name: queue.name })}>
                {queue.name}
              </Link>
            </td>
            <td className="p-3" data-testid="queue-strategy">
              {t(`strategies.${queue.strategy}`)}
            </td>
            <td className="p-3" data-testid="queue-members">
              {queue.members}
            </td>
            <td className="p-3" data-testid="queue-numbers">{queue.numbers.length > 0 ? <bdi dir="ltr">{queue.numbers.join(", ")}</bdi> : t("none")}</td>
          </tr>
        ))}
      </ListTable>
      <CreateQueueForm />

      <Section id="vip" title={t("vipTitle")} intro={t("vipIntro")}>
        <ListTable testId="vips-table" headers={[t("number"), t("priority"), t("label"), t("actions")]} rowCount={vips.length} empty={t("noVips")} narrow>
          {vips.map((vip) => (
            <VipRow key={vip.id} vip={{ number: vip.number, priority: vip.priority, label: vip.label }} />
          ))}
        </ListTable>
        <AddVipForm />
      </Section>
    </AppShell>
  );
}
