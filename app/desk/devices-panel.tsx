"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { routeToOutput, useDevicePreferences, writeDevicePreferences } from "./device-preferences";
import { Ringtone } from "./ringtone";
import { useDeskSocket } from "./desk-socket";
import { LOOPBACK_LIMITS, LoopbackFailure, runLoopbackCheck, type LoopbackResult } from "./loopback-check";

const SELECT = "rounded border border-slate-300 bg-white px-2 py-1 text-sm";

/**
 * Pre-call check and device choice: microphone (with a level meter while testing), speaker (headset) and a
 * separate ringer output, each remembered on this browser; a test tone on each output; desktop notifications
 * (asked once, with why); auto-answer for headset users (kept on the server, per operator); a connection check
 * that loops the microphone through rtpengine and back, and shows round trip, loss and jitter.
 */
export default function DevicesPanel({
  autoAnswer,
  onAutoAnswer,
  iceServers,
}: {
  autoAnswer: boolean;
  onAutoAnswer: (on: boolean) => void;
  iceServers: RTCIceServer[];
}) {
  const t = useTranslations("workspace.devices");
  const desk = useDeskSocket();
  const [check, setCheck] = useState<{ running: true } | { result: LoopbackResult } | { error: string }>();
  const preferences = useDevicePreferences();
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [level, setLevel] = useState<number>();
  const [permission, setPermission] = useState(() => (typeof Notification === "undefined" ? "denied" : Notification.permission));
  const stopTest = useRef<() => void>(undefined);

  useEffect(() => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const load = () => void navigator.mediaDevices.enumerateDevices().then(setDevices, () => undefined);
    load();
    navigator.mediaDevices.addEventListener("devicechange", load);
    return () => {
      navigator.mediaDevices.removeEventListener("devicechange", load);
      stopTest.current?.();
    };
  }, []);

  const testMicrophone = async () => {
    if (stopTest.current) return stopTest.current();
    const stream = await navigator.mediaDevices.getUserMedia({ audio: preferences.microphone ? { deviceId: { ideal: preferences.microphone } } : true });
    // Labels are only given once the page may use a microphone.
    setDevices(await navigator.mediaDevices.enumerateDevices());
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    // The graph only runs when it reaches the output: through a silent gain, so the operator does not hear themself.
    const silent = context.createGain();
    silent.gain.value = 0;
    analyser.connect(silent).connect(context.destination);
    await context.resume().catch(() => undefined);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    let shown = 0;
    const draw = () => {
      analyser.getFloatTimeDomainData(samples);
      const rms = Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
      // dBFS from -60 (empty) to 0 (full), held at its peak and falling back slowly as meters do.
      const level = rms > 0 ? Math.max(0, Math.min(100, ((20 * Math.log10(rms) + 60) / 60) * 100)) : 0;
      shown = Math.max(level, shown * 0.95);
      setLevel(Math.round(shown));
      frame = requestAnimationFrame(draw);
    };
    draw();
    stopTest.current = () => {
      cancelAnimationFrame(frame);
      stream.getTracks().forEach((track) => track.stop());
      void context.close();
      stopTest.current = undefined;
      setLevel(undefined);
    };
  };

  const testTone = async (deviceId: string | undefined) => {
    const context = new AudioContext();
    const destination = context.createMediaStreamDestination();
    const oscillator = context.createOscillator();
    oscillator.frequency.value = 660;
    oscillator.connect(destination);
    const audio = new Audio();
    audio.srcObject = destination.stream;
    await routeToOutput(audio, deviceId);
    oscillator.start();
    await audio.play().catch(() => undefined);
    setTimeout(() => {
      oscillator.stop();
      audio.pause();
      void context.close();
    }, 800);
  };

  const checkConnection = async () => {
    setCheck({ running: true });
    let stream: MediaStream | undefined;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: preferences.microphone ? { deviceId: { ideal: preferences.microphone } } : true });
      const result = await runLoopbackCheck({ stream, iceServers, exchange: desk.loopback, end: desk.endLoopback });
      setCheck({ result });
    } catch (error) {
      setCheck({ error: error instanceof LoopbackFailure ? error.code : "microphone" });
    } finally {
      stream?.getTracks().forEach((track) => track.stop());
    }
  };

  const testRinger = () => {
    const ringtone = new Ringtone(preferences.ringer);
    ringtone.start();
    setTimeout(() => ringtone.stop(), 2_500);
  };

  const select = (kind: "audioinput" | "audiooutput", key: "microphone" | "speaker" | "ringer", label: string) => (
    <label className="flex flex-col gap-1 text-sm font-medium">
      {label}
      <select
        data-testid={`device-${key}`}
        className={SELECT}
        value={preferences[key] ?? ""}
        onChange={(event) => writeDevicePreferences({ [key]: event.target.value || undefined })}
      >
        <option value="">{t("default")}</option>
        {devices
          .filter((device) => device.kind === kind && device.deviceId && device.deviceId !== "default")
          .map((device, index) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label || `${label} ${index + 1}`}
            </option>
          ))}
      </select>
    </label>
  );

  return (
    <section aria-labelledby="devices-title" className="flex flex-col gap-2" data-testid="devices">
      <h2 id="devices-title" className="text-lg font-semibold">
        {t("title")}
      </h2>
      {select("audioinput", "microphone", t("microphone"))}
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" data-testid="test-microphone" onClick={() => void testMicrophone()} className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100">
          {level === undefined ? t("testMicrophone") : t("stopTest")}
        </button>
        {level !== undefined && (
          <meter data-testid="microphone-level" data-level={level} aria-label={t("level")} min={0} max={100} low={5} high={90} optimum={50} value={level} className="h-3 w-32" />
        )}
      </div>
      {select("audiooutput", "speaker", t("speaker"))}
      <button type="button" onClick={() => void testTone(preferences.speaker)} className="w-fit rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100">
        {t("testSpeaker")}
      </button>
      {select("audiooutput", "ringer", t("ringer"))}
      <button type="button" onClick={testRinger} className="w-fit rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100">
        {t("testRinger")}
      </button>
      <div className="mt-1 flex flex-col gap-1 text-sm">
        <span className="font-medium">{t("connectionCheck")}</span>
        <span className="text-slate-600">{t("connectionCheckWhy")}</span>
        <button
          type="button"
          data-testid="loopback-check"
          disabled={check !== undefined && "running" in check}
          onClick={() => void checkConnection()}
          className="w-fit rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50"
        >
          {check !== undefined && "running" in check ? t("checking") : t("checkConnection")}
        </button>
        {check !== undefined && "result" in check && <LoopbackSummary result={check.result} />}
        {check !== undefined && "error" in check && (
          <span role="alert" data-testid="loopback-error" className="text-red-700">
            {t(`checkFailed.${check.error === "unavailable" || check.error === "ice" || check.error === "microphone" ? check.error : "failed"}`)}
          </span>
        )}
      </div>
      <div className="mt-1 flex flex-col gap-1 text-sm">
        <span className="font-medium">{t("notifications")}</span>
        {permission === "granted" ? (
          <span>{t("notificationsOn")}</span>
        ) : permission === "denied" ? (
          <span>{t("notificationsBlocked")}</span>
        ) : (
          <>
            <span className="text-slate-600">{t("notificationsWhy")}</span>
            <button
              type="button"
              data-testid="enable-notifications"
              onClick={() => void Notification.requestPermission().then((answer) => {
                setPermission(answer);
                writeDevicePreferences({ notifications: answer === "granted" });
              })}
              className="w-fit rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100"
            >
              {t("enableNotifications")}
            </button>
          </>
        )}
      </div>
      <label className="mt-1 flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          data-testid="auto-answer"
          checked={autoAnswer}
          onChange={(event) => onAutoAnswer(event.target.checked)}
          className="h-4 w-4"
        />
        {t("autoAnswer")}
      </label>
    </section>
  );
}

function LoopbackSummary({ result }: { result: LoopbackResult }) {
  const t = useTranslations("workspace.devices");
  const good =
    result.lossPercent <= LOOPBACK_LIMITS.lossPercent &&
    (result.roundTripMs ?? 0) <= LOOPBACK_LIMITS.roundTripMs &&
    (result.jitterMs ?? 0) <= LOOPBACK_LIMITS.jitterMs;
  return (
    <span
      role="status"
      data-testid="loopback-result"
      data-loss={result.lossPercent}
      data-rtt={result.roundTripMs ?? ""}
      data-received={result.packetsReceived}
      className={good ? "text-emerald-800" : "text-red-700"}
    >
      {good ? t("checkGood") : t("checkBad")}{" "}
      {t("checkFigures", {
        rtt: result.roundTripMs === undefined ? "–" : String(result.roundTripMs),
        loss: String(result.lossPercent),
        jitter: result.jitterMs === undefined ? "–" : String(result.jitterMs),
      })}
    </span>
  );
}
