import Link from "next/link";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { findCallLogRow, listAnswersUsedOnCall, listCallTimeline, listConsultations } from "../../../db/queries/call-log";
import { loadEventNames } from "../../../server/calls/call-event-names";
import { describeCallEvent, type TimelineEvent } from "../../../server/calls/call-event-text";
import { findCallRecording, listRecordingAccesses } from "../../../db/queries/recordings";
import { hasRole } from "../../../server/auth/roles";
import { getServices } from "../../../server/runtime-registry";
import { AppShell } from "../../components/app-shell";
import { formatElapsed } from "../../desk/format-elapsed";
import { requireRole } from "../../lib/auth";

export async function generateMetadata() {
  return { title: (await getTranslations("callLog"))("detailTitle") };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One call: every timestamp, derived times, outcome, topic, notes, the prepared answers used, the recording (a
 * player when there is one) and the event timeline from call_events. Operators open only their own calls
 * (another's is "not found", so ids cannot be probed).
 */
export default async function CallDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireRole("operator", `/calls/${id}`);
  if (!UUID.test(id)) notFound();
  const db = getServices().database.db;
  const call = await findCallLogRow(db, id);
  if (!call || (!hasRole(user.role, "supervisor") && call.operatorId !== user.id)) notFound();
  const supervisor = hasRole(user.role, "supervisor");
  const [timeline, answers, recording, accesses, consultations] = await Promise.all([
    listCallTimeline(db, id),
    listAnswersUsedOnCall(db, id),
    findCallRecording(db, id),
    // Who played or downloaded the recording: supervisors and admins see the audit.
    supervisor ? listRecordingAccesses(db, id) : Promise.resolve([]),
    listConsultations(db, id),
  ]);
  // The timeline's sentences name the queues and people its events carry by id: only those are read.
  const asEvent = (event: (typeof timeline)[number]): TimelineEvent => ({ type: event.type, data: (event.data ?? {}) as Record<string, unknown>, operatorName: event.operatorName });
  const eventNames = await loadEventNames(db, timeline.map(asEvent));
  const te = await getTranslations("callEvents");
  const tg = await getTranslations("callGaps.consultations");
  const tr = await getTranslations("recordings");
  const t = await getTranslations("callLog");
  const format = await getFormatter();
  const when = (date: Date | null) => (date ? format.dateTime(date, { dateStyle: "medium", timeStyle: "medium" }) + `.${String(date.getMilliseconds()).padStart(3, "0")}` : "—");
  const duration = (ms: number | null) => (ms === null ? "—" : formatElapsed(ms));
  // Inside a sentence a clock reads left to right in Arabic too: isolated (U+2066 LRI … U+2069 PDI).
  const isolatedDuration = (ms: number) => `\u2066${formatElapsed(ms)}\u2069`;

  const eventSentence = (event: (typeof timeline)[number]) => {
    const sentence = describeCallEvent(asEvent(event), eventNames, isolatedDuration);
    return (te as unknown as (key: string, values: Record<string, string>) => string)(sentence.key, sentence.values);
  };

  const facts: Array<[string, string, string]> = [
    ["caller", t("caller"), call.callerName ? `${call.callerNumber} (${call.callerName})` : call.callerNumber],
    ["number", t("number"), call.numberLabel ? `${call.dialedNumber} (${call.numberLabel})` : call.dialedNumber],
    ["direction", t("direction"), t(`directions.${call.direction}`)],
    ["queue", t("queue"), call.queueName ?? "—"],
    ["operator", t("operator"), call.operatorName ?? "—"],
    ["outcome", t("outcome"), t(`outcomes.${call.outcome}`)],
    ["outcome-detail", t("outcomeDetail"), call.outcomeDetail ?? "—"],
    ["ended-by", t("endedBy"), call.endedBy ? `${t(`endedByValues.${call.endedBy}`)}${call.endReason ? ` (${call.endReason})` : ""}` : "—"],
    ["topic", t("topic"), call.topic || "—"],
    ["offers", t("offers"), String(call.offers)],
    ["arrived", t("arrivedAt"), when(call.arrivedAt)],
    ["queued", t("queuedAt"), when(call.queuedAt)],
    ["answered", t("answeredAt"), when(call.answeredAt)],
    ["ended", t("endedAt"), when(call.endedAt)],
    ["wrap-up-ended", t("wrapUpEndedAt"), when(call.wrapUpEndedAt)],
    ["wait", t("wait"), duration(call.waitMs)],
    ["talk", t("talk"), duration(call.talkMs)],
    ["hold", t("hold"), duration(call.holdMs)],
    ["wrap-up", t("wrapUp"), duration(call.wrapUpMs)],
    ["handle", t("handle"), duration(call.handleMs)],
  ];

  return (
    <AppShell user={user} active="calls">
      <p className="text-sm">
        <Link href="/calls" className="underline">
          {t("back")}
        </Link>
      </p>
      <h1 className="mt-2 text-2xl font-semibold" data-testid="page-title">
        {t("detailTitle")}
      </h1>
      <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-2" data-testid="call-facts">
        {facts.map(([key, label, value]) => (
          <div key={key} className="flex gap-2" data-testid={`fact-${key}`}>
            <dt className="w-40 shrink-0 font-medium text-slate-600">{label}</dt>
            <dd dir="auto">{value}</dd>
          </div>
        ))}
      </dl>

      {call.consultOf && (
        <p className="mt-2 text-sm" data-testid="consultation-of">
          {tg("isConsultation")}:{" "}
          <Link href={`/calls/${call.consultOf}`} className="underline">
            {tg("openCall")}
          </Link>
        </p>
      )}

      {consultations.length > 0 && (
        <section className="mt-6" aria-labelledby="consultations-title">
          <h2 id="consultations-title" className="text-lg font-semibold">
            {tg("title")}
          </h2>
          <ul className="mt-1 text-sm" data-testid="consultations">
            {consultations.map((c) => (
              <li key={c.id} data-testid="consultation">
                <span className="tabular-nums text-slate-500">{when(c.arrivedAt)}</span>{" "}
                {/* Only the number reads left to right: the outcome is a sentence of the page's language. */}
                <span>{tg.rich("item", { number: c.number, outcome: t(`outcomes.${c.outcome}`), num: (chunks) => <bdi dir="ltr">{chunks}</bdi> })}</span>
                {c.operatorName && <span className="text-slate-600"> · {c.operatorName}</span>}{" "}
                <Link href={`/calls/${c.id}`} className="text-sky-700 underline">
                  {tg("open")}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="mt-6" aria-labelledby="notes-title">
        <h2 id="notes-title" className="text-lg font-semibold">
          {t("notes")}
        </h2>
        <p className="mt-1 whitespace-pre-wrap text-sm" dir="auto" data-testid="call-notes">
          {call.notes || t("noNotes")}
        </p>
      </section>

      <section className="mt-6" aria-labelledby="answers-title">
        <h2 id="answers-title" className="text-lg font-semibold">
          {t("answersUsed")}
        </h2>
        {answers.length === 0 ? (
          <p className="mt-1 text-sm text-slate-500">{t("noAnswersUsed")}</p>
        ) : (
          <ul className="mt-1 list-disc ps-6 text-sm" data-testid="answers-used">
            {answers.map((answer) => (
              <li key={answer.id} dir="auto">
                {answer.question} <span className="text-slate-500">({answer.topic})</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="mt-6" aria-labelledby="recording-title">
        <h2 id="recording-title" className="text-lg font-semibold">
          {t("recording")}
        </h2>
        {call.recordingUrl ? (
          <>
            {/* Ogg Opus, stereo: the caller on the left, the operator on the right; the route serves ranges for seeking. */}
            <audio controls preload="metadata" src={call.recordingUrl} className="mt-2 w-full max-w-xl" data-testid="recording-player" />
            {supervisor && (
              <p className="mt-1 text-sm">
                <a href={`${call.recordingUrl}?download=1`} className="text-sky-700 underline" data-testid="recording-download">
                  {t("downloadRecording")}
                </a>
              </p>
            )}
          </>
        ) : recording?.recordingDeletedAt ? (
          <p className="mt-1 text-sm text-slate-500" data-testid="recording-deleted">
            {tr("deleted", { date: format.dateTime(recording.recordingDeletedAt, { dateStyle: "medium" }) })}
          </p>
        ) : (
          <p className="mt-1 text-sm text-slate-500" data-testid="no-recording">
            {t("noRecording")}
          </p>
        )}
        {supervisor && (call.recordingUrl || recording?.recordingDeletedAt) && (
          <div className="mt-3">
            <h3 className="text-sm font-semibold">{tr("accessesTitle")}</h3>
            {accesses.length === 0 ? (
              <p className="text-sm text-slate-500">{tr("noAccesses")}</p>
            ) : (
              <ul className="text-sm" data-testid="recording-accesses">
                {accesses.map((access, i) => (
                  <li key={i}>
                    <span className="tabular-nums text-slate-500">{when(access.at)}</span> · {access.username ?? "—"} ·{" "}
                    {access.action === "download" ? tr("accessDownload") : tr("accessPlay")}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </section>

      <section className="mt-6" aria-labelledby="timeline-title">
        <h2 id="timeline-title" className="text-lg font-semibold">
          {t("timeline")}
        </h2>
        <ol className="mt-2 border-s-2 border-slate-200 ps-4 text-sm" data-testid="call-timeline">
          {timeline.map((event) => (
            <li key={event.id} className="mb-2" data-testid="timeline-event" data-type={event.type}>
              <span className="tabular-nums text-slate-500">{when(event.at)}</span>{" "}
              <span dir="auto">{eventSentence(event)}</span>
            </li>
          ))}
        </ol>
      </section>
    </AppShell>
  );
}
