/**
 * Starts the call side of the process, wiring only: the media relays (media-runtime.ts), the call controller with
 * its queue engine fed from the database (engine-config.ts), the B2BUA on SIP_PORT, the operators' SIP WebSocket on
 * `/sip` (server/telephony/sip-websocket.ts), the provider registration, and the desks' requests (desk-bridge.ts).
 */
import type { Server as HttpServer } from "node:http";
import type { Database } from "../../db/client";
import type { AuthService } from "../auth/auth-service";
import type { LiveConnections } from "../auth/live-connections";
import type { Clock } from "../clock";
import { trunkSettings, type Config } from "../config/config";
import type { HealthRegistry } from "../health";
import type { Logger } from "../logger";
import type { MediaPool } from "../media";
import type { RealtimeServer } from "../realtime/socket-server";
import { ShiftScheduler } from "../staffing/shift-scheduler";
import { AddressAllowList } from "../telephony/address-allow-list";
import { B2bua } from "../telephony/b2bua";
import { listenForSipWebSockets } from "../telephony/sip-websocket";
import { startProviderRegistration } from "../telephony/provider-registration";
import { CallController } from "./call-controller";
import { recoverAfterRestart } from "./call-records";
import { controllerDeps } from "./controller-config";
import { deskCallHandlers, deskHooks } from "./desk-bridge";
import { EngineConfig } from "./engine-config";
import { startMedia } from "./media-runtime";
import { RecordingService } from "../recordings/recording-service";
import { recordingsDirOf } from "../recordings/recording-files";
import { VoicemailService } from "../voicemail/voicemail-service";
import type { BoardFeed } from "../board/board-feed";
import { startBoard } from "../board/board-runtime";
import { startOutbound } from "../outbound/outbound-wiring";
import { transferDirectory } from "../directory/directory-service";
import type { OutboundCalls } from "../outbound/outbound-calls";
import type { CallbackService } from "../callbacks/callback-service";
import { startHours, type HoursWiring } from "../hours/hours-wiring";
import { DeskHoursPush } from "../hours/hours-desk";
import type { HoursRuntime } from "../hours/hours-runtime";
import { startMonitoring } from "../monitoring/monitoring-wiring";

export interface Telephony {
  controller: CallController;
  b2bua: B2bua;
  pool: MediaPool;
  /** The supervisors' live queues panel (server/board). */
  board: BoardFeed;
  /** Operating hours: numbers' and queues' open states (server/hours). */
  hours: HoursRuntime;
  /** Call recordings: conversion after each recorded call, retention (server/recordings). */
  recordings: RecordingService;
  /** Outbound calls from the desk (server/outbound). */
  outbound: OutboundCalls;
  /** The callback work list, whose "Call back" dials from the desk. */
  callbacks: CallbackService;
  /** Re-reads queues, memberships, pause reasons and shifts into the queue engine (after admin changes). */
  syncQueues(): Promise<void>;
  /** An account's sessions ended: its softphone registration goes too. */
  dropUser(userId: number): void;
  stop(): Promise<void>;
}

export async function startTelephony(args: {
  config: Config;
  /**
   * This node takes over from another (active/standby): calls the old leader left open are closed as `node-lost`,
   * and each operator whose desk reconnects gets back the state they had there (available, or paused with its reason).
   */
  takeover?: boolean;
  database: Database;
  auth: AuthService;
  health: HealthRegistry;
  realtime: RealtimeServer;
  http: HttpServer;
  /** Live connections by session: each `/sip` WebSocket closes when its session ends. */
  connections?: LiveConnections;
  clock: Clock;
  logger: Logger;
}): Promise<Telephony> {
  const { config, database, clock, logger } = args;
  const sipHost = config.SIP_HOST ?? config.HOST;
  const advertised = config.SIP_ADVERTISED_ADDRESS ?? (sipHost === "0.0.0.0" || sipHost === "::" ? "127.0.0.1" : sipHost);
  // Call recordings (server/recordings): rtpengine spools pcaps there; converted and stored after each recorded call.
  // Only a supervised rtpengine is given the spool (external instances write on their own host).
  const recordings = new RecordingService(database.db, recordingsDirOf(config), clock, logger);
  const media = await startMedia(config, config.MEDIA_ADDRESS ?? advertised, args.health, logger, {
    recordingSpoolDir: config.RTPENGINE_URLS ? undefined : recordings.spoolDir,
  });
  await recordings.start();
  // Voicemails (server/voicemail): the same spool and folder; the outcome goes through the controller's record writer.
  const voicemail = new VoicemailService(database.db, recordings.recordingsDir, (id, patch) => controller.records.writeCall(id, patch), logger, recordings.sweeper);
  // eslint-disable-next-line prefer-const -- the controller and the configuration refer to each other
  let engineConfig: EngineConfig;
  // eslint-disable-next-line prefer-const -- the controller and the hours refer to each other
  let hours: HoursWiring;
  const controller = new CallController(
    controllerDeps({
      config,
      database,
      clock,
      logger,
      media,
      realtime: args.realtime,
      engine: () => engineConfig,
      hours: () => hours,
      recordings: config.RTPENGINE_URLS ? undefined : recordings,
      voicemail: config.RTPENGINE_URLS ? undefined : voicemail,
    }),
  );
  hours = startHours({ config, clock, logger, dispatch: (event) => controller.dispatch(event) });
  media.events.timedOut = (callId) => controller.mediaTimedOut(callId);
  media.events.lost = (callId) => controller.mediaLost(callId);
  media.events.dtmf = (callId, digit, sourceTag) => controller.callerDtmf(callId, digit, sourceTag);
  const dispatch = controller.dispatch.bind(controller);
  const shifts = new ShiftScheduler({ clock, zone: config.TIMEZONE, logger, dispatch, onStatus: (status) => controller.setShiftStatus(status) });
  engineConfig = new EngineConfig(database.db, dispatch, shifts, { clock, zone: config.TIMEZONE });
  engineConfig.synced.add((queues) => hours.runtime.reload(database.db, queues));
  const board = startBoard({ config, database, clock, logger, realtime: args.realtime, controller, engineConfig });
  // Each queue's hours on the board's panels, pushed when the hours runtime crosses a boundary (no polling).
  hours.runtime.queueHoursChanged.add((states) => board.setQueueHours(states));
  // And on each operator's desk: the hours of the queues they serve.
  const deskHours = new DeskHoursPush((userId, view) => args.realtime.publishDeskHours(userId, view));
  hours.runtime.queueHoursChanged.add((states) => deskHours.setStates(states));
  engineConfig.synced.add((queues, byUser) => deskHours.configure(queues, byUser));
  await engineConfig.sync();
  const restoring = await recoverAfterRestart(controller.records, database.db, clock, logger, { takeover: args.takeover });
  // Operators who do not come back within the logout grace start as any new login does.
  setTimeout(() => restoring.clear(), config.OPERATOR_LOGOUT_GRACE_S * 1000).unref();
  // Today's figures from today's records, now that none is left open.
  await board.rebuild();

  // Outbound calls: built once the B2BUA runs; its registrar's events reach them through this slot.
  const outboundSlot: { calls?: OutboundCalls } = {};
  const b2bua = await B2bua.start({
    sipHost,
    sipPort: config.SIP_PORT,
    advertisedAddress: advertised,
    trunkAllow: new AddressAllowList(config.TRUNK_ALLOW),
    registrationUser: config.TRUNK_REGISTRAR ? config.TRUNK_USERNAME : undefined,
    handler: controller,
    logger,
    now: () => clock.now(),
    registrarEvents: {
      registered: (binding) => dispatch({ type: "sip-registered", operatorId: String(binding.userId) }),
      unregistered: (userId) => {
        outboundSlot.calls?.operatorGone(userId);
        dispatch({ type: "sip-unregistered", operatorId: String(userId) });
      },
    },
  });
  controller.attach(b2bua);
  const { outbound, callbacks } = startOutbound({ config, database, b2bua, controller, pool: media.pool, clock, logger, operatorName: (userId) => engineConfig.operatorName(userId) });
  outboundSlot.calls = outbound;
  args.health.register("sip", () => ({ ok: true, port: b2bua.port, ...b2bua.stats, calls: controller.activeCalls }));
  if (!config.TRUNK_ALLOW) logger.warn("TRUNK_ALLOW is empty: no trunk may send calls");
  const trunk = trunkSettings(config);
  // Registration at the provider (TRUNK_REGISTRAR), on the B2BUA's layer so its calls reach us.
  const registration = trunk && startProviderRegistration(trunk, b2bua, logger, args.health);
  const callRequests = deskCallHandlers(controller, engineConfig, (userId) => engineConfig.operatorName(userId), transferDirectory(database.db));
  const hooks = deskHooks(controller, engineConfig, callRequests, restoring);
  args.realtime.setDeskHooks({
    ...hooks,
    hours: (userId) => deskHours.view(userId),
    // Available again only once the outbound call is over (the engine would offer a queue call).
    setStatus: (userId, request) =>
      request.status === "available" && outbound.isOnCall(userId) ? { ok: false, error: "on an outbound call" } : hooks.setStatus(userId, request),
  });
  // Listen and whisper from the board (server/monitoring).
  const monitoring = startMonitoring({ controller, pool: media.pool, realtime: args.realtime, clock, logger, showListening: config.MONITOR_SHOW_LISTENING });
  const stopSipWebSockets = listenForSipWebSockets({ http: args.http, publicUrl: config.PUBLIC_URL, auth: args.auth, connections: args.connections, b2bua });

  return {
    controller,
    b2bua,
    pool: media.pool,
    board,
    hours: hours.runtime,
    recordings,
    outbound,
    callbacks,
    syncQueues: () => engineConfig.sync(),
    dropUser: (userId) => b2bua.registrar.dropUser(userId),
    stop: async () => {
      stopSipWebSockets();
      shifts.stop();
      engineConfig.close();
      outbound.close();
      await monitoring.close();
      await controller.close();
      board.stop();
      hours.runtime.stop();
      await registration?.stop();
      await b2bua.close();
      await media.stop();
      await recordings.stop();
      await voicemail.stop();
    },
  };
}
