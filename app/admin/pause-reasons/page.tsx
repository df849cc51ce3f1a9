import { getTranslations } from "next-intl/server";
import { listPauseReasons } from "../../../db/queries/pause-reasons";
import { getServices } from "../../../server/runtime-registry";
import { pauseReasonFormValues } from "../../../server/staffing/staffing-input";
import { AppShell } from "../../components/app-shell";
import { requireRole } from "../../lib/auth";
import { ListTable } from "../queues/page-parts";
import { AddReasonForm, ReasonRow } from "./reason-forms";

export async function generateMetadata() {
  return { title: (await getTranslations("pauseReasons"))("title") };
}

/** The reasons operators pause with: built-in ones (translated) and the admin's own, with their limits. */
export default async function PauseReasonsPage() {
  const me = await requireRole("admin", "/admin/pause-reasons");
  const t = await getTranslations("pauseReasons");
  const reasonNames = await getTranslations("operatorStatus.reasons");
  const reasons = await listPauseReasons(getServices().database.db);
  return (
    <AppShell user={me} active="pauseReasons">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600" data-testid="pause-reasons-intro">
        {t("intro")}
      </p>
      <ListTable testId="pause-reasons-table" headers={[t("name"), t("maxMinutes"), t("limited"), t("actions")]} rowCount={reasons.length}>
        {reasons.map((reason) => (
          <ReasonRow
            key={reason.code}
            code={reason.code}
            builtIn={reason.builtIn}
            name={reason.builtIn ? (reasonNames.has(reason.code) ? reasonNames(reason.code) : reason.code) : (reason.label ?? reason.code)}
            values={pauseReasonFormValues(reason)}
          />
        ))}
      </ListTable>
      <AddReasonForm />
    </AppShell>
  );
}
