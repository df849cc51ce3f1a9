"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useSyncExternalStore } from "react";
import type { QueueAlertView } from "../../server/board/board-view";
import { formatPercent } from "./board-format";

const SOUND_KEY = "hotline.board.alertSound";
const SOUND_EVENT = "hotline-board-sound";

/** The per-browser sound choice, as an external store (localStorage, changed in this tab or another). */
function subscribeSound(onChange: () => void): () => void {
  window.addEventListener("storage", onChange);
  window.addEventListener(SOUND_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(SOUND_EVENT, onChange);
  };
}
const soundOn = () => window.localStorage.getItem(SOUND_KEY) === "1";
function setSoundOn(on: boolean): void {
  window.localStorage.setItem(SOUND_KEY, on ? "1" : "0");
  window.dispatchEvent(new Event(SOUND_EVENT));
}

/** A short two-tone chime (Web Audio: no sound file to ship). */
function chime(): void {
  const AudioCtx = window.AudioContext;
  if (!AudioCtx) return;
  const ctx = new AudioCtx();
  [880, 660].forEach((frequency, i) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = frequency;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + i * 0.2);
    osc.stop(ctx.currentTime + i * 0.2 + 0.18);
  });
  setTimeout(() => void ctx.close(), 800);
}

/**
 * The banner of the queues' alerts that hold now (service level under target, a caller waiting too long, nobody
 * available while callers wait), with an optional chime when a new one is raised (the choice is kept per browser).
 */
export function BoardAlerts({ alerts }: { alerts: Array<QueueAlertView & { queue: string }> }) {
  const t = useTranslations("boardQueues");
  const sound = useSyncExternalStore(subscribeSound, soundOn, () => false);
  const seen = useRef(new Set<string>());
  const keys = alerts.map((a) => `${a.queueId}:${a.kind}:${a.since}`);
  useEffect(() => {
    const fresh = keys.filter((k) => !seen.current.has(k));
    if (fresh.length > 0 && sound) chime();
    seen.current = new Set(keys);
    // keys are derived from alerts; the join is their identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keys.join("|")]);

  return (
    <div className="mt-2">
      <label className="inline-flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={sound}
          onChange={(e) => setSoundOn(e.target.checked)}
          data-testid="alert-sound"
        />
        {t("alertSound")}
      </label>
      {alerts.length > 0 && (
        <div role="alert" className="mt-2 rounded border border-amber-400 bg-amber-50 p-3 text-sm" data-testid="queue-alerts">
          <p className="font-medium">{t("alertsTitle")}</p>
          <ul className="mt-1 list-disc ps-5">
            {alerts.map((a) => (
              <li key={`${a.queueId}-${a.kind}`} data-testid="queue-alert" data-kind={a.kind}>
                {t(`alert.${a.kind}`, {
                  queue: a.queue,
                  value: a.kind === "service-level" ? formatPercent(a.value) : a.value,
                  threshold: a.kind === "service-level" ? formatPercent(a.threshold) : a.threshold,
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
