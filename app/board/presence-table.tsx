"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import type { OnlineUser } from "../../server/realtime/events";
import { ConnectionStatus } from "../components/connection-status";
import { connectBoard } from "../lib/socket";
import { useSocket } from "../lib/use-socket-state";

/** Who has a desk open right now, pushed by the server on every change (no polling). */
export function PresenceTable() {
  const t = useTranslations();
  const [online, setOnline] = useState<OnlineUser[]>([]);
  const state = useSocket(connectBoard, (socket) => {
    socket.on("presence", setOnline);
    socket.on("connect", () => socket.emit("presence:get", setOnline));
  });
  return (
    <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex items-center justify-between">
        <h2 className="text-lg font-medium">{t("board.online")}</h2>
        <ConnectionStatus state={state} />
      </div>
      {online.length === 0 ? (
        <p className="mt-3 text-slate-600" data-testid="presence-empty">
          {t("board.nobody")}
        </p>
      ) : (
        <table className="mt-3 w-full text-start text-sm" data-testid="presence-table">
          <thead>
            <tr className="border-b border-slate-200 text-slate-600">
              <th className="py-2 text-start font-medium">{t("board.name")}</th>
              <th className="py-2 text-start font-medium">{t("board.role")}</th>
              <th className="py-2 text-start font-medium">{t("board.tabs")}</th>
            </tr>
          </thead>
          <tbody>
            {online.map((user) => (
              <tr key={user.id} className="border-b border-slate-100" data-testid={`presence-${user.username}`}>
                <td className="py-2">{user.displayName}</td>
                <td className="py-2">{t(`roles.${user.role}`)}</td>
                <td className="py-2">{user.connections}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
