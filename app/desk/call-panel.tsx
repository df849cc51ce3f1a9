"use client";

import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useEffect } from "react";
import { activeCallView } from "./call-view";
import { useDeskSocket } from "./desk-socket";
import { BUTTON, RAW_BADGE } from "./desk-styles";
import { ElapsedTime } from "./elapsed-time";
import type { IncomingOffer, RegistrationState, SoftphoneSnapshot } from "./softphone";
import { useNow } from "./use-now";
import type { SoftphoneControls } from "./use-softphone";

// Hold, keypad, transfer: only during a call, so loaded then (the desk's first load stays within the bench budget);
// fetched as soon as a call rings or is dialled, so it is there when the call connects.
const loadCallControls = () => import("./call-controls");
const CallControls = dynamic(() => loadCallControls().then((m) => m.CallControls), { ssr: false });

const REGISTRATION_COLOR: Record<RegistrationState, string> = {
  registered: "bg-green-600",
  connecting: "bg-amber-500",
  unregistered: "bg-red-600",
};


/**
 * The operator's phone: line registration, the ringing call (answer / decline) and the call in
 * progress (timer, mute, hang up). The softphone itself belongs to the desk workspace.
 */
export function CallPanel({ controls }: { controls: SoftphoneControls }) {
  const t = useTranslations("softphone");
  const { state, answer, decline, hangup, setMuted, retryNow, attachAudio } = controls;
  const tc = useTranslations("callControls");
  // The server's view of the call refines "talking": the caller on hold, or the operator consulting a colleague.
  const serverView = useDeskSocket().operator?.call;
  const serverCall = serverView?.state;
  // The call is being recorded (its queue records it, server/recordings): the operator must know.
  const recorded = state.call !== "idle" && serverView?.recorded === true;
  const tr = useTranslations("recordings");
  const shown = state.call === "talking" && serverCall && serverCall !== "talking" ? serverCall : state.call;
  // Call controls only for the call the server says this operator is on; a colleague's consultation: hang-up only.
  const view = activeCallView(state.offer, serverView);
  const tg = useTranslations("callGaps.consulted");
  useEffect(() => {
    if (state.call !== "idle") void loadCallControls();
  }, [state.call]);

  return (
    <section aria-labelledby="phone-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="phone-title" className="text-lg font-semibold">
          {t("title")}
        </h2>
        <p className="flex items-center gap-2 text-sm">
          <span className="text-slate-600">{t("callState")}:</span>
          <span className="font-medium">{shown === state.call ? t(`state.${state.call}`) : tc(`state.${shown}`)}</span>
          <span data-testid="call-state" className={RAW_BADGE} aria-hidden>
            {shown}
          </span>
          {recorded && (
            <span data-testid="call-recorded" className="inline-flex items-center gap-1 rounded bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800">
              <span className="inline-block h-2 w-2 rounded-full bg-red-600" aria-hidden />
              {tr("deskBadge")}
            </span>
          )}
        </p>
      </div>

      <RegistrationLine state={state} onRetry={retryNow} />

      {/* Always in the DOM so screen readers announce the change, not only a newly added node. */}
      <div className="sr-only" aria-live="assertive" aria-atomic="true">
        {state.call === "ringing" && state.offer ? <IncomingAnnouncement offer={state.offer} /> : null}
      </div>

      {state.microphoneProblem && (
        <p role="alert" data-testid="microphone-error" className="rounded border border-red-300 bg-red-50 p-3 text-sm text-red-800">
          {t(`microphone.${state.microphoneProblem}`)}
        </p>
      )}

      {state.call === "ringing" && state.offer && (
        <div
          data-testid="incoming-call"
          role="group"
          aria-labelledby="incoming-title"
          className="flex flex-col gap-3 rounded-lg border-2 border-amber-400 bg-amber-50 p-4"
        >
          <h3 id="incoming-title" className="flex items-center gap-2 font-semibold text-amber-900">
            <span className="inline-block h-3 w-3 animate-pulse rounded-full bg-amber-500" aria-hidden />
            {t("incoming")}
          </h3>
          <CallParty offer={state.offer} />
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              data-testid="answer"
              aria-keyshortcuts="Alt+A"
              onClick={answer}
              disabled={state.answering}
              className={`${BUTTON} bg-green-700 text-white hover:bg-green-800`}
            >
              {state.answering ? t("answering") : t("answer")}
            </button>
            <button
              type="button"
              data-testid="decline"
              onClick={decline}
              disabled={state.answering}
              className={`${BUTTON} border border-slate-300 bg-white text-slate-800 hover:bg-slate-100`}
            >
              {t("decline")}
            </button>
          </div>
        </div>
      )}

      {state.call === "talking" && state.offer && (
        <div data-testid="active-call" className="flex flex-col gap-3 rounded-lg border-2 border-brand-600 bg-brand-50 p-4">
          <div className="flex flex-wrap items-start justify-between gap-2">
            <CallParty offer={state.offer} />
            {state.talkingSince !== undefined && (
              <span className="text-2xl">
                <ElapsedTime since={state.talkingSince} label={t("duration")} testId="call-timer" />
              </span>
            )}
          </div>
          {view.consulted && (
            <p role="status" data-testid="consulted" className="text-sm text-slate-700">
              {tg("hint")}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            {view.mute && (
              <button
                type="button"
                data-testid="mute"
                aria-keyshortcuts="Alt+M"
                aria-pressed={state.muted}
                onClick={() => setMuted(!state.muted)}
                className={`${BUTTON} border border-slate-300 ${state.muted ? "bg-slate-800 text-white" : "bg-white text-slate-800 hover:bg-slate-100"}`}
              >
                {state.muted ? t("unmute") : t("mute")}
              </button>
            )}
            <button type="button" data-testid="hangup" aria-keyshortcuts="Alt+H" onClick={hangup} className={`${BUTTON} bg-red-700 text-white hover:bg-red-800`}>
              {t("hangup")}
            </button>
          </div>
          {state.muted && (
            <p role="status" className="text-sm text-slate-700">
              {t("muted")}
            </p>
          )}
          {view.callControls && <CallControls onConsult={controls.consult} onTransferring={controls.transferring} onTransferRefused={controls.transferRefused} consultFailure={state.consultFailure} />}
        </div>
      )}

      {state.call === "idle" && (
        <div role="status" className="text-sm text-slate-600">
          {state.lastOutcome && (
            <p data-testid="last-call-outcome" data-outcome={state.lastOutcome} className="font-medium text-slate-800">
              {state.lastOutcome === "transferred" && state.transferredTo ? t("outcome.transferredTo", { target: state.transferredTo }) : t(`outcome.${state.lastOutcome}`)}
            </p>
          )}
          <p>{t("waiting")}</p>
        </div>
      )}

      {/* SIP.js does not play the remote party: the softphone routes the peer connection's remote stream here. */}
      <audio ref={attachAudio} autoPlay data-testid="remote-audio" aria-label={t("remoteAudio")} />
    </section>
  );
}

function RegistrationLine({ state, onRetry }: { state: SoftphoneSnapshot; onRetry: () => void }) {
  const t = useTranslations("softphone");
  const now = useNow(state.retryAt !== undefined);
  const seconds = state.retryAt !== undefined && now > 0 ? Math.max(0, Math.ceil((state.retryAt - now) / 1000)) : undefined;
  const problem = state.registrationProblem;
  return (
    <div className="flex flex-col gap-1 text-sm">
      <p className="flex flex-wrap items-center gap-2" role="status" aria-live="polite">
        <span className={`inline-block h-2.5 w-2.5 rounded-full ${REGISTRATION_COLOR[state.registration]}`} aria-hidden />
        <span className="text-slate-600">{t("line")}:</span>
        <span className="font-medium">{t(`registration.${state.registration}`)}</span>
        <span data-testid="sip-registration" data-state={state.registration} className={RAW_BADGE} aria-hidden>
          {state.registration}
        </span>
      </p>
      {state.registration === "unregistered" && (
        <div className="flex flex-wrap items-center gap-2 text-slate-700">
          {problem && (
            <span data-testid="sip-registration-problem">
              {problem.kind === "transport" ? t("problem.transport") : t(`problem.${problem.kind}`, { status: problem.statusCode })}
            </span>
          )}
          {seconds !== undefined && <span>{t("retryIn", { seconds })}</span>}
          <button type="button" onClick={onRetry} className="rounded px-2 py-1 text-brand-700 underline hover:bg-slate-100">
            {t("retryNow")}
          </button>
        </div>
      )}
    </div>
  );
}

/** Who is calling: the number (kept left-to-right inside Arabic text) and the queue. */
function CallParty({ offer }: { offer: IncomingOffer }) {
  const t = useTranslations("softphone");
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
      <dt className="text-sm text-slate-600">{t("caller")}</dt>
      <dd className="text-xl font-semibold tabular-nums">
        <span data-testid="caller-number" dir="ltr">
          {offer.caller || t("unknownCaller")}
        </span>
      </dd>
      {offer.consultFrom && <dd className="col-span-2 text-sm" data-testid="consult-from">{t("consultFrom", { name: offer.consultFrom })}</dd>}
      {offer.queue && (
        <>
          <dt className="text-sm text-slate-600">{t("queue")}</dt>
          <dd data-testid="caller-queue">{offer.queue}</dd>
        </>
      )}
    </dl>
  );
}

function IncomingAnnouncement({ offer }: { offer: IncomingOffer }) {
  const t = useTranslations("softphone");
  const caller = offer.caller || t("unknownCaller");
  return <>{offer.queue ? t("announceIncomingQueue", { caller, queue: offer.queue }) : t("announceIncoming", { caller })}</>;
}
