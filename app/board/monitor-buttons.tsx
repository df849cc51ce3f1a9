"use client";

import { useTranslations } from "next-intl";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from "react";
import type { BoardSocket } from "../lib/socket";
import type { ActiveMonitor, MonitorMode } from "./call-monitor";

/** What the board knows of this supervisor's monitoring (one at a time). */
interface MonitorState {
  callId: string;
  mode: MonitorMode;
  status: "starting" | "on" | "error";
  error?: string;
}

interface MonitorContextValue {
  state?: MonitorState;
  toggle(callId: string, mode: MonitorMode): void;
}

const MonitorContext = createContext<MonitorContextValue>({ toggle: () => {} });

/**
 * This supervisor's listen/whisper, for the rows of calls in progress. The WebRTC part (call-monitor.ts) loads only
 * when a button is pressed, so the board's first load does not carry it. `socketRef` is the board's own socket.
 */
export function MonitorProvider({ socketRef, children }: { socketRef: RefObject<BoardSocket | undefined>; children: ReactNode }) {
  const [state, setState] = useState<MonitorState>();
  const active = useRef<ActiveMonitor | undefined>(undefined);
  /** Bumped on every toggle: a start that finishes after a newer toggle is stopped at once. */
  const generation = useRef(0);
  const container = useRef<HTMLDivElement>(null);

  const stop = useCallback(() => {
    generation.current += 1;
    active.current?.stop();
    active.current = undefined;
    setState(undefined);
  }, []);

  /** The server ended the monitoring (call over, transferred, setup timed out): stop here too. */
  const onEnded = useCallback(
    ({ callId, reason }: { callId: string; reason: string }) => {
      const current = active.current;
      if (current?.callId !== callId) return;
      stop();
      if (reason !== "call-ended") setState({ callId, mode: current.mode, status: "error", error: reason });
    },
    [stop],
  );
  useEffect(() => stop, [stop]);

  const toggle = useCallback(
    (callId: string, mode: MonitorMode) => {
      const pressedAgain = state?.callId === callId && state.mode === mode && state.status !== "error";
      stop();
      const socket = socketRef.current;
      if (pressedAgain || !socket || !container.current) return;
      const mine = generation.current;
      // Attached here, not in an effect: the board's socket is opened by the parent's effect, after this one's.
      socket.off("monitor:ended", onEnded);
      socket.on("monitor:ended", onEnded);
      setState({ callId, mode, status: "starting" });
      const target = container.current;
      import("./call-monitor")
        .then(({ startMonitor }) => startMonitor({ socket, callId, mode, container: target }))
        .then(
          (monitor) => {
            if (generation.current !== mine) return monitor.stop();
            active.current = monitor;
            setState({ callId, mode, status: "on" });
          },
          (error: unknown) => {
            if (generation.current !== mine) return;
            setState({ callId, mode, status: "error", error: (error as { code?: string }).code ?? "failed" });
          },
        );
    },
    [socketRef, state, stop, onEnded],
  );

  const value = useMemo(() => ({ state, toggle }), [state, toggle]);
  return (
    <MonitorContext.Provider value={value}>
      {children}
      <div ref={container} hidden />
    </MonitorContext.Provider>
  );
}

const STOP = { listen: "stopListening", whisper: "stopWhispering", barge: "stopBarging" } as const;
const ON = { listen: "listening", whisper: "whispering", barge: "barging" } as const;

const ERRORS = ["no-call", "busy", "invalid", "no-desk", "microphone", "setup-timeout", "operator-changed", "media-lost", "board-closed"] as const;

/** Listen, whisper and barge buttons of one call in progress, with the monitoring's state when it is this call. */
export function MonitorButtons({ callId }: { callId: string }) {
  const t = useTranslations("boardMonitor");
  const { state, toggle } = useContext(MonitorContext);
  const mine = state?.callId === callId ? state : undefined;
  const errorKey = mine?.error && (ERRORS as readonly string[]).includes(mine.error) ? mine.error : "failed";
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      {(["listen", "whisper", "barge"] as const).map((mode) => {
        const pressed = mine?.mode === mode && mine.status !== "error";
        return (
          <button
            key={mode}
            type="button"
            aria-pressed={pressed}
            title={pressed ? t("stop") : t(`${mode}Hint`)}
            onClick={() => toggle(callId, mode)}
            className={`rounded border px-2 py-0.5 text-xs ${pressed ? "border-blue-700 bg-blue-700 text-white" : "border-slate-300 text-slate-800 hover:bg-slate-50"}`}
            data-testid={mode}
          >
            {pressed ? t(STOP[mode]) : t(mode)}
          </button>
        );
      })}
      {mine && (
        <span role="status" className={`text-xs ${mine.status === "error" ? "text-red-700" : "text-slate-700"}`} data-testid="monitor-status" data-status={mine.status}>
          {mine.status === "starting" ? t("starting") : mine.status === "on" ? t(ON[mine.mode]) : t(`error.${errorKey}`)}
        </span>
      )}
    </span>
  );
}
