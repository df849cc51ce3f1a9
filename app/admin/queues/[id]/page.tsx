import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { listQueueMembers, listQueueNumbers, listQueues } from "../../../../db/queries/queues";
import { queueFormValues } from "../../../../server/queues/queue-form-values";
import { getServices } from "../../../../server/runtime-registry";
import { AppShell } from "../../../components/app-shell";
import { requireRole } from "../../../lib/auth";
import { ListTable, Section } from "../page-parts";
import { AddMemberForm, AddNumberForm, MemberRow, NumberRow } from "./member-forms";
import { QueueSettingsForm } from "./settings-form";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata() {
  return { title: (await getTranslations("queues"))("title") };
}

export default async function QueuePage({ params }: Params) {
  const { id: raw } = await params;
  const me = await requireRole("admin", `/admin/queues/${encodeURIComponent(raw)}`);
  const t = await getTranslations("queues");
  const tUsers = await getTranslations("users");
  const id = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  const services = getServices();
  const db = services.database.db;
  const queues = await listQueues(db);
  const queue = queues.find((q) => q.id === id);
  if (!queue) notFound();
  const [members, numbers, users] = await Promise.all([listQueueMembers(db, queue.id), listQueueNumbers(db, queue.id), services.users.list()]);
  const memberIds = new Set(members.map((m) => m.userId));
  const candidates = users.filter((u) => !u.disabled && !memberIds.has(u.id)).map((u) => ({ id: u.id, username: u.username, displayName: u.displayName }));

  return (
    <AppShell user={me} active="queues">
      <Link href="/admin/queues" className="text-sm text-brand-700 underline" data-testid="back-to-queues">
        {t("back")}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold" data-testid="page-title">
        {queue.name}
      </h1>

      <Section id="settings" title={t("settingsTitle")}>
        <QueueSettingsForm queueId={queue.id} values={queueFormValues(queue)} otherQueues={queues.filter((q) => q.id !== queue.id).map((q) => ({ id: q.id, name: q.name }))} />
      </Section>

      <Section id="members" title={t("membersTitle")} intro={t("membersIntro")}>
        <ListTable testId="members-table" headers={[tUsers("username"), tUsers("displayName"), t("level")]} rowCount={members.length} empty={t("noMembers")}>
          {members.map((member) => (
            <MemberRow key={member.userId} queueId={queue.id} member={member} />
          ))}
        </ListTable>
        <AddMemberForm queueId={queue.id} candidates={candidates} />
      </Section>

      <Section id="numbers" title={t("numbersTitle")} intro={t("numbersIntro")}>
        <ListTable testId="numbers-table" headers={[t("number"), t("label"), t("actions")]} rowCount={numbers.length} empty={t("noNumbers")} narrow>
          {numbers.map((n) => (
            <NumberRow key={n.id} queueId={queue.id} number={{ id: n.id, number: n.number, label: n.label }} />
          ))}
        </ListTable>
        <AddNumberForm queueId={queue.id} />
      </Section>
    </AppShell>
  );
}
