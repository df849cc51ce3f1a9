/**
 * Wiring of listen and whisper (call-monitoring-service.ts) into the running call side: calls are found in the call
 * controller and their rtpengine instance in the media pool; the supervisors' `/board` namespace (session and
 * supervisor role checked by its middleware) carries `monitor:start/answer/publish/stop`; the operators' desks get
 * `monitor:state` and the whisper offer. A monitoring belongs to the board socket that started it: that socket's
 * disconnect (tab closed, session ended: server/realtime closes a session's sockets) stops it.
 */
import { z } from "zod";
import type { CallController } from "../calls/call-controller";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { browserLegOptions, finishBrowserSdp } from "../media/leg-profiles";
import type { MediaPool } from "../media/rtpengine-supervisor";
import type { MonitorSdpReply } from "../realtime/events";
import type { RealtimeServer } from "../realtime/socket-server";
import { CallMonitoring, MonitorError } from "./call-monitoring-service";

const startSchema = z.object({ callId: z.string().min(1).max(64), mode: z.enum(["listen", "whisper", "barge"]) });

/** The board's error code for a failed step. */
function code(error: unknown): Extract<MonitorSdpReply, { ok: false }>["error"] {
  return error instanceof MonitorError ? error.code : "failed";
}

export function startMonitoring(args: {
  controller: CallController;
  pool: MediaPool;
  realtime: RealtimeServer;
  clock: Clock;
  logger: Logger;
  showListening: boolean;
}): CallMonitoring {
  const { controller, pool, realtime, logger } = args;
  const names = new Map<number, string>();
  const monitoring = new CallMonitoring({
    findCall: (callId) => {
      const session = controller.session(callId);
      const tags = session?.media.monitorTags?.();
      const instance = pool.get(callId);
      if (!session || !tags || !instance || session.operatorId === undefined || !(session.fsm.is("talking") || session.fsm.is("held"))) return undefined;
      const media = session.media;
      const takeOver =
        media.takeOverOffer && media.takeOverAnswered && media.endTakeOver
          ? { offer: (tag: string) => media.takeOverOffer!(tag), answered: (tag: string, sdp: string) => media.takeOverAnswered!(tag, sdp), end: () => media.endTakeOver!() }
          : undefined;
      return { ng: instance.client, ...tags, operatorId: Number(session.operatorId), queueId: session.queueId, takeOver };
    },
    browserProfile: browserLegOptions("offer", { injectDtmf: false }),
    finishSdp: finishBrowserSdp,
    askOperator: (operatorId, offer) =>
      realtime.askWhisper(operatorId, offer).catch((error: unknown) => {
        logger.warn("the operator's desk did not take the whisper", { operatorId, error: String(error) });
        throw error;
      }),
    tellOperator: (operatorId, view) => realtime.publishMonitorState(operatorId, view ?? null),
    tellSupervisor: (supervisorId, callId, reason) => realtime.board.to(`user:${supervisorId}`).emit("monitor:ended", { callId, reason }),
    supervisorName: (id) => names.get(id) ?? `#${id}`,
    log: (event) => controller.records.log(event),
    now: () => args.clock.now(),
    showListening: args.showListening,
  });
  controller.callChanges.add((callId, reason) => void monitoring.callChanged(callId, reason));

  /** The board socket that owns each supervisor's monitoring. */
  const owner = new Map<number, string>();
  realtime.board.on("connection", (socket) => {
    const { user } = socket.data;
    socket.on("monitor:start", (request, ack) => {
      if (typeof ack !== "function") return;
      const parsed = startSchema.safeParse(request);
      if (!parsed.success) return ack({ ok: false, error: "invalid" });
      names.set(user.id, user.displayName);
      owner.set(user.id, socket.id);
      monitoring.start(user.id, parsed.data.callId, parsed.data.mode).then(
        (sdps) => ack({ ok: true, sdps }),
        (error: unknown) => {
          if (!(error instanceof MonitorError)) logger.warn("monitoring start failed", { callId: parsed.data.callId, error: String(error) });
          ack({ ok: false, error: code(error) });
        },
      );
    });
    socket.on("monitor:answer", (sdps, ack) => {
      if (typeof ack !== "function") return;
      monitoring.answer(user.id, sdps).then(
        () => ack({ ok: true }),
        (error: unknown) => ack({ ok: false, error: code(error) }),
      );
    });
    socket.on("monitor:publish", (sdp, ack) => {
      if (typeof ack !== "function") return;
      monitoring.publish(user.id, sdp).then(
        (answer) => ack({ ok: true, sdp: answer }),
        (error: unknown) => {
          if (!(error instanceof MonitorError)) logger.warn("whisper failed", { error: String(error) });
          ack({ ok: false, error: code(error) });
        },
      );
    });
    socket.on("monitor:stop", () => void monitoring.stop(user.id));
    socket.on("disconnect", () => {
      if (owner.get(user.id) !== socket.id) return;
      owner.delete(user.id);
      void monitoring.stop(user.id, "board-closed");
    });
  });
  return monitoring;
}
