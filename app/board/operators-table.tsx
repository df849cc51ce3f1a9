"use client";

import { useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { useReasonLabel, type PauseReasonOption } from "../components/use-reason-label";
import type { BoardAlert, BoardOperator } from "../../server/realtime/events";
import { ElapsedTime } from "../desk/elapsed-time";
import { connectBoard, type BoardSocket } from "../lib/socket";
import { OperatorActionsForm } from "./operator-actions-form";
import { useSocket } from "../lib/use-socket-state";

const STATUS_COLORS: Record<BoardOperator["status"], string> = {
  available: "bg-green-100 text-green-900",
  offered: "bg-amber-100 text-amber-900",
  "on-call": "bg-blue-100 text-blue-900",
  "wrap-up": "bg-indigo-100 text-indigo-900",
  paused: "bg-slate-200 text-slate-800",
  offline: "bg-slate-100 text-slate-500",
};

/**
 * Every operator's routing state, pushed on each change: who is available, ringing, talking, in
 * wrap-up or paused (and why, for how long), and whose login does not match their connections.
 */
export function OperatorsTable({
  names,
  pauseReasons,
}: {
  names: Record<number, string>;
  pauseReasons: readonly PauseReasonOption[];
}) {
  const t = useTranslations();
  const [operators, setOperators] = useState<Map<number, BoardOperator>>(new Map());
  const [alerts, setAlerts] = useState<BoardAlert[]>([]);
  const socketRef = useRef<BoardSocket | undefined>(undefined);
  useSocket(connectBoard, (socket) => {
    socketRef.current = socket;
    socket.on("connect", () => socket.emit("operators:get", (all) => setOperators(new Map(all.map((o) => [o.userId, o])))));
    socket.on("operator:state", (operator) => setOperators((current) => new Map(current).set(operator.userId, operator)));
    socket.on("alert", (alert) => setAlerts((current) => [alert, ...current].slice(0, 20)));
  });
  const reason = useReasonLabel(pauseReasons);
  const rows = [...operators.values()].sort((a, b) => (names[a.userId] ?? "").localeCompare(names[b.userId] ?? ""));

  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-lg font-medium">{t("board.operators")}</h2>
      {alerts.length > 0 && (
        <div role="alert" className="mt-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm" data-testid="board-alerts">
          <p className="font-medium">{t("board.alerts")}</p>
          <ul className="mt-1 list-disc ps-5">
            {alerts.map((a) => (
              <li key={`${a.userId}-${a.since}`}>
                {t("board.breakOverrun", { name: names[a.userId] ?? `#${a.userId}`, reason: reason(a.reason), minutes: Math.max(1, Math.round(a.overrunMs / 60_000)) })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="mt-3 text-slate-600">{t("board.noOperators")}</p>
      ) : (
        <table className="mt-3 w-full text-sm" data-testid="operators-table">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="py-2 text-start font-medium">{t("board.operator")}</th>
              <th className="py-2 text-start font-medium">{t("board.status")}</th>
              <th className="py-2 text-start font-medium">{t("board.reason")}</th>
              <th className="py-2 text-start font-medium">{t("board.since")}</th>
              <th className="py-2 text-start font-medium">{t("board.shift")}</th>
              <th className="py-2 text-start font-medium">{t("boardQueues.actTitle")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => {
              const mismatch = o.presence.loggedIn && (!o.presence.socketConnected || !o.presence.sipRegistered);
              return (
                <tr key={o.userId} className="border-b border-slate-100" data-testid={`operator-row-${o.userId}`}>
                  <td className="py-2">
                    {names[o.userId] ?? `#${o.userId}`}
                    {mismatch && (
                      <span className="ms-2 text-amber-700" title={t("board.mismatch")} aria-label={t("board.mismatch")} data-testid="presence-mismatch">
                        ⚠
                      </span>
                    )}
                  </td>
                  <td className="py-2">
                    <span className={`rounded px-2 py-0.5 ${STATUS_COLORS[o.status]}`} data-testid="operator-row-status" data-status={o.status}>
                      {t(`operatorStatus.status.${o.status}`)}
                    </span>
                  </td>
                  <td className="py-2">
                    {reason(o.reason)}
                    {o.pendingPause && (
                      <span className="ms-2 text-slate-600" data-testid="operator-row-pending-pause">
                        {o.pendingPause.position === undefined
                          ? t("board.pauseAfterCall", { reason: reason(o.pendingPause.reason) })
                          : t("board.pauseInLine", { reason: reason(o.pendingPause.reason), position: o.pendingPause.position })}
                      </span>
                    )}
                  </td>
                  <td className="py-2">
                    <ElapsedTime since={o.since} label={t("board.since")} />
                  </td>
                  <td className="py-2 text-slate-600" data-testid="operator-row-shift" data-on-shift={o.onShift === undefined ? "" : String(o.onShift)}>
                    {o.onShift === undefined ? t("board.noShift") : o.onShift ? t("board.onShift") : t("board.offShift")}
                  </td>
                  <td className="py-2">
                    <OperatorActionsForm userId={o.userId} name={names[o.userId] ?? `#${o.userId}`} socket={() => socketRef.current} pauseReasons={pauseReasons} reasonLabel={reason} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
