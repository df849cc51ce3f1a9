"use client";

import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import type { ConnectionState } from "../components/connection-status";
import type { DeskCallRequest, DeskCallResult, DeskClientToServer, DeskDialRequest, LoopbackReply, MonitorView, OperatorStateView, TransferTargetOption } from "../../server/realtime/events";
import type { WhisperReceiver } from "./whisper-receiver";
import type { DeskHoursView } from "../../server/hours/hours-desk";
import { connectDesk, type DeskSocket } from "../lib/socket";
import { useSocket } from "../lib/use-socket-state";

type StatusRequest = Parameters<DeskClientToServer["operator:set-status"]>[0];
export type StatusResult = { ok: true } | { ok: false; error: string };

export interface DeskSocketValue {
  connection: ConnectionState;
  /** The operator's routing state as last pushed by the server; undefined until the first push. */
  operator?: OperatorStateView;
  /** The hours of the operator's queues (issue 11), as last pushed. */
  hours?: DeskHoursView;
  setStatus(request: StatusRequest): Promise<StatusResult>;
  /** One step of the pre-call loopback check (app/desk/loopback-check.ts). */
  loopback(step: "offer" | "answer", sdp: string): Promise<LoopbackReply>;
  endLoopback(): void;
  /** Hold, resume, a keypad digit or a transfer of the current call. */
  callRequest(request: DeskCallRequest): Promise<DeskCallResult>;
  /** Queues and colleagues the current call can be transferred to. */
  transferTargets(): Promise<TransferTargetOption[]>;
  /** Outbound calls: the server asks this desk to dial (a callback clicked on /callbacks); returns the unsubscribe. */
  onDial(listener: (request: DeskDialRequest) => void): () => void;
  /** A supervisor listening to or whispering into the current call (server/monitoring); undefined when nobody. */
  monitor?: MonitorView;
}

const DeskSocketContext = createContext<DeskSocketValue | undefined>(undefined);

/** How long to wait for the server's ack before telling the operator it did not work. */
const ACK_TIMEOUT_MS = 10_000;

/**
 * The desk's ONE Socket.IO connection, shared by the connection indicator and the status controls
 * (two sockets would count as two tabs in presence and double every push). When the server ends
 * the session, useSocket leaves for the login page.
 */
export function DeskSocketProvider({ children }: { children: ReactNode }) {
  const socketRef = useRef<DeskSocket | undefined>(undefined);
  const [operator, setOperator] = useState<OperatorStateView>();
  const [hours, setHours] = useState<DeskHoursView>();
  const dialListeners = useRef(new Set<(request: DeskDialRequest) => void>());
  const [monitor, setMonitor] = useState<MonitorView>();
  /** The whisper's connection (app/desk/whisper-receiver.ts, loaded on the first whisper). */
  const whisper = useRef<WhisperReceiver | undefined>(undefined);
  const connection = useSocket(connectDesk, (socket) => {
    socketRef.current = socket;
    socket.on("monitor:state", (view) => {
      setMonitor(view ?? undefined);
      if (view?.mode !== "whisper") {
        whisper.current?.close();
        whisper.current = undefined;
      }
    });
    socket.on("monitor:whisper", (offer, ack) => {
      if (typeof ack !== "function") return;
      import("./whisper-receiver")
        .then(({ receiveWhisper }) => receiveWhisper(offer))
        .then(
          ({ answer, receiver }) => {
            whisper.current?.close();
            whisper.current = receiver;
            ack({ ok: true, sdp: answer });
          },
          (error: unknown) => {
            console.warn("whisper connection failed", error);
            ack({ ok: false, error: "failed" });
          },
        );
    });
    socket.on("disconnect", () => {
      whisper.current?.close();
      whisper.current = undefined;
      setMonitor(undefined);
    });
    socket.on("operator:state", (state) => setOperator(state));
    socket.on("desk:hours", (view) => setHours(view));
    socket.on("desk:dial", (request) => dialListeners.current.forEach((listener) => listener(request)));
  });

  const setStatus = useCallback((request: StatusRequest): Promise<StatusResult> => {
    const socket = socketRef.current;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: "disconnected" });
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit("operator:set-status", request, (error, result) => {
        resolve(error ? { ok: false, error: "timeout" } : result);
      });
    });
  }, []);

  const loopback = useCallback((step: "offer" | "answer", sdp: string): Promise<LoopbackReply> => {
    const socket = socketRef.current;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: "unavailable" });
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(`loopback:${step}`, sdp, (error, result) => resolve(error ? { ok: false, error: "failed" } : result));
    });
  }, []);
  const endLoopback = useCallback(() => void socketRef.current?.emit("loopback:end"), []);

  const callRequest = useCallback((request: DeskCallRequest): Promise<DeskCallResult> => {
    const socket = socketRef.current;
    if (!socket?.connected) return Promise.resolve({ ok: false, error: "disconnected" });
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit("call:request", request, (error, result) => resolve(error ? { ok: false, error: "timeout" } : result));
    });
  }, []);

  const transferTargets = useCallback((): Promise<TransferTargetOption[]> => {
    const socket = socketRef.current;
    if (!socket?.connected) return Promise.resolve([]);
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit("call:transfer-targets", (error, targets) => resolve(error ? [] : targets));
    });
  }, []);

  const onDial = useCallback((listener: (request: DeskDialRequest) => void) => {
    const listeners = dialListeners.current;
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);

  const value = useMemo(
    () => ({ connection, operator, hours, setStatus, loopback, endLoopback, callRequest, transferTargets, onDial, monitor }),
    [connection, operator, hours, setStatus, loopback, endLoopback, callRequest, transferTargets, onDial, monitor],
  );
  return <DeskSocketContext.Provider value={value}>{children}</DeskSocketContext.Provider>;
}

export function useDeskSocket(): DeskSocketValue {
  const value = useContext(DeskSocketContext);
  if (!value) throw new Error("useDeskSocket must be used inside <DeskSocketProvider>");
  return value;
}
