import { getFormatter, getTranslations } from "next-intl/server";
import { listOpenCallbackRequests } from "../../db/queries/callback-requests";
import { getServices } from "../../server/runtime-registry";
import { ListTable } from "../admin/queues/page-parts";
import { AppShell } from "../components/app-shell";
import { requireRole } from "../lib/auth";
import { completeCallbackAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("callbacks"))("title") };
}

/** Callers who left their number instead of waiting on, oldest first: the team's list of people to call back. */
export default async function CallbacksPage() {
  const user = await requireRole("operator", "/callbacks");
  const t = await getTranslations("callbacks");
  const format = await getFormatter();
  const requests = await listOpenCallbackRequests(getServices().database.db);
  return (
    <AppShell user={user} active="callbacks">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      <ListTable testId="callbacks-table" headers={[t("caller"), t("queue"), t("reason"), t("requestedAt"), t("actions")]} rowCount={requests.length} empty={t("none")}>
        {requests.map((request) => (
          <tr key={request.id} className="border-b border-slate-100" data-testid="callback-row">
            <td className="p-3 font-medium">
              <a href={`tel:${request.callerNumber}`} dir="ltr" data-testid="callback-number">
                {request.callerNumber}
              </a>
            </td>
            <td className="p-3">{request.queue ?? "—"}</td>
            <td className="p-3">{t.has(`reasons.${request.reason}`) ? t(`reasons.${request.reason}`) : request.reason}</td>
            <td className="p-3">{format.dateTime(request.requestedAt, { dateStyle: "medium", timeStyle: "short" })}</td>
            <td className="p-3">
              <form action={completeCallbackAction}>
                <input type="hidden" name="id" value={request.id} />
                <button
                  type="submit"
                  data-testid="callback-done"
                  className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100"
                  aria-label={t("doneFor", { number: request.callerNumber })}
                >
                  {t("done")}
                </button>
              </form>
            </td>
          </tr>
        ))}
      </ListTable>
    </AppShell>
  );
}
