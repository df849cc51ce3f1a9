"use client";

import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import type { CallContext } from "../../server/desk/call-context-types";
import type { WrapUpView } from "../../server/desk/wrap-up-service";
import type { SipClientConfig } from "../../server/realtime/events";
import { loadCallContextAction, setAutoAnswerAction } from "./actions";
import { routeToOutput, useDevicePreferences } from "./device-preferences";
import { useCallQuality } from "./use-call-quality";
import { CallPanel } from "./call-panel";
import { DeskConnection } from "./desk-connection";
import { StatusControls } from "./status-controls";
import { useSoftphone } from "./use-softphone";

// Panels not needed at first paint come in their own chunks, after the phone.
const AnswersPanel = dynamic(() => import("./answers-panel"), { ssr: false });
const DirectoryPanel = dynamic(() => import("./directory-panel"), { ssr: false });
const WrapUpPanel = dynamic(() => import("./wrap-up-panel"), { ssr: false });
const ShortcutHelp = dynamic(() => import("./shortcut-help"), { ssr: false });
const DevicesPanel = dynamic(() => import("./devices-panel"), { ssr: false });
// The dial pad is not needed to take the first call: loaded after the first paint.
// After the first paint: the screen pop and the script matter once a call rings, the monitoring notice once a
// supervisor listens (the desk's first load stays under 170 kB gzip, `npm run bench bundle`).
const CallerHistoryPanel = dynamic(() => import("./caller-history-panel").then((m) => m.CallerHistoryPanel), { ssr: false });
const ScriptPanel = dynamic(() => import("./script-panel").then((m) => m.ScriptPanel), { ssr: false });
const MonitorNotice = dynamic(() => import("./monitor-notice").then((m) => m.MonitorNotice), { ssr: false });
const DialPad = dynamic(() => import("./dial-pad").then((m) => m.DialPad), { ssr: false });

/** After the beep, an auto-answered call is picked up this much later (the operator hears it is coming). */
const AUTO_ANSWER_DELAY_MS = 1_200;

const CARD = "rounded-lg border border-slate-200 bg-white p-3 shadow-sm";

interface WrapUpState {
  draft: WrapUpView;
  caller: string;
  topics: string[];
  topicRequired: boolean;
  extendS: number | null;
}

/** Is the keyboard focus in a field where keys type text (so single-key shortcuts must not fire)? */
function typingIn(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  if (element instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"].includes(element.type);
  return element.isContentEditable || ["TEXTAREA", "SELECT"].includes(element.tagName);
}

/**
 * The operator's workspace on one screen: phone, script, caller history, prepared answers, directory and the
 * wrap-up form, with keyboard shortcuts (`?` lists them). Owns the softphone for the page's lifetime.
 */
export function DeskWorkspace({
  config,
  pauseReasons,
  initialDraft,
  autoAnswer: initialAutoAnswer,
}: {
  config: SipClientConfig;
  pauseReasons: Array<{ code: string; label: string | null }>;
  initialDraft?: WrapUpView;
  autoAnswer: boolean;
}) {
  const t = useTranslations("workspace.shortcuts");
  const controls = useSoftphone(config);
  const { state } = controls;
  const [context, setContext] = useState<CallContext>();
  const [step, setStep] = useState(0);
  const [usedAnswerIds, setUsedAnswerIds] = useState<number[]>([]);
  const [wrapUp, setWrapUp] = useState<WrapUpState>();
  const [help, setHelp] = useState(false);
  const [autoAnswer, setAutoAnswer] = useState(initialAutoAnswer);
  const devices = useDevicePreferences();
  const td = useTranslations("workspace.devices");
  const quality = useCallQuality(state.call === "talking", controls.peerConnection);
  const answersInput = useRef<HTMLInputElement>(null);
  const directoryInput = useRef<HTMLInputElement>(null);
  const wrapUpForm = useRef<HTMLFormElement>(null);

  // A wrap-up left open before a reload comes back with its call's topics.
  useEffect(() => {
    if (!initialDraft) return;
    void loadCallContextAction(initialDraft.callId).then((loaded) =>
      setWrapUp({
        draft: initialDraft,
        caller: loaded?.caller ?? "",
        topics: loaded?.topics ?? [],
        topicRequired: loaded?.topicRequired ?? false,
        extendS: loaded?.wrapUpExtendS ?? null,
      }),
    );
  }, [initialDraft]);

  // A new call rings: the script starts again, and the screen pop (script, history, topics) is loaded for it.
  const offeredCallId = state.offer?.callId;
  const [seenCallId, setSeenCallId] = useState<string>();
  if (offeredCallId && offeredCallId !== seenCallId) {
    setSeenCallId(offeredCallId);
    setStep(0);
    setUsedAnswerIds([]);
  }
  useEffect(() => {
    if (!offeredCallId) return;
    let current = true;
    void loadCallContextAction(offeredCallId).then((loaded) => {
      if (current) setContext(loaded ?? undefined);
    });
    return () => {
      current = false;
    };
  }, [offeredCallId]);

  // A call that was talked ends: the wrap-up form opens for it.
  const [previousCall, setPreviousCall] = useState(state.call);
  if (state.call !== previousCall) {
    setPreviousCall(state.call);
    if (previousCall === "talking" && context) {
      setWrapUp({
        draft: { callId: context.callId, topic: "", outcomeDetail: "", notes: "", answerIds: usedAnswerIds, extended: false },
        caller: context.caller,
        topics: context.topics,
        topicRequired: context.topicRequired,
        extendS: context.wrapUpExtendS,
      });
    }
  }

  const stepCount = context?.script.steps.length ?? 1;
  const nextStep = useCallback(() => setStep((s) => Math.min(s + 1, stepCount - 1)), [stepCount]);
  const onUsed = useCallback((id: number) => setUsedAnswerIds((ids) => (ids.includes(id) ? ids : [...ids, id])), []);
  const onDone = useCallback(() => {
    setWrapUp(undefined);
    setContext((current) => (current && current.callId === offeredCallId ? current : undefined));
    setUsedAnswerIds([]);
  }, [offeredCallId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        if (wrapUpForm.current) {
          event.preventDefault();
          wrapUpForm.current.requestSubmit();
        }
        return;
      }
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        const action: Record<string, () => void> = {
          KeyA: () => state.call === "ringing" && controls.answer(),
          KeyH: () => state.call === "talking" && controls.hangup(),
          KeyM: () => state.call === "talking" && controls.setMuted(!state.muted),
          KeyN: nextStep,
          KeyD: () => directoryInput.current?.focus(),
          KeyE: () => document.querySelector<HTMLButtonElement>('[data-testid="wrap-up-extend"]:not(:disabled)')?.click(),
        };
        const run = action[event.code];
        if (run) {
          event.preventDefault();
          run();
        }
        return;
      }
      if (typingIn(event.target) || event.ctrlKey || event.metaKey) return;
      if (event.key === "?") {
        event.preventDefault();
        setHelp(true);
      } else if (event.key === "/") {
        event.preventDefault();
        answersInput.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [controls, state.call, state.muted, nextStep]);

  // The remote party plays on the chosen speaker (headset).
  useEffect(() => {
    const audio = document.querySelector<HTMLAudioElement>('[data-testid="remote-audio"]');
    if (audio) void routeToOutput(audio, devices.speaker ?? "");
  }, [devices.speaker, state.call]);

  // A ringing call while the tab is in the background: a desktop notification (permission asked in the devices panel).
  const ringing = state.call === "ringing";
  const caller = state.offer?.caller ?? "";
  useEffect(() => {
    if (!ringing || typeof Notification === "undefined" || Notification.permission !== "granted" || devices.notifications === false || !document.hidden) return;
    const notification = new Notification(td("incomingTitle"), { body: td("incomingBody", { caller }), tag: "hotline-incoming", requireInteraction: true });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
    return () => notification.close();
  }, [ringing, caller, devices.notifications, td]);

  // Auto-answer: a short beep, then the call is answered.
  useEffect(() => {
    if (!ringing || !autoAnswer) return;
    beep();
    const timer = setTimeout(() => controls.answer(), AUTO_ANSWER_DELAY_MS);
    return () => clearTimeout(timer);
  }, [ringing, autoAnswer, controls]);

  const changeAutoAnswer = useCallback((on: boolean) => {
    setAutoAnswer(on);
    void setAutoAnswerAction(on);
  }, []);

  const live = state.call === "ringing" || state.call === "talking";
  return (
    <div className="mt-4 grid gap-3 lg:grid-cols-[minmax(0,1.1fr)_minmax(0,1fr)_minmax(0,0.9fr)]">
      <div className="flex min-w-0 flex-col gap-3">
        {/* The phone first: it is what the operator acts on, in reading and tab order. */}
        <section className={CARD}>
          <CallPanel controls={controls} />
          <MonitorNotice />
          <DialPad controls={controls} />
          {quality?.poor && (
            <div role="alert" data-testid="quality-warning" className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
              <p className="font-medium">{td("quality")}</p>
              <p>{td("qualityDetails", { loss: quality.lossPercent, jitter: quality.jitterMs, rtt: quality.rttMs })}</p>
            </div>
          )}
        </section>
        {wrapUp && (
          <WrapUpPanel
            key={wrapUp.draft.callId}
            draft={wrapUp.draft}
            caller={wrapUp.caller}
            topics={wrapUp.topics}
            topicRequired={wrapUp.topicRequired}
            extendS={wrapUp.extendS}
            usedAnswerIds={wrapUp.draft.callId === context?.callId ? usedAnswerIds : []}
            formRef={wrapUpForm}
            onDone={onDone}
          />
        )}
        <section className={CARD}>
          <ScriptPanel context={live || wrapUp ? context : undefined} step={step} onNext={nextStep} />
        </section>
      </div>
      <div className="flex min-w-0 flex-col gap-3">
        {context && (live || wrapUp) && (
          <section className={CARD}>
            <CallerHistoryPanel key={context.callId} context={context} />
          </section>
        )}
        <section className={CARD}>
          <AnswersPanel queueId={context?.queueId ?? null} callId={live || wrapUp ? (context?.callId ?? null) : null} inputRef={answersInput} onUsed={onUsed} />
        </section>
      </div>
      <div className="flex min-w-0 flex-col gap-3">
        <section className={CARD}>
          <DeskConnection />
        </section>
        <section className={CARD}>
          <StatusControls pauseReasons={pauseReasons} />
        </section>
        <section className={CARD}>
          <DirectoryPanel inputRef={directoryInput} />
        </section>
        <details className={CARD}>
          <summary className="cursor-pointer text-sm font-medium">{td("title")}</summary>
          <DevicesPanel autoAnswer={autoAnswer} onAutoAnswer={changeAutoAnswer} iceServers={config.iceServers} />
        </details>
        <button type="button" onClick={() => setHelp(true)} data-testid="shortcuts-open" aria-keyshortcuts="?" className="w-fit text-sm text-brand-700 underline">
          {t("open")}
        </button>
      </div>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

/** A short beep before an auto-answered call (WebAudio: no sound file). */
function beep(): void {
  if (typeof AudioContext === "undefined") return;
  const context = new AudioContext();
  const oscillator = context.createOscillator();
  oscillator.frequency.value = 880;
  oscillator.connect(context.destination);
  oscillator.start();
  oscillator.stop(context.currentTime + 0.15);
  oscillator.onended = () => void context.close();
}
