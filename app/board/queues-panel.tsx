"use client";

import dynamic from "next/dynamic";
import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { applyPanelDelta } from "../../server/board/board-delta";
import type { OperatorFiguresView, QueuePanelView } from "../../server/board/board-view";
import { useNow } from "../desk/use-now";
import { connectBoard, type BoardSocket } from "../lib/socket";
import { useSocket } from "../lib/use-socket-state";
import { BoardAlerts } from "./board-alerts";
import { HoursState } from "../components/hours-state";
import { formatDuration, formatPercent, NONE, occupancy } from "./board-format";
import { MonitorButtons, MonitorProvider } from "./monitor-buttons";

/** uPlot and the charts load only when a supervisor opens a queue's charts. */
const QueueCharts = dynamic(() => import("./queue-charts").then((m) => m.QueueCharts), { ssr: false });

/**
 * The live queues panel of `/board`: per queue, who waits and for how long, who talks, the staff by state and today's
 * figures, pushed by the server on every change (`board:queue`); waits and talk times tick here, from the server's
 * timestamps corrected by its clock.
 */
export function QueuesPanel({ names, zone }: { names: Record<number, string>; zone: string }) {
  const t = useTranslations("boardQueues");
  const [queues, setQueues] = useState<Map<number, QueuePanelView>>(new Map());
  const [operators, setOperators] = useState<OperatorFiguresView[]>([]);
  const [loaded, setLoaded] = useState(false);
  /** Server clock minus ours, ms. */
  const [skew, setSkew] = useState(0);
  const socketRef = useRef<BoardSocket | undefined>(undefined);
  useSocket(connectBoard, (socket) => {
    socketRef.current = socket;
    socket.on("connect", () =>
      socket.emit("board:get", (snapshot) => {
        setSkew(snapshot.serverNow - Date.now());
        setQueues(new Map(snapshot.queues.map((q) => [q.queueId, q])));
        setOperators(snapshot.operators);
        setLoaded(true);
      }),
    );
    socket.on("board:queue", ({ queue, serverNow }) => {
      setSkew(serverNow - Date.now());
      setQueues((current) => {
        const next = applyPanelDelta(current.get(queue.queueId), queue, serverNow);
        return next ? new Map(current).set(queue.queueId, next) : current;
      });
    });
    socket.on("board:operators", ({ operators: next, serverNow }) => {
      setSkew(serverNow - Date.now());
      setOperators(next);
    });
  });
  const clientNow = useNow(true);
  const now = clientNow === 0 ? 0 : clientNow + skew;
  const panels = [...queues.values()].sort((a, b) => a.name.localeCompare(b.name));
  const name = (id: number) => names[id] ?? `#${id}`;

  return (
    <section className="mt-6" aria-labelledby="queues-title">
      <h2 id="queues-title" className="text-lg font-medium">
        {t("title")}
      </h2>
      <BoardAlerts alerts={panels.flatMap((p) => p.alerts.map((a) => ({ ...a, queue: p.name })))} />
      {loaded && panels.length === 0 && <p className="mt-3 text-slate-600">{t("noQueues")}</p>}
      <MonitorProvider socketRef={socketRef}>
        <div className="mt-3 grid gap-4 xl:grid-cols-2">
          {panels.map((q) => (
            <QueueSection key={q.queueId} queue={q} now={now} name={name} zone={zone} />
          ))}
        </div>
      </MonitorProvider>
      {operators.length > 0 && (
        <div className="mt-4 rounded-lg border border-slate-200 bg-white p-4">
          <h3 className="font-medium">{t("operatorFigures")}</h3>
          <table className="mt-2 w-full text-sm" data-testid="operator-figures">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th className="py-1 pe-3 text-start font-medium">{t("operator")}</th>
                <th className="py-1 pe-3 text-start font-medium">{t("handled")}</th>
                <th className="py-1 pe-3 text-start font-medium">{t("talkTime")}</th>
                <th className="py-1 pe-3 text-start font-medium">{t("occupancy")}</th>
              </tr>
            </thead>
            <tbody>
              {[...operators]
                .sort((a, b) => name(a.operatorId).localeCompare(name(b.operatorId)))
                .map((op) => (
                  <tr key={op.operatorId} className="border-b border-slate-100" data-testid="operator-figures-row" data-operator={op.operatorId}>
                    <td className="py-1 pe-3">{name(op.operatorId)}</td>
                    <td className="py-1 pe-3" data-testid="operator-handled">
                      {op.handled}
                    </td>
                    <td className="py-1 pe-3">
                      <bdi dir="ltr">{formatDuration(op.talkMs)}</bdi>
                    </td>
                    <td className="py-1 pe-3 tabular-nums">
                      <bdi dir="ltr">{now === 0 ? NONE : formatPercent(occupancy(op, now))}</bdi>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Figure({ label, value, testId, hint }: { label: string; value: string | number; testId?: string; hint?: string }) {
  return (
    <div className="rounded border border-slate-200 px-3 py-2" title={hint}>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="font-mono text-xl tabular-nums" dir="ltr" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function QueueSection({ queue: q, now, name, zone }: { queue: QueuePanelView; now: number; name: (id: number) => string; zone: string }) {
  const t = useTranslations("boardQueues");
  const [chartsOpen, setChartsOpen] = useState(false);
  const oldest = q.waiting.reduce<number | undefined>((min, w) => (min === undefined ? w.since : Math.min(min, w.since)), undefined);
  const longestNow = oldest === undefined || now === 0 ? 0 : Math.max(0, now - oldest);
  const alerting = q.alerts.length > 0;
  return (
    <section
      className={`rounded-lg border bg-white p-4 ${alerting ? "border-amber-400" : "border-slate-200"}`}
      data-testid="queue-panel"
      data-queue={q.name}
      aria-labelledby={`queue-${q.queueId}`}
    >
      <h3 id={`queue-${q.queueId}`} className="flex flex-wrap items-center gap-2 text-base font-semibold">
        {q.name}
        {q.hours && <HoursState hours={q.hours} zone={zone} testId="queue-hours" />}
      </h3>
      <dl className="mt-2 grid grid-cols-3 gap-2 sm:grid-cols-6">
        <Figure label={t("waiting")} value={q.waitingCount} testId="queue-waiting" />
        <Figure label={t("longestWait")} value={formatDuration(longestNow)} testId="queue-longest-wait" />
        <Figure label={t("serviceLevel")} value={formatPercent(q.today.serviceLevel)} testId="queue-service-level" hint={t("serviceLevelHint", { seconds: q.slThresholdS })} />
        <Figure label={t("answered")} value={q.today.answered} testId="queue-answered" />
        <Figure label={t("abandoned")} value={q.today.abandoned} testId="queue-abandoned" />
        <Figure label={t("offered")} value={q.today.offered} testId="queue-offered" />
      </dl>
      <p className="mt-2 text-sm text-slate-600">
        {t("today")}: {t("asa")} <span dir="ltr" data-testid="queue-asa" title={t("asaHint")}>{formatDuration(q.today.asaMs)}</span> · {t("aht")}{" "}
        <span dir="ltr" data-testid="queue-aht" title={t("ahtHint")}>{formatDuration(q.today.ahtMs)}</span> · {t("longestToday")}{" "}
        <span dir="ltr" data-testid="queue-longest-today">{formatDuration(q.today.longestWaitMs)}</span> ·{" "}
        <span data-testid="queue-short-abandons">{t("shortAbandons", { count: q.today.shortAbandons })}</span>
      </p>
      <p className="mt-1 text-sm" data-testid="queue-staff">
        {t("staff")}: {t("loggedIn")} <b>{q.staff.loggedIn}</b> · {t("available")} <b data-testid="queue-available">{q.staff.available}</b> · {t("onCall")} <b>{q.staff.onCall}</b> ·{" "}
        {t("wrapUp")} <b>{q.staff.wrapUp}</b> · {t("paused")} <b>{q.staff.paused}</b>
      </p>

      <h4 className="mt-3 text-sm font-medium">{t("waitingCallers")}</h4>
      {q.waiting.length === 0 ? (
        <p className="text-sm text-slate-600">{t("nobodyWaiting")}</p>
      ) : (
        <table className="mt-1 w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="py-1 text-start font-medium">{t("position")}</th>
              <th className="py-1 text-start font-medium">{t("caller")}</th>
              <th className="py-1 text-start font-medium">{t("waited")}</th>
            </tr>
          </thead>
          <tbody>
            {q.waiting.map((w) => (
              <tr key={w.callId} className="border-b border-slate-100" data-testid="waiting-caller" data-call={w.callId}>
                <td className="py-1">{w.position}</td>
                <td className="py-1">
                  <span dir="ltr">{w.callerName ? `${w.callerName} ` : ""}{w.callerNumber}</span>
                  {w.vip && <span className="ms-2 rounded bg-purple-100 px-1 text-xs text-purple-900" data-testid="waiting-vip">{t("vip")}</span>}
                  {w.callbackRequested && <span className="ms-2 rounded bg-sky-100 px-1 text-xs text-sky-900">{t("callback")}</span>}
                </td>
                <td className="py-1 font-mono tabular-nums" role="timer" data-testid="waiting-time">
                  <bdi dir="ltr">{now === 0 ? "0:00" : formatDuration(now - w.since)}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {q.waitingCount > q.waiting.length && <p className="text-sm text-slate-600">{t("moreWaiting", { count: q.waitingCount - q.waiting.length })}</p>}

      <h4 className="mt-3 text-sm font-medium">{t("liveCalls")}</h4>
      {q.calls.length === 0 ? (
        <p className="text-sm text-slate-600">{t("noLiveCalls")}</p>
      ) : (
        <table className="mt-1 w-full text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="py-1 text-start font-medium">{t("caller")}</th>
              <th className="py-1 text-start font-medium">{t("operator")}</th>
              <th className="py-1 text-start font-medium">{t("talk")}</th>
              <th className="py-1 text-start font-medium">{t("monitor")}</th>
            </tr>
          </thead>
          <tbody>
            {q.calls.map((c) => {
              const holding = c.heldSince === undefined ? 0 : Math.max(0, now - c.heldSince);
              return (
                <tr key={c.callId} className="border-b border-slate-100" data-testid="live-call" data-call={c.callId}>
                  <td className="py-1">
                    <bdi dir="ltr">{c.callerNumber}</bdi>
                  </td>
                  <td className="py-1">{name(c.operatorId)}</td>
                  <td className="py-1">
                    <span className="font-mono tabular-nums" dir="ltr" role="timer">
                      {now === 0 ? "0:00" : formatDuration(now - c.answeredAt - c.holdMs - holding)}
                    </span>
                    {c.heldSince !== undefined && <span className="ms-2 rounded bg-amber-100 px-1 text-xs text-amber-900" data-testid="live-call-held">{t("onHold")}</span>}
                  </td>
                  <td className="py-1">
                    <MonitorButtons callId={c.callId} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <details className="mt-3" onToggle={(e) => setChartsOpen((e.target as HTMLDetailsElement).open)}>
        <summary className="cursor-pointer text-sm font-medium">{t("charts")}</summary>
        {chartsOpen && <QueueCharts queue={q} now={now} zone={zone} />}
      </details>
    </section>
  );
}
