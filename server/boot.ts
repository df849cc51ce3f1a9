/**
 * Starts the whole product in one process: database (migrated), accounts, Next.js, Socket.IO and
 * the control socket, on one HTTP port. Later parts (SIP endpoints, media relay supervisor) plug in
 * here and register their health. `stop()` shuts down in reverse order.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../db/client";
import { deleteExpiredSessions } from "../db/queries/sessions";
import { systemClock, type Clock } from "./clock";
import type { Config } from "./config/config";
import { controlSocketPath, ensureDataDir, resolveSessionSecret } from "./data-dir";
import { createLogger, type Logger } from "./logger";
import { createRealtimeServer } from "./realtime/socket-server";
import { registerServices } from "./runtime-registry";
import { createServices, type Services } from "./services";
import { listenControlSocket } from "./cli/control-socket";
import { runCommand } from "./cli/commands";
import { commandContext } from "./cli/context";
import { CLIENT_IP_HEADER, clientAddress } from "./http/client-address";
import { checkStateChangingRequest, isApiPath } from "./http/csrf";
import { refreshSessionCookie } from "./http/session-cookie-refresh";
import { refuseUnclaimedUpgrades, requestPath } from "./http/upgrades";
import { startTelephony, type Telephony } from "./calls/telephony-runtime";
import { LoopbackChecks } from "./media/loopback-check";
import { LeaderLease } from "./ha/leader-lease";
import { WeeklyReviewRuntime } from "./reports/weekly-review-runtime";
import { OutboundPolicy } from "./outbound/outbound-policy";
import { trunkRoute } from "./outbound/trunk-route";
import { callbackChecks } from "./callbacks/callback-service";
import { publicHealth } from "./health";

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface HotlineOptions {
  config: Config;
  /** `next`: serve the UI (production build, or dev mode); `none`: API-less core, for integration tests. */
  web: "next" | "next-dev" | "none";
  clock?: Clock;
  logger?: Logger;
  /** SIP, media relay and queue; off only in tests of the web and account parts. Default on. */
  telephony?: boolean;
  /**
   * With ACTIVE_STANDBY: this node lost the leader lease (or could not start as the active node) and must stop
   * serving at once; main.ts stops and exits so the service manager restarts it as a standby.
   */
  onLeadershipLost?: (reason: string) => void;
}

export interface Hotline {
  services: Services;
  telephony: Telephony | undefined;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startHotline(options: HotlineOptions): Promise<Hotline> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const dataDir = await ensureDataDir(config.DATA_DIR);
  const stack: Array<() => Promise<void>> = [];
  // Once: a second call (a signal, then a test's or a supervisor's stop) waits for the same shutdown.
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const close of stack.reverse()) await close().catch((error) => logger.error("shutdown step failed", { error: String(error) }));
      stack.length = 0;
    })());

  try {
    const database = await openDatabase(
      config.DATABASE_URL ? { kind: "postgres", url: config.DATABASE_URL } : { kind: "pglite", dataDir },
    );
    stack.push(() => database.close());
    logger.info("database ready", { kind: database.kind });
    await deleteExpiredSessions(database.db, new Date(clock.now()));

    const services = createServices({
      config,
      database,
      clock,
      sessionSecret: await resolveSessionSecret(dataDir, config.SESSION_SECRET),
    });
    registerServices(services);
    stack.push(async () => registerServices(undefined));
    services.auth.startPurging(undefined, (error) => logger.error("expired session purge failed", { error: String(error) }));
    stack.push(async () => {
      services.auth.stopPurging();
      services.connections.close();
    });

    let telephony: Telephony | undefined;
    // The last step before the database closes: records written after the calls ended (desks going offline as their
    // connections close) are flushed; what the database still does not take goes to the spill file, logged.
    stack.push(async () => {
      await telephony?.controller.records.close(RECORDS_FINAL_FLUSH_MS);
    });
    const control = await listenControlSocket(controlSocketPath(dataDir), async (argv) => {
      const output = await runCommand(argv, commandContext(database.db, services.users));
      // Queues and memberships may have changed: the live queue engine follows at once.
      if (output.code === 0) await telephony?.syncQueues();
      return output;
    });
    stack.push(() => control.close());

    const handler = await webHandler(options.web, config, services);
    stack.push(async () => handler.close?.());
    const server = http.createServer((req, res) => {
      req.headers[CLIENT_IP_HEADER] = clientAddress(req, config.TRUST_PROXY ? config.TRUST_PROXY_HOPS : 0);
      if (isApiPath(requestPath(req))) {
        const verdict = checkStateChangingRequest(req.method ?? "GET", (name) => req.headers[name] as string | undefined, config.PUBLIC_URL);
        if (!verdict.ok) {
          res.writeHead(verdict.status, { "Content-Type": "application/json" }).end(JSON.stringify({ error: verdict.error }));
          return;
        }
      }
      refreshSessionCookie(req, res, (token) => services.auth.takeCookieRefresh(token), config.PUBLIC_URL);
      handler.handle(req, res);
    });
    server.keepAliveTimeout = 65_000;
    const realtime = createRealtimeServer(server, services.auth, {
      allowedOrigin: config.PUBLIC_URL,
      connections: services.connections,
      logoutGraceMs: config.OPERATOR_LOGOUT_GRACE_S * 1000,
      sessionEnds: services.auth,
    });
    // The last upgrade listener: Socket.IO and /sip (while telephony runs) claim theirs, the rest are closed.
    let sipClaimed = false;
    const stopRefusing = refuseUnclaimedUpgrades(server, (p) => p.startsWith("/socket.io/") || (sipClaimed && p === "/sip"));
    stack.push(async () => stopRefusing());
    services.onUserSessionsEnded = (userId) => {
      realtime.disconnectUser(userId);
      telephony?.dropUser(userId);
    };
    if (options.telephony !== false) {
      // Down until started, so /api/health is 503 until SIP and media are ready.
      services.health.register("sip", () => ({ ok: false, state: "starting" }));
      services.health.register("media", () => ({ ok: false, state: "starting" }));
    }

    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    stack.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    );
    // Before the HTTP server's close (which waits for every connection): desks' and boards' Socket.IO connections
    // are closed by the server, or a browser left open would hold the shutdown until its deadline.
    stack.push(() => realtime.close());
    /** Starts SIP, media and the queue engine; with ACTIVE_STANDBY only once this node holds the leader lease. */
    const runTelephony = async () => {
      telephony = await startTelephony({
        config,
        takeover: config.ACTIVE_STANDBY,
        database,
        auth: services.auth,
        health: services.health,
        realtime,
        http: server,
        connections: services.connections,
        clock,
        logger,
      });
      services.onQueuesChanged = () => telephony!.syncQueues();
      registerDatabaseHealth(services, telephony);
      services.onWrapUpDone = (userId) => telephony!.controller.dispatch({ type: "wrap-up-finished", operatorId: String(userId) });
      services.operatorStatus = (userId) => telephony!.controller.operatorState(userId)?.status;
      services.onWrapUpExtended = (userId, byMs) => telephony!.controller.dispatch({ type: "wrap-up-extended", operatorId: String(userId), byMs });
      // Outbound calls (hook): "Call back" on /callbacks claims the item and has the operator's desk dial it.
      // Nothing is claimed when no desk is open, no trunk is set up, or the allow-list refuses the number (the page
      // says which).
      const callbackPolicy = new OutboundPolicy(database.db, undefined);
      const trunk = trunkRoute(config) !== undefined;
      services.onCallBack = (userId, target, role) =>
        telephony!.callbacks.startCallback(
          userId,
          target,
          (request) => realtime.publishDial(userId, request),
          callbackChecks({ hasDesk: () => realtime.hasDesk(userId), trunk, policy: callbackPolicy, role }),
        );
      // Stopped before the web server closes: calls end with BYE and their records are written.
      sipClaimed = true;
      stack.push(() => {
        sipClaimed = false;
        return telephony!.stop();
      });
      // The weekly reviews: generated on the active node only, one timer until the next week ends.
      const weeklyReviews = new WeeklyReviewRuntime({ db: database.db, zone: config.TIMEZONE, clock, logger });
      weeklyReviews.start();
      stack.push(() => weeklyReviews.stop());
      // The desk's pre-call check: a loopback through rtpengine; its sessions end before rtpengine stops.
      const loopbackChecks = new LoopbackChecks(telephony.pool);
      realtime.setLoopbackHooks(loopbackChecks);
      stack.push(async () => {
        realtime.setLoopbackHooks(undefined);
        await loopbackChecks.close();
      });
    };
    if (options.telephony !== false && !config.ACTIVE_STANDBY) await runTelephony();
    if (options.telephony !== false && config.ACTIVE_STANDBY) {
      const standby = new AbortController();
      let lease: LeaderLease | undefined;
      services.health.register("leader", () => ({ ok: lease !== undefined, role: lease ? "active" : "standby" }));
      stack.push(async () => {
        standby.abort(new Error("shutting down"));
        await lease?.release();
      });
      void LeaderLease.acquire(config.DATABASE_URL!, { logger, signal: standby.signal })
        .then(async (acquired) => {
          lease = acquired;
          acquired.on("lost", (reason) => options.onLeadershipLost?.(reason));
          await runTelephony();
        })
        .catch((error: unknown) => {
          if (!standby.signal.aborted) options.onLeadershipLost?.(`could not start as the active node: ${String(error)}`);
        });
    }
    const port = (server.address() as AddressInfo).port;
    const url = config.PUBLIC_URL.replace(/:\d+$/, `:${port}`);

    const bootstrap = await services.setup.bootstrap(services.users, {
      username: config.ADMIN_USERNAME,
      password: config.ADMIN_PASSWORD,
    });
    if (bootstrap.created) logger.info("first administrator created from ADMIN_USERNAME", { username: bootstrap.created });
    if (bootstrap.error) logger.error("could not create the first administrator", { error: bootstrap.error });
    if (bootstrap.setupToken) {
      logger.warn(`no administrator yet: open ${url}/setup?token=${bootstrap.setupToken} to create one (works once)`);
    }
    logger.info("hotline listening", { url, port });
    return {
      services,
      get telephony() {
        return telephony;
      },
      url,
      port,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The database part of `/api/health`, with the call records' write-behind buffer: `state` is `degraded` (still
 * `ok`: calls go on) while record writes wait for a retry or sit in the spill file, `down` when the database does not
 * answer; `records` gives the pending count (see CallRecords.status).
 */
function registerDatabaseHealth(services: Services, telephony: Telephony): void {
  const { database } = services;
  services.health.register("database", async () => {
    const records = telephony.controller.records.status();
    try {
      await database.ping();
    } catch (error) {
      return { ok: false, kind: database.kind, state: "down", error: error instanceof Error ? error.message : String(error), records };
    }
    return { ok: true, kind: database.kind, state: records.degraded ? "degraded" : "up", records };
  });
}

/** The records' final flush at shutdown, after the call controller's own (5 s), ms. */
const RECORDS_FINAL_FLUSH_MS = 1_000;

/** How long a signalled shutdown may take before the process exits anyway (exit code 1), ms. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * Stops the Hotline on the first SIGTERM or SIGINT, then exits: 0 when every step finished, 1 when one failed or
 * `deadlineMs` passed. The steps (see Hotline.stop): no new calls (503), BYE on both legs of every live call, every
 * rtpengine session deleted, every record write flushed (bounded; the rest spilled to DATA_DIR for the next start),
 * then the web server and the database. Each is logged. `signals` and `exit` are the process's by default.
 */
export function stopOnSignals(
  hotline: Pick<Hotline, "stop">,
  options: { logger: Logger; signals?: NodeJS.EventEmitter; exit?: (code: number) => void; deadlineMs?: number },
): void {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    options.logger.info("shutting down", { signal });
    // A stuck close must not keep a supervisor waiting forever.
    const deadline = setTimeout(() => {
      options.logger.error("shutdown deadline passed, exiting anyway", { deadlineMs: options.deadlineMs ?? SHUTDOWN_DEADLINE_MS });
      exit(1);
    }, options.deadlineMs ?? SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    hotline.stop().then(
      () => {
        clearTimeout(deadline);
        options.logger.info("shutdown complete", { ms: Math.round(performance.now() - started) });
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        options.logger.error("shutdown failed", { error: String(error) });
        exit(1);
      },
    );
  };
  signals.on("SIGTERM", () => shutdown("SIGTERM"));
  signals.on("SIGINT", () => shutdown("SIGINT"));
}

interface WebHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close?(): Promise<void>;
}

async function webHandler(web: HotlineOptions["web"], config: Config, services: Services): Promise<WebHandler> {
  if (web === "none") {
    // The API-less core still answers load balancers' health checks (as app/api/health does, without details).
    return {
      handle: (req, res) => {
        if (req.method !== "GET" || requestPath(req) !== "/api/health") return void res.writeHead(404).end();
        void services.health.report().then((report) => {
          res
            .writeHead(report.status === "ok" ? 200 : 503, { "Content-Type": "application/json", "Cache-Control": "no-store" })
            .end(JSON.stringify(publicHealth(report)));
        });
      },
    };
  }
  const { default: next } = await import("next");
  const app = next({ dev: web === "next-dev", dir: ROOT_DIR, hostname: config.HOST, port: config.PORT, customServer: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  return { handle: (req, res) => void handle(req, res), close: () => app.close() };
}
