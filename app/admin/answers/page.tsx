import { getTranslations } from "next-intl/server";
import { listAnswers } from "../../../db/queries/answers";
import { listQueues } from "../../../db/queries/queues";
import { listAllTopics } from "../../../db/queries/topics";
import { LOCALES, isLocale } from "../../../server/i18n/locales";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { RemoveButton, SimpleForm, type SimpleField } from "../../components/simple-form";
import { requireRole } from "../../lib/auth";
import { ListTable, Section } from "../queues/page-parts";
import { createAnswerAction, createTopicAction, removeAnswerAction, removeTopicAction, saveAnswerAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("answers"))("title") };
}

/** Prepared answers (supervisors may edit) with how often each was used, and each queue's wrap-up topics. */
export default async function AnswersPage() {
  const me = await requireRole("supervisor", "/admin/answers");
  const t = await getTranslations("answers");
  const languages = await getTranslations("languages");
  const db = getServices().database.db;
  const [answers, queues, topics] = await Promise.all([listAnswers(db), listQueues(db), listAllTopics(db)]);
  const queueName = new Map(queues.map((q) => [q.id, q.name]));
  const queueOptions = queues.map((q) => ({ value: String(q.id), label: q.name }));
  /** The answer form's fields, empty (add) or with an answer's values (edit). */
  type AnswerValues = { [K in "topic" | "locale" | "question" | "tags" | "variants" | "reviewedAt" | "sensitive"]?: string } & { queueIds?: string[] };
  const answerFields = (values: AnswerValues): SimpleField[] => [
    { name: "topic", label: t("topic"), required: true, defaultValue: values.topic },
    { name: "locale", label: t("language"), type: "select", defaultValue: values.locale, options: LOCALES.map((l) => ({ value: l, label: languages(l) })) },
    { name: "question", label: t("question"), required: true, defaultValue: values.question },
    { name: "tags", label: t("tags"), defaultValue: values.tags },
    { name: "variants", label: t("variants"), type: "textarea", required: true, defaultValue: values.variants },
    { name: "queueIds", label: t("queues"), type: "checkboxes", hint: t("allQueues"), options: queueOptions, defaultValues: values.queueIds },
    { name: "reviewedAt", label: t("reviewedAt"), type: "date", dir: "ltr", defaultValue: values.reviewedAt },
    { name: "sensitive", label: t("sensitive"), type: "checkbox", defaultValue: values.sensitive },
  ];
  return (
    <AppShell user={me} active="answers">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      <ListTable
        testId="answers-table"
        headers={[t("topic"), t("question"), t("language"), t("queues"), t("reviewedAt"), t("uses"), t("actions")]}
        rowCount={answers.length}
        empty={t("none")}
      >
        {answers.map((answer) => (
          <tr key={answer.id} className="border-b border-slate-100 align-top" data-testid="answer-row">
            <td className="p-3" dir="auto">
              {answer.topic}
            </td>
            <td className="p-3" dir="auto" lang={answer.locale}>
              <p className="font-medium">
                {answer.sensitive && <span aria-hidden>⚠ </span>}
                {answer.question}
              </p>
              {answer.variants.map((variant, index) => (
                <p key={index} className="text-slate-600">
                  {variant}
                </p>
              ))}
            </td>
            <td className="p-3">{isLocale(answer.locale) ? languages(answer.locale) : answer.locale}</td>
            <td className="p-3">{answer.queueIds.length === 0 ? t("allQueues") : answer.queueIds.map((id) => queueName.get(id) ?? id).join(", ")}</td>
            <td className="p-3">{answer.reviewedAt ?? ""}</td>
            <td className="p-3 tabular-nums" data-testid="answer-uses">
              {answer.uses}
            </td>
            <td className="p-3">
              <RemoveButton action={removeAnswerAction} hidden={{ id: String(answer.id) }} text={t("remove")} label={`${t("remove")}: ${answer.question}`} />
              <details className="mt-2">
                <summary className="cursor-pointer text-brand-700">{t("edit")}</summary>
                <SimpleForm
                  action={saveAnswerAction}
                  testId={`answer-edit-${answer.id}`}
                  submitLabel={t("save")}
                  hidden={{ id: String(answer.id) }}
                  fields={answerFields({
                    topic: answer.topic,
                    locale: answer.locale,
                    question: answer.question,
                    tags: answer.tags.join(", "),
                    variants: answer.variants.join("\n\n"),
                    queueIds: answer.queueIds.map(String),
                    reviewedAt: answer.reviewedAt ?? "",
                    sensitive: answer.sensitive ? "on" : "",
                  })}
                />
              </details>
            </td>
          </tr>
        ))}
      </ListTable>
      <Section id="add-answer" title={t("add")}>
        <SimpleForm
          action={createAnswerAction}
          testId="answer-form"
          submitLabel={t("add")}
          resetOnSuccess
          fields={answerFields({})}
        />
      </Section>
      <Section id="topics" title={t("topicsTitle")}>
        <ListTable testId="topics-table" headers={[t("queues"), t("topicName"), t("actions")]} rowCount={topics.length} empty={t("noTopics")} narrow>
          {topics.map((topic) => (
            <tr key={topic.id} className="border-b border-slate-100">
              <td className="p-3">{topic.queue}</td>
              <td className="p-3" dir="auto">
                {topic.name}
              </td>
              <td className="p-3">
                <RemoveButton action={removeTopicAction} hidden={{ id: String(topic.id) }} text={t("remove")} label={`${t("remove")}: ${topic.name}`} />
              </td>
            </tr>
          ))}
        </ListTable>
        <SimpleForm
          action={createTopicAction}
          testId="topic-form"
          submitLabel={t("addTopic")}
          resetOnSuccess
          fields={[
            { name: "queueId", label: t("queues"), type: "select", options: queueOptions },
            { name: "name", label: t("topicName"), required: true },
          ]}
        />
      </Section>
    </AppShell>
  );
}
