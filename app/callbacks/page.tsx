import { getFormatter, getTranslations } from "next-intl/server";
import { CallbackService } from "../../server/callbacks/callback-service";
import { OUTBOUND_REFUSALS } from "../../server/outbound/outbound-policy";
import { getServices } from "../../server/runtime-registry";
import { ListTable } from "../admin/queues/page-parts";
import { AppShell } from "../components/app-shell";
import { requireRole } from "../lib/auth";
import { callBackAction, callbackNoteAction, completeCallbackAction } from "./actions";

export async function generateMetadata() {
  return { title: (await getTranslations("callbacks"))("title") };
}

const SMALL_BUTTON = "rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100";
const RESULT_KEYS: Record<string, string> = {
  dialling: "dialling",
  taken: "taken",
  "no-desk": "noDesk",
  "not-found": "notFound",
  refused: "refused",
  "note-saved": "noteSaved",
  "note-no-attempt": "noteNoAttempt",
};

/**
 * The team's list of people to call back: callback requests (oldest first, with each attempt and who is calling; a
 * voicemail with its length and a player) and callers who hung up while waiting. "Call back" has the operator's desk place the call.
 */
export default async function CallbacksPage({ searchParams }: { searchParams: Promise<{ result?: string; reason?: string }> }) {
  const user = await requireRole("operator", "/callbacks");
  const t = await getTranslations("callbacks");
  const tc = await getTranslations("callbackCalls");
  const tv = await getTranslations("voicemail");
  const format = await getFormatter();
  const { requests, missed } = await new CallbackService(getServices().database.db, Date.now).workList();
  const { result, reason } = await searchParams;
  // Why the outbound policy refused the number (`refused`): one of its reasons, else the generic sentence.
  const refusal = result === "refused" && reason && (OUTBOUND_REFUSALS as readonly string[]).includes(reason) ? reason : "other";
  const resultKey = result ? RESULT_KEYS[result] : undefined;
  const when = (date: Date) => format.dateTime(date, { dateStyle: "medium", timeStyle: "short" });
  return (
    <AppShell user={user} active="callbacks">
      <h1 className="text-2xl font-semibold" data-testid="page-title">
        {t("title")}
      </h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t("intro")}</p>
      {resultKey && (
        <p role="status" data-testid="callback-result" data-result={result} className="mt-3 rounded border border-slate-300 bg-slate-50 p-2 text-sm">
          {resultKey === "refused" ? tc(`refusedBecause.${refusal}`) : tc(resultKey)}
        </p>
      )}
      <ListTable testId="callbacks-table" headers={[t("caller"), t("queue"), t("reason"), t("requestedAt"), tc("attempts"), t("actions")]} rowCount={requests.length} empty={t("none")}>
        {requests.map((request) => {
          const theirs = request.assignedTo !== null && request.assignedTo !== user.id;
          return (
            <tr key={request.id} className="border-b border-slate-100 align-top" data-testid="callback-row">
              <td className="p-3 font-medium">
                <a href={`tel:${request.callerNumber}`} dir="ltr" data-testid="callback-number">
                  {request.callerNumber}
                </a>
                {request.assignee && (
                  <p className="text-xs font-normal text-slate-600" data-testid="callback-assignee">
                    {tc("assignedTo", { name: request.assignee })}
                  </p>
                )}
              </td>
              <td className="p-3">{request.queue ?? "—"}</td>
              <td className="p-3">
                {request.reason === "voicemail" ? tv("reason") : t.has(`reasons.${request.reason}`) ? t(`reasons.${request.reason}`) : request.reason}
                {request.reason === "voicemail" && request.callId && request.messageMs !== null && (
                  // The message is the call record's recording: served with Range (seeking), each playback logged.
                  <div className="mt-1" data-testid="voicemail">
                    <p className="text-xs text-slate-600" data-testid="voicemail-length" data-ms={request.messageMs}>
                      {tv("length", { seconds: Math.round(request.messageMs / 1000) })}
                    </p>
                    <audio
                      controls
                      preload="none"
                      src={`/api/calls/${request.callId}/recording`}
                      aria-label={tv("player", { number: request.callerNumber, time: when(request.requestedAt) })}
                      className="mt-1 w-64 max-w-full"
                      data-testid="voicemail-player"
                    />
                  </div>
                )}
              </td>
              <td className="p-3">{when(request.requestedAt)}</td>
              <td className="p-3 text-sm" data-testid="callback-attempts">
                {request.attempts.length === 0 ? (
                  <span className="text-slate-500">{tc("noAttempts")}</span>
                ) : (
                  <ul>
                    {request.attempts.map((attempt, index) => (
                      <li key={index} data-testid="callback-attempt" data-outcome={attempt.outcome}>
                        {tc("attempt", {
                          time: when(attempt.at),
                          outcome: tc.has(`outcomes.${attempt.outcome}`) ? tc(`outcomes.${attempt.outcome}`) : attempt.outcome,
                          name: attempt.operator ?? "—",
                        })}
                        {attempt.note && <q className="ms-1 text-slate-700">{attempt.note}</q>}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="flex flex-col gap-2 p-3">
                <div className="flex flex-wrap gap-2">
                  <CallBackButton field="id" value={String(request.id)} label={tc("callBackFor", { number: request.callerNumber })} text={tc("callBack")} disabled={theirs} />
                  <form action={completeCallbackAction}>
                    <input type="hidden" name="id" value={request.id} />
                    <button type="submit" data-testid="callback-done" className={SMALL_BUTTON} aria-label={t("doneFor", { number: request.callerNumber })}>
                      {t("done")}
                    </button>
                  </form>
                </div>
                {request.attempts.some((attempt) => attempt.username === user.username) && (
                  <form action={callbackNoteAction} className="flex flex-wrap items-end gap-2">
                    <input type="hidden" name="id" value={request.id} />
                    <label className="flex flex-col text-xs text-slate-600">
                      {tc("note")}
                      <input name="note" data-testid="callback-note" required maxLength={1000} aria-label={tc("noteFor", { number: request.callerNumber })} className="rounded border border-slate-300 px-2 py-1 text-sm" />
                    </label>
                    <button type="submit" data-testid="callback-save-note" className={SMALL_BUTTON}>
                      {tc("saveNote")}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          );
        })}
      </ListTable>

      <h2 className="mt-8 text-xl font-semibold">{tc("missedTitle")}</h2>
      <p className="mt-1 max-w-3xl text-slate-600">{tc("missedIntro")}</p>
      <ListTable testId="missed-callers-table" headers={[t("caller"), t("queue"), tc("hungUpAt"), t("actions")]} rowCount={missed.length} empty={tc("missedNone")}>
        {missed.map((caller) => (
          <tr key={caller.callId} className="border-b border-slate-100" data-testid="missed-caller-row">
            <td className="p-3 font-medium">
              <bdi dir="ltr">{caller.callerNumber}</bdi>
            </td>
            <td className="p-3">{caller.queue ?? "—"}</td>
            <td className="p-3">{when(caller.arrivedAt)}</td>
            <td className="p-3">
              <CallBackButton field="missedCallId" value={caller.callId} label={tc("callBackFor", { number: caller.callerNumber })} text={tc("callBack")} />
            </td>
          </tr>
        ))}
      </ListTable>
    </AppShell>
  );
}

/** "Call back" for a request (`id`) or a missed caller (`missedCallId`): the operator's desk places the call. */
function CallBackButton({ field, value, label, text, disabled = false }: { field: "id" | "missedCallId"; value: string; label: string; text: string; disabled?: boolean }) {
  return (
    <form action={callBackAction}>
      <input type="hidden" name={field} value={value} />
      <button type="submit" data-testid="call-back" disabled={disabled} className={`${SMALL_BUTTON} disabled:opacity-50`} aria-label={label}>
        {text}
      </button>
    </form>
  );
}
