/**
 * What the running process offers to its surfaces (Next.js pages and API routes, Socket.IO, the
 * command line). Built once at boot by `createServices`; app/ reaches it through runtime-registry.
 */
import type { Database } from "../db/client";
import { UserService } from "./accounts/user-service";
import { AuthService } from "./auth/auth-service";
import type { Role } from "./auth/roles";
import { LiveConnections } from "./auth/live-connections";
import type { Clock } from "./clock";
import type { Config } from "./config/config";
import { HealthRegistry } from "./health";
import { FirstAdminSetup } from "./accounts/first-admin-setup";
import type { OperatorStatus } from "./realtime/events";
import type { StartCallbackResult } from "./callbacks/callback-service";

export interface Services {
  readonly config: Pick<Config, "PUBLIC_URL" | "TRUST_PROXY" | "NODE_ENV" | "TIMEZONE" | "SOUNDS_DIR" | "DATA_DIR" | "RECORDINGS_DIR">; // SOUNDS_DIR: hours (issue 11) prompts; DATA_DIR, RECORDINGS_DIR: recordings
  readonly database: Database;
  readonly auth: AuthService;
  /** Live Socket.IO and SIP WebSocket connections by user and session, closed when their session ends. */
  readonly connections: LiveConnections;
  readonly users: UserService;
  readonly health: HealthRegistry;
  readonly setup: FirstAdminSetup;
  /** Set once Socket.IO runs; lets account changes end live sockets. */
  onUserSessionsEnded?: (userId: number) => void;
  /** Set once telephony runs; queue admin changes call it so the live queue engine follows at once. */
  onQueuesChanged?: () => Promise<void>;
  /** Set once telephony runs; the desk's Done tells the queue engine the operator's wrap-up is over (`wrap-up-finished`). */
  onWrapUpDone?: (userId: number) => void;
  /** Set once telephony runs: an operator's live routing state, for the desk's directory. */
  operatorStatus?: (userId: number) => OperatorStatus | undefined;
  /** Set once telephony runs; the desk's Extend moves the end of the operator's wrap-up `byMs` later. */
  onWrapUpExtended?: (userId: number, byMs: number) => void;
  /**
   * Set once telephony runs (outbound calls): claims a callback item for the user and asks their desk to dial it;
   * nothing is claimed when no desk is open or the outbound policy refuses the number for `role`.
   */
  onCallBack?: (userId: number, target: { requestId: number } | { missedCallId: string }, role: Role) => Promise<StartCallbackResult>;
}

export function createServices(args: {
  config: Config;
  database: Database;
  sessionSecret: string;
  clock: Clock;
}): Services {
  const { config, database, clock } = args;
  const auth = new AuthService(database.db, args.sessionSecret, clock, config.SESSION_TTL_HOURS * 3_600_000, {
    maxSessionsPerUser: config.SESSION_MAX_PER_USER,
  });
  const connections = new LiveConnections((sessionId) => auth.sessionExpiry(sessionId), () => clock.now());
  connections.follow(auth);
  const services: Services = {
    config,
    database,
    auth,
    connections,
    users: new UserService(database.db, {
      logoutEverywhere: async (userId) => {
        await auth.logoutEverywhere(userId);
        services.onUserSessionsEnded?.(userId);
      },
    }),
    health: new HealthRegistry(),
    setup: new FirstAdminSetup(database.db),
  };
  services.health.register("database", async () => {
    await database.ping();
    return { ok: true, kind: database.kind };
  });
  return services;
}
