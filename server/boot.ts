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
import { startTelephony, type Telephony } from "./calls/telephony-runtime";

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface HotlineOptions {
  config: Config;
  /** `next`: serve the UI (production build, or dev mode); `none`: API-less core, for integration tests. */
  web: "next" | "next-dev" | "none";
  clock?: Clock;
  logger?: Logger;
  /** SIP, media relay and queue; off only in tests of the web and account parts. Default on. */
  telephony?: boolean;
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
  const stop = async () => {
    for (const close of stack.reverse()) await close().catch((error) => logger.error("shutdown step failed", { error: String(error) }));
    stack.length = 0;
  };

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

    let telephony: Telephony | undefined;
    const control = await listenControlSocket(controlSocketPath(dataDir), async (argv) => {
      const output = await runCommand(argv, commandContext(database.db, services.users));
      // Queues and memberships may have changed: the live queue engine follows at once.
      if (output.code === 0) await telephony?.syncQueues();
      return output;
    });
    stack.push(() => control.close());

    const handler = await webHandler(options.web, config);
    stack.push(async () => handler.close?.());
    const server = http.createServer((req, res) => {
      req.headers[CLIENT_IP_HEADER] = clientAddress(req, config.TRUST_PROXY);
      handler.handle(req, res);
    });
    server.keepAliveTimeout = 65_000;
    const realtime = createRealtimeServer(server, services.auth, { allowedOrigin: config.PUBLIC_URL });
    services.onUserSessionsEnded = (userId) => {
      realtime.disconnectUser(userId);
      telephony?.dropUser(userId);
    };
    if (options.telephony !== false) {
      // Down until started, so /api/health is 503 until SIP and media are ready.
      services.health.register("sip", () => ({ ok: false, state: "starting" }));
      services.health.register("media", () => ({ ok: false, state: "starting" }));
    }
    stack.push(() => realtime.close());

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
    if (options.telephony !== false) {
      telephony = await startTelephony({
        config,
        database,
        auth: services.auth,
        health: services.health,
        realtime,
        http: server,
        clock,
        logger,
      });
      services.onQueuesChanged = () => telephony!.syncQueues();
      services.onWrapUpDone = (userId) => telephony!.controller.dispatch({ type: "wrap-up-finished", operatorId: String(userId) });
      services.operatorStatus = (userId) => telephony!.controller.operatorState(userId)?.status;
      services.onWrapUpExtended = (userId, byMs) => telephony!.controller.dispatch({ type: "wrap-up-extended", operatorId: String(userId), byMs });
      // Stopped before the web server closes: calls end with BYE and their records are written.
      stack.push(() => telephony!.stop());
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
    return { services, telephony, url, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface WebHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close?(): Promise<void>;
}

async function webHandler(web: HotlineOptions["web"], config: Config): Promise<WebHandler> {
  if (web === "none") {
    return {
      handle: (_req, res) => {
        res.writeHead(404).end();
      },
    };
  }
  const { default: next } = await import("next");
  const app = next({ dev: web === "next-dev", dir: ROOT_DIR, hostname: config.HOST, port: config.PORT, customServer: true });
  await app.prepare();
  const handle = app.getRequestHandler();
  return { handle: (req, res) => void handle(req, res), close: () => app.close() };
}
