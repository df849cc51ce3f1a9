/**
 * Starts the call side of the process: rtpengine (supervised child or external instances), the
 * B2BUA on SIP_PORT, the operators' SIP WebSocket on `/sip`, and the call controller with its
 * queue engine, fed from the database's queues and memberships.
 */
import type { Server as HttpServer } from "node:http";
import { statSync } from "node:fs";
import path from "node:path";
import { WebSocketServer } from "ws";
import type { Database } from "../../db/client";
import { closeOperatorStatesAfterRestart, closeOrphanedCalls } from "../../db/queries/calls";
import { listPauseReasons } from "../../db/queries/pause-reasons";
import { listAllMemberships, listHotlineNumbers, listQueues, listVipNumbers } from "../../db/queries/queues";
import { listShifts } from "../../db/queries/shifts";
import { listUsers } from "../../db/queries/users";
import type { AuthService } from "../auth/auth-service";
import type { LiveConnections } from "../auth/live-connections";
import { sipUpgradeHandler } from "../http/upgrades";
import type { Clock } from "../clock";
import { trunkSettings, type Config } from "../config/config";
import type { HealthRegistry } from "../health";
import type { Logger } from "../logger";
import { ExternalRtpengine, MediaPool, RtpengineSupervisor, type MediaInstance } from "../media";
import { MediaTimeoutListener } from "../media/timeout-listener";
import type { RealtimeServer } from "../realtime/socket-server";
import { ShiftScheduler } from "../staffing/shift-scheduler";
import { AddressAllowList } from "../telephony/address-allow-list";
import { B2bua } from "../telephony/b2bua";
import { TrunkRegistration } from "../telephony/trunk-registration";
import { closeDraft } from "../desk/wrap-up-service";
import { CallController, type RoutedNumber } from "./call-controller";
import { ALL_SOUNDS, type Sound } from "./call-media";
import { MediaBridge } from "./media-bridge";
import { queueSettingsFromRow } from "./queue-settings-mapping";
// hours (issue 11)
import { HoursRuntime } from "../hours/hours-runtime";
import { PromptCatalog } from "../hours/prompt-catalog";

export interface Telephony {
  controller: CallController;
  b2bua: B2bua;
  pool: MediaPool;
  /** Re-reads queues, memberships, pause reasons and shifts into the queue engine (after admin changes). */
  syncQueues(): Promise<void>;
  /** An account's sessions ended: its softphone registration goes too. */
  dropUser(userId: number): void;
  /** Hours (issue 11): numbers' and queues' open states. */
  hours: HoursRuntime;
  stop(): Promise<void>;
}

export async function startTelephony(args: {
  config: Config;
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
  const mediaAddress = config.MEDIA_ADDRESS ?? advertised;
  const soundsDir = path.resolve(config.SOUNDS_DIR);

  // rtpengine reports media timeouts here (XML-RPC, see MediaTimeoutListener); the controller ends those calls.
  let onMediaTimeout: (callId: string) => void = () => {};
  const timeouts = await MediaTimeoutListener.listen({ host: "127.0.0.1", onTimeout: (callId) => onMediaTimeout(callId), logger });
  const instances: MediaInstance[] = config.RTPENGINE_URLS
    ? config.RTPENGINE_URLS.split(",").map((entry) => {
        const [host = "", port = "0"] = entry.trim().split(":");
        return new ExternalRtpengine({ address: { host, port: Number(port) }, logger });
      })
    : [
        new RtpengineSupervisor({
          interfaceAddress: mediaAddress,
          ngHost: "127.0.0.1",
          ngPort: config.RTPENGINE_NG_PORT,
          portMin: config.RTP_PORT_MIN,
          portMax: config.RTP_PORT_MAX,
          mediaTimeoutSec: config.RTPENGINE_TIMEOUT_S,
          silentTimeoutSec: config.RTPENGINE_SILENT_TIMEOUT_S,
          timeoutNotifyUrl: timeouts.url,
          logger,
        }),
      ];
  const pool = new MediaPool(instances);
  await pool.start().catch(async (error: unknown) => {
    await timeouts.close();
    throw error;
  });
  args.health.register("media", () => {
    const statuses = instances.map((i) => i.status());
    // lostCalls/lastLoss: calls whose rtpengine died or restarted under them (each ended as failed, media-lost).
    return { ok: statuses.some((s) => s.up), instances: statuses, sessions: pool.sessionCounts(), ...pool.lossStats() };
  });

  const durations = new Map<Sound, number>();
  for (const sound of ALL_SOUNDS) {
    // 8 kHz, 16-bit mono: 16,000 bytes a second after the 44-byte header.
    durations.set(sound, Math.max(0, (statSync(path.join(soundsDir, `${sound}.wav`)).size - 44) / 16));
  }

  // Caller number -> VIP priority, refreshed by syncQueues. The engine takes its own VIP table
  // only when it is built, so the priority travels on each caller-entered event instead.
  let vipPriorities = new Map<string, number>();
  // Dialled number -> queue, refreshed by syncQueues like everything else the engine routes by.
  let routes = new Map<string, RoutedNumber>();
  // ---- hours (issue 11): the number's state and language decorate its route; queues open and close at boundaries ----
  const prompts = new PromptCatalog(soundsDir);
  const withHours = (route: RoutedNumber | undefined): RoutedNumber | undefined => {
    // `hours` is created with the controller below; calls only arrive once both exist.
    const state = route && hours.route(route.numberId);
    if (!route || !state) return route;
    const localize = (sound: Sound): Sound => prompts.resolve(state.language, sound) ?? sound;
    return { ...route, ...(state.queue && { queueId: state.queue.queueId, queueName: state.queue.queueName }), hours: state, localize };
  };
  // ---- end hours ----
  const controller = new CallController({
    db: database.db,
    clock,
    logger,
    media: (callId, trunkTag, callerKind) => {
      const instance = pool.acquire(callId);
      const bridge = new MediaBridge(instance.client, callId, { trunkTag, callerKind, soundsDir, logger });
      const close = bridge.close.bind(bridge);
      bridge.close = async () => {
        try {
          await close();
        } finally {
          pool.release(callId);
        }
      };
      return bridge;
    },
    routeNumber: (dialed) => withHours(routes.get(dialed)),
    publishOperatorState: (userId, state) => args.realtime.publishOperatorState(userId, state),
    alertSupervisors: (alert) => args.realtime.publishAlert(alert),
    soundDurationMs: (sound) => durations.get(sound) ?? prompts.durationMs(sound),
    callerPriority: (callerNumber) => vipPriorities.get(callerNumber),
    wrapUpEnded: (operatorId) =>
      void closeDraft(database.db, operatorId, new Date(clock.now())).catch((error) =>
        logger.error("wrap-up draft not saved", { operatorId, error: String(error) }),
      ),
    records: { spillPath: path.join(path.resolve(config.DATA_DIR), "pending-records.jsonl") },
    mediaReady: (timeoutMs) => pool.whenAnyUp(timeoutMs),
    // Bridged callers silent this long count as gone (rtpengine's own --timeout covers queued calls).
    mediaTimeoutMs: config.RTPENGINE_TIMEOUT_S * 1000,
    mediaTimeoutEvents: !config.RTPENGINE_URLS,
    mediaSilentTimeoutMs: config.RTPENGINE_SILENT_TIMEOUT_S * 1000,
  });

  onMediaTimeout = (callId) => {
    // A late report from an instance the call has since left (it was unreachable, then came back with the old
    // session) must not end the call: if the call's current instance still has its session, the report is stale.
    const instance = pool.get(callId);
    if (!instance) return controller.mediaTimedOut(callId);
    instance.client.query({ callId }).then(
      () => logger.info("stale media timeout ignored: the call lives on", { callId, instance: instance.id }),
      () => controller.mediaTimedOut(callId),
    );
  };
  // An instance that died or restarted took its calls' media with it: each call is re-created on a live instance, or
  // ended (media-lost).
  pool.onSessionsLost((loss) => {
    logger.warn("rtpengine lost its calls", { instance: loss.instanceId, state: loss.state, calls: loss.callIds.length });
    for (const callId of loss.callIds) controller.mediaLost(callId);
  });

  // Operators choose among the configured reasons only; the engine's own (missed-calls, shift-ended…) are not choices.
  let pauseReasonCodes = new Set<string>();
  const shifts = new ShiftScheduler({
    clock,
    zone: config.TIMEZONE,
    logger,
    dispatch: (event) => controller.dispatch(event),
    onStatus: (status) => controller.setShiftStatus(status),
  });

  const hours = new HoursRuntime({
    clock,
    zone: config.TIMEZONE,
    soundsDir,
    catalog: prompts,
    logger,
    setQueueOpen: (queueId, open) => controller.dispatch({ type: "queue-configured", settings: { id: String(queueId), open } }),
  });

  const syncQueues = async () => {
    const reasons = await listPauseReasons(database.db);
    pauseReasonCodes = new Set(reasons.map((r) => r.code));
    controller.dispatch({
      type: "pause-policy-configured",
      limitedPauseReasons: reasons.filter((r) => r.limited).map((r) => r.code),
      maxPauseMs: Object.fromEntries(reasons.flatMap((r) => (r.maxMinutes === null ? [] : [[r.code, r.maxMinutes * 60_000]]))),
    });
    const queues = await listQueues(database.db);
    for (const queue of queues) {
      controller.dispatch({ type: "queue-configured", settings: queueSettingsFromRow(queue) });
    }
    const byId = new Map(queues.map((q) => [q.id, q]));
    routes = new Map(
      (await listHotlineNumbers(database.db)).flatMap((n) => {
        const queue = byId.get(n.queueId);
        return queue
          ? [[n.number, { numberId: n.id, queueId: queue.id, queueName: queue.name, slThresholdS: queue.slThresholdS, shortAbandonS: queue.shortAbandonS }] as const]
          : [];
      }),
    );
    vipPriorities = new Map((await listVipNumbers(database.db)).map((vip) => [vip.number, vip.priority]));
    await hours.reload(database.db, queues); // hours (issue 11)
    const byUser = new Map<number, Array<{ queueId: string; tier: number }>>();
    for (const m of await listAllMemberships(database.db)) {
      const list = byUser.get(m.userId) ?? [];
      list.push({ queueId: String(m.queueId), tier: m.level });
      byUser.set(m.userId, list);
    }
    // Every active account can staff the desk (a supervisor may take calls too); without a
    // membership it simply serves no queue, but its presence is tracked from the first login.
    const active = (await listUsers(database.db)).filter((user) => !user.disabled);
    for (const user of active) {
      controller.dispatch({ type: "operator-configured", operatorId: String(user.id), memberships: byUser.get(user.id) ?? [] });
    }
    const specs = (await listShifts(database.db))
      .filter((shift) => !shift.disabled)
      .map((shift) => ({ operatorId: String(shift.userId), days: shift.days, startMinute: shift.startMinute, endMinute: shift.endMinute }));
    shifts.update(
      specs,
      active.map((user) => String(user.id)),
    );
  };
  await syncQueues();
  // Record writes a previous run could not deliver go first, so records it closed are not taken for orphans.
  await controller.records.replay();
  const orphans = await closeOrphanedCalls(database.db, new Date(clock.now()), "server restarted during the call");
  if (orphans > 0) logger.warn("closed calls left open by a previous run", { count: orphans });
  // Calls do not survive the process (their SIP dialogs lived in it), so nobody is still on a call: every operator
  // starts offline here and in the log, and goes available again from their desk.
  const ghosts = await closeOperatorStatesAfterRestart(database.db, new Date(clock.now()));
  if (ghosts > 0) logger.warn("closed operator states left open by a previous run", { count: ghosts });

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
      registered: (binding) => controller.dispatch({ type: "sip-registered", operatorId: String(binding.userId) }),
      unregistered: (userId) => controller.dispatch({ type: "sip-unregistered", operatorId: String(userId) }),
    },
  });
  controller.attach(b2bua);
  args.health.register("sip", () => ({ ok: true, port: b2bua.port, ...b2bua.stats, calls: controller.activeCalls }));
  if (!config.TRUNK_ALLOW) logger.warn("TRUNK_ALLOW is empty: no trunk may send calls");

  // Registration at the provider (TRUNK_REGISTRAR), on the B2BUA's layer so its calls reach us.
  const trunk = trunkSettings(config);
  const trunkRegistration =
    trunk &&
    new TrunkRegistration({
      ...trunk,
      layer: b2bua.layer,
      credentials: { username: trunk.username, password: trunk.password },
      local: b2bua.localContact(trunk.transport),
      logger,
    });
  if (trunk && trunkRegistration) {
    trunkRegistration.start();
    args.health.register("trunk", () => {
      const status = trunkRegistration.status();
      return { ok: status.state === "registered", registrar: `${trunk.registrar.host}:${trunk.registrar.port}`, ...status };
    });
  }

  args.realtime.setDeskHooks({
    connected: (userId) => {
      const operatorId = String(userId);
      controller.dispatch({ type: "operator-logged-in", operatorId });
      // Opening the desk is not being ready: the operator says so with "available". Requested
      // before the socket counts as connected, because the softphone may have registered
      // already and the operator would otherwise be offered a call at once.
      controller.dispatch({ type: "pause-requested", operatorId, reason: "not-ready" });
      controller.dispatch({ type: "socket-connected", operatorId });
    },
    disconnected: (userId) => controller.dispatch({ type: "socket-disconnected", operatorId: String(userId) }),
    loggedOut: (userId) => controller.dispatch({ type: "operator-logged-out", operatorId: String(userId) }),
    setStatus: (userId, request) => {
      const operatorId = String(userId);
      if (request.status === "paused" && !pauseReasonCodes.has(request.reason)) return { ok: false, error: "unknown pause reason" };
      controller.dispatch(
        request.status === "available" ? { type: "resume-requested", operatorId } : { type: "pause-requested", operatorId, reason: request.reason },
      );
      return { ok: true };
    },
    state: (userId) => controller.operatorState(userId),
    allStates: () => controller.allOperatorStates(),
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has("sip") ? "sip" : false),
  });
  const onUpgrade = sipUpgradeHandler({
    publicUrl: config.PUBLIC_URL,
    auth: args.auth,
    connections: args.connections,
    wss,
    attach: (ws, user, remote) => b2bua.attachWebSocket(ws, { userId: user.id, username: user.username, role: user.role }, remote),
  });
  args.http.on("upgrade", onUpgrade);

  return {
    controller,
    b2bua,
    pool,
    syncQueues,
    dropUser: (userId) => b2bua.registrar.dropUser(userId),
    hours: hours,
    stop: async () => {
      args.http.off("upgrade", onUpgrade);
      shifts.stop();
      hours.stop();
      await controller.close();
      await trunkRegistration?.stop();
      await b2bua.close();
      wss.close();
      await pool.stop();
      await timeouts.close();
    },
  };
}
