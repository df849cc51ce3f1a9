/**
 * The call controller's settings from the configuration: media relays, record spill file, media timeouts, and the
 * hooks toward the desks (operator states, supervisors' alerts, wrap-up drafts) and the engine's configuration
 * (routes, VIP priorities).
 */
import path from "node:path";
import type { Database } from "../../db/client";
import type { Clock } from "../clock";
import type { Config } from "../config/config";
import { closeDraft } from "../desk/wrap-up-service";
import type { Logger } from "../logger";
import type { RealtimeServer } from "../realtime/socket-server";
import type { CallControllerDeps } from "./call-controller";
import type { EngineConfig } from "./engine-config";
import type { MediaRuntime } from "./media-runtime";
import type { HoursWiring } from "../hours/hours-wiring";

export function controllerDeps(args: {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  media: MediaRuntime;
  realtime: RealtimeServer;
  /** The engine's configuration, read lazily (it is built after the controller, which it feeds). */
  engine: () => Pick<EngineConfig, "routeNumber" | "callerPriority" | "queueName">;
  /** Operating hours (server/hours/hours-wiring.ts): routes get the number's state and language, prompts their length. */
  hours?: () => Pick<HoursWiring, "decorate" | "durationMs"> | undefined;
  /** Stores recorded calls (server/recordings); without it nothing is recorded. */
  recordings?: CallControllerDeps["recordings"];
  /** Stores voicemails (server/voicemail). */
  voicemail?: CallControllerDeps["voicemail"];
}): CallControllerDeps {
  const { config, database, clock, logger, media, realtime } = args;
  return {
    db: database.db,
    clock,
    logger,
    media: media.factory,
    recordings: args.recordings,
    voicemail: args.voicemail,
    routeNumber: (dialed) => {
      const route = args.engine().routeNumber(dialed);
      return args.hours?.()?.decorate(route) ?? route;
    },
    publishOperatorState: (userId, state) => realtime.publishOperatorState(userId, state),
    alertSupervisors: (alert) => realtime.publishAlert(alert),
    soundDurationMs: (sound) => media.soundDurationMs(sound) || (args.hours?.()?.durationMs(sound) ?? 0),
    callerPriority: (callerNumber) => args.engine().callerPriority(callerNumber),
    queueName: (queueId) => args.engine().queueName(queueId),
    wrapUpEnded: (operatorId) =>
      void closeDraft(database.db, operatorId, new Date(clock.now())).catch((error) => logger.error("wrap-up draft not saved", { operatorId, error: String(error) })),
    records: { spillPath: path.join(path.resolve(config.DATA_DIR), "pending-records.jsonl") },
    mediaReady: (timeoutMs) => media.pool.whenAnyUp(timeoutMs),
    // Bridged callers silent this long count as gone (rtpengine's own --timeout covers queued calls).
    mediaTimeoutMs: config.RTPENGINE_TIMEOUT_S * 1000,
    mediaTimeoutEvents: !config.RTPENGINE_URLS,
    mediaSilentTimeoutMs: config.RTPENGINE_SILENT_TIMEOUT_S * 1000,
  };
}
