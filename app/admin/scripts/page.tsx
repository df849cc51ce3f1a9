import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { getOrganisation } from "../../../db/queries/organisation";
import { listQueues } from "../../../db/queries/queues";
import { listScripts } from "../../../db/queries/scripts";
import { LOCALES, isLocale } from "../../../server/i18n/locales";
import { getServices } from "../../../server/runtime-registry";
import { builtInScript } from "../../../server/scripts/script-service";
import { AppShell } from "../../components/app-shell";
import { RemoveButton, SimpleForm } from "../../components/simple-form";
import { requireRole } from "../../lib/auth";
import { ListTable, Section } from "../queues/page-parts";
import { removeScriptAction, saveScriptAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("scripts"))("title") };
}

/** Conversation scripts per queue and language; the built-in one is shown as the model to start from. */
export default async function ScriptsPage() {
  const me = await requireRole("admin", "/admin/scripts");
  const t = await getTranslations("scripts");
  const languages = await getTranslations("languages");
  const db = getServices().database.db;
  const [scripts, queues, organisation] = await Promise.all([listScripts(db), listQueues(db), getOrganisation(db)]);
  const locale = isLocale(me.locale) ? me.locale : "en";
  return (
    <AppShell user={me} active="scripts">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      {organisation.name.trim() === "" && (
        // Setup does not ask for the name: scripts then leave {organisation} out, which the admin should know.
        <p role="note" data-testid="organisation-unset" className="mt-3 max-w-3xl rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
          {t("organisationUnset")}{" "}
          <Link href="/admin/organisation" className="font-medium underline">
            {t("organisationLink")}
          </Link>
        </p>
      )}
      <Section id="stored" title={t("stored")}>
        <ListTable testId="scripts-table" headers={[t("queue"), t("language"), t("steps"), ""]} rowCount={scripts.length} empty={t("none")}>
          {scripts.map((script) => (
            <tr key={script.id} className="border-b border-slate-100 align-top">
              <td className="p-3">{script.queue ?? t("defaultQueue")}</td>
              <td className="p-3">{isLocale(script.locale) ? languages(script.locale) : script.locale}</td>
              <td className="p-3">
                <ol className="list-decimal ps-5" dir="auto">
                  {script.steps.map((step, index) => (
                    <li key={index}>{step}</li>
                  ))}
                </ol>
              </td>
              <td className="p-3">
                <RemoveButton action={removeScriptAction} hidden={{ id: String(script.id) }} text={t("remove")} label={`${t("remove")}: ${script.queue ?? t("defaultQueue")} ${script.locale}`} />
              </td>
            </tr>
          ))}
        </ListTable>
      </Section>
      <Section id="write" title={t("save")} intro={`${t("builtIn")}: ${builtInScript(locale).join(" / ")}`}>
        <SimpleForm
          action={saveScriptAction}
          testId="script-form"
          submitLabel={t("save")}
          fields={[
            { name: "queueId", label: t("queue"), type: "select", options: [{ value: "", label: t("defaultQueue") }, ...queues.map((q) => ({ value: String(q.id), label: q.name }))] },
            { name: "locale", label: t("language"), type: "select", defaultValue: locale, options: LOCALES.map((l) => ({ value: l, label: languages(l) })) },
            { name: "steps", label: t("steps"), type: "textarea", hint: t("stepsHint"), rows: 6, defaultValue: builtInScript(locale).join("\n") },
          ]}
        />
      </Section>
    </AppShell>
  );
}
