import { getTranslations } from "next-intl/server";
import { getOrganisation } from "../../../db/queries/organisation";
import { LOCALES } from "../../../server/i18n/locales";
import { organisationFormValues } from "../../../server/organisation/organisation-service";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { SimpleForm } from "../../components/simple-form";
import { requireRole } from "../../lib/auth";
import { saveOrganisationAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("organisation"))("title") };
}

/** The organisation profile: the name scripts say, the hotline's purpose, language, country and history reach. */
export default async function OrganisationPage() {
  const me = await requireRole("admin", "/admin/organisation");
  const t = await getTranslations("organisation");
  const languages = await getTranslations("languages");
  const values = organisationFormValues(await getOrganisation(getServices().database.db));
  return (
    <AppShell user={me} active="organisation">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      <SimpleForm
        action={saveOrganisationAction}
        testId="organisation-form"
        submitLabel={t("save")}
        fields={[
          { name: "name", label: t("name"), defaultValue: values.name, required: true },
          { name: "purpose", label: t("purpose"), defaultValue: values.purpose },
          { name: "nameFr", label: t("nameFr"), defaultValue: values.nameFr },
          { name: "nameAr", label: t("nameAr"), defaultValue: values.nameAr },
          { name: "defaultLocale", label: t("defaultLocale"), type: "select", defaultValue: values.defaultLocale, options: LOCALES.map((l) => ({ value: l, label: languages(l) })) },
          { name: "country", label: t("country"), hint: t("countryHint"), defaultValue: values.country, dir: "ltr" },
          { name: "historyDays", label: t("historyDays"), type: "number", defaultValue: values.historyDays },
          { name: "serviceLevelTargetPct", label: t("serviceLevelTarget"), hint: t("serviceLevelTargetHint"), type: "number", defaultValue: values.serviceLevelTargetPct },
        ]}
      />
    </AppShell>
  );
}
