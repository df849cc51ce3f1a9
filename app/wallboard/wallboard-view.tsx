"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { WallboardQueueView } from "../../server/board/board-view";
import type { WallboardClientToServer, WallboardServerToClient } from "../../server/realtime/events";
import { formatDuration, formatPercent } from "../board/board-format";
import { useNow } from "../desk/use-now";
import { useSocket } from "../lib/use-socket-state";
import { availableLevel, LEVEL_CLASSES, serviceLevelLevel, waitLevel, type Level } from "./wallboard-colours";

type WallboardSocket = Socket<WallboardServerToClient, WallboardClientToServer>;
const connectWallboard = (): WallboardSocket => io("/wallboard", { withCredentials: true, transports: ["websocket", "polling"] });

/** Every queue's large figures, pushed on change; the longest wait ticks here. Fills the screen without scrolling. */
export function WallboardView() {
  const t = useTranslations("boardQueues");
  const [queues, setQueues] = useState<Map<number, WallboardQueueView>>(new Map());
  const [skew, setSkew] = useState(0);
  const connection = useSocket(connectWallboard, (socket) => {
    socket.on("connect", () =>
      socket.emit("wallboard:get", (snapshot) => {
        setSkew(snapshot.serverNow - Date.now());
        setQueues(new Map(snapshot.queues.map((q) => [q.queueId, q])));
      }),
    );
    socket.on("wallboard:queue", ({ queue, serverNow }) => {
      setSkew(serverNow - Date.now());
      setQueues((current) => new Map(current).set(queue.queueId, queue));
    });
  });
  const clientNow = useNow(true);
  const now = clientNow === 0 ? 0 : clientNow + skew;
  const list = [...queues.values()].sort((a, b) => a.name.localeCompare(b.name));
  const columns = Math.max(1, Math.ceil(Math.sqrt(list.length)));
  const rows = Math.max(1, Math.ceil(list.length / columns));

  return (
    <main className="flex h-screen flex-col overflow-hidden bg-slate-950 p-[1vmin] text-white" data-testid="wallboard">
      <h1 className="sr-only">{t("wallboardTitle")}</h1>
      {connection === "disconnected" && (
        <p role="status" className="bg-red-700 p-2 text-center text-[3vmin]" data-testid="wallboard-offline">
          {t("wallboardOffline")}
        </p>
      )}
      <div className="grid flex-1 gap-[1vmin]" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}>
        {list.map((q) => {
          const waitMs = q.oldestWaitingSince === undefined || now === 0 ? 0 : Math.max(0, now - q.oldestWaitingSince);
          const scale = `${Math.max(2, 9 / columns)}vmin`;
          return (
            <section key={q.queueId} className={`flex flex-col rounded-lg border-4 p-[1vmin] ${q.alerting ? "border-red-500" : "border-slate-800"}`} data-testid="queue-panel" data-queue={q.name} aria-label={q.name}>
              <h2 className="truncate font-semibold" style={{ fontSize: `calc(${scale} * 0.5)` }}>
                {q.name}
              </h2>
              <dl className="grid flex-1 grid-cols-2 gap-[1vmin]">
                <Big label={t("waiting")} value={String(q.waitingCount)} level={q.waitingCount === 0 ? "good" : waitLevel(q, waitMs)} testId="queue-waiting" size={scale} />
                <Big label={t("longestWait")} value={formatDuration(waitMs)} level={waitLevel(q, waitMs)} testId="queue-longest-wait" size={scale} />
                <Big label={t("serviceLevel")} value={formatPercent(q.serviceLevel)} level={serviceLevelLevel(q)} testId="queue-service-level" size={scale} />
                <Big label={t("available")} value={String(q.available)} level={availableLevel(q)} testId="queue-available" size={scale} />
              </dl>
            </section>
          );
        })}
      </div>
    </main>
  );
}

function Big({ label, value, level, testId, size }: { label: string; value: string; level: Level; testId: string; size: string }) {
  return (
    <div className={`flex flex-col items-center justify-center rounded ${LEVEL_CLASSES[level]}`} data-level={level}>
      <dt style={{ fontSize: `calc(${size} * 0.35)` }}>{label}</dt>
      <dd className="font-mono font-bold tabular-nums leading-none" dir="ltr" style={{ fontSize: size }} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
