import { getTranslations } from "next-intl/server";
import { listDirectory } from "../../../db/queries/directory";
import { MAX_CSV_BYTES } from "../../../server/forms/upload-limits";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { RemoveButton, SimpleForm } from "../../components/simple-form";
import { requireRole } from "../../lib/auth";
import { ListTable, Section } from "../queues/page-parts";
import { createEntryAction, importCsvAction, removeEntryAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("directory"))("title") };
}

/** The staff directory: people and services beyond the hotline, their numbers and competences; CSV in and out. */
export default async function DirectoryPage() {
  const me = await requireRole("admin", "/admin/directory");
  const t = await getTranslations("directory");
  const people = await listDirectory(getServices().database.db);
  return (
    <AppShell user={me} active="directory">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      <p className="mt-3">
        <a href="/api/directory/export" download="directory.csv" data-testid="directory-export" className="text-brand-700 underline">
          {t("export")}
        </a>
      </p>
      <ListTable
        testId="directory-table"
        headers={[t("name"), t("department"), t("jobTitle"), t("phones"), t("email"), t("competences"), t("hours"), t("actions")]}
        rowCount={people.length}
        empty={t("none")}
      >
        {people.map((person) => (
          <tr key={person.id} className="border-b border-slate-100 align-top" data-testid="directory-row">
            <td className="p-3 font-medium" dir="auto">
              {person.name}
            </td>
            <td className="p-3" dir="auto">
              {person.department}
            </td>
            <td className="p-3" dir="auto">
              {person.title}
            </td>
            <td className="p-3"><bdi dir="ltr">{person.phones.join(", ")}</bdi></td>
            <td className="p-3"><bdi dir="ltr">{person.email}</bdi></td>
            <td className="p-3" dir="auto">
              {person.competences.join(", ")}
            </td>
            <td className="p-3" dir="auto">
              {person.hours}
            </td>
            <td className="p-3">
              <RemoveButton action={removeEntryAction} hidden={{ id: String(person.id) }} text={t("remove")} label={`${t("remove")}: ${person.name}`} />
            </td>
          </tr>
        ))}
      </ListTable>
      <Section id="add-person" title={t("add")}>
        <SimpleForm
          action={createEntryAction}
          testId="directory-form"
          submitLabel={t("add")}
          resetOnSuccess
          fields={[
            { name: "name", label: t("name"), required: true },
            { name: "department", label: t("department") },
            { name: "title", label: t("jobTitle") },
            { name: "phones", label: t("phones"), hint: t("phonesHint"), dir: "ltr" },
            { name: "email", label: t("email"), type: "email", dir: "ltr" },
            { name: "competences", label: t("competences"), hint: t("competencesHint") },
            { name: "hours", label: t("hours") },
            { name: "notes", label: t("notes"), type: "textarea", rows: 2 },
          ]}
        />
      </Section>
      <Section id="import" title={t("importTitle")} intro={t("importHint")}>
        <SimpleForm action={importCsvAction} testId="directory-import" submitLabel={t("import")} fields={[{ name: "file", label: t("file"), type: "file", required: true, maxBytes: MAX_CSV_BYTES, tooLarge: "formChecks.csvTooLarge" }]} />
      </Section>
    </AppShell>
  );
}
