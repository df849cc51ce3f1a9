/**
 * Starts the SIP side of the process: the B2BUA on SIP_HOST:SIP_PORT (trunks by TRUNK_ALLOW; the registrar's news
 * passed on as {@link RegistrarEvents}), its `sip` health entry, the registration at the provider (TRUNK_REGISTRAR,
 * RFC 3261 §10), and the operators' SIP WebSocket on the web port's `/sip` (RFC 7118; the upgrade and its
 * authentication are sip-websocket.ts's).
 * @module
 */
import type { Server as HttpServer } from "node:http";
import type { LiveConnections } from "../auth/live-connections";
import { trunkSettings, type Config } from "../config/config";
import type { HealthRegistry } from "../health";
import type { Logger } from "../logger";
import { AddressAllowList } from "./address-allow-list";
import { B2bua, type InboundCallHandler } from "./b2bua";
import { startProviderRegistration } from "./provider-registration";
import type { RegistrarEvents } from "./registrar";
import { listenForSipWebSockets, type SipUpgradeOptions } from "./sip-websocket";

/** The host SIP binds to, and the address put in Via/Contact/SDP toward peers (SIP_ADVERTISED_ADDRESS, else the host; 127.0.0.1 for a wildcard host). */
export function sipAddresses(config: Pick<Config, "SIP_HOST" | "HOST" | "SIP_ADVERTISED_ADDRESS">): { host: string; advertised: string } {
  const host = config.SIP_HOST ?? config.HOST;
  return { host, advertised: config.SIP_ADVERTISED_ADDRESS ?? (host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host) };
}

/** The running SIP side. */
export interface SipWiring {
  b2bua: B2bua;
  /** Stops taking operators' SIP WebSockets (first at shutdown: no new registration while calls end). */
  closeWebSockets(): void;
  /** Unregisters at the provider, then closes the B2BUA (its transports). */
  close(): Promise<void>;
}

/** Throws when the SIP port cannot be bound (as {@link B2bua.start}). */
export async function startSip(args: {
  config: Config;
  /** Takes new calls (the call controller). */
  handler: InboundCallHandler;
  registrarEvents: RegistrarEvents;
  /** Calls in progress, for the health entry. */
  activeCalls(): number;
  health: HealthRegistry;
  http: HttpServer;
  auth: SipUpgradeOptions["auth"];
  /** Live connections by session: each `/sip` WebSocket closes when its session ends. */
  connections?: LiveConnections;
  logger: Logger;
  now(): number;
}): Promise<SipWiring> {
  const { config, logger } = args;
  const address = sipAddresses(config);
  const b2bua = await B2bua.start({
    sipHost: address.host,
    sipPort: config.SIP_PORT,
    advertisedAddress: address.advertised,
    trunkAllow: new AddressAllowList(config.TRUNK_ALLOW),
    registrationUser: config.TRUNK_REGISTRAR ? config.TRUNK_USERNAME : undefined,
    handler: args.handler,
    logger,
    now: args.now,
    registrarEvents: args.registrarEvents,
  });
  args.health.register("sip", () => ({ ok: true, port: b2bua.port, ...b2bua.stats, calls: args.activeCalls() }));
  if (!config.TRUNK_ALLOW) logger.warn("TRUNK_ALLOW is empty: no trunk may send calls");
  const trunk = trunkSettings(config);
  // Registration at the provider (TRUNK_REGISTRAR), on the B2BUA's layer so its calls reach us.
  const registration = trunk && startProviderRegistration(trunk, b2bua, logger, args.health);
  const closeWebSockets = listenForSipWebSockets({ http: args.http, publicUrl: config.PUBLIC_URL, auth: args.auth, connections: args.connections, b2bua });
  return {
    b2bua,
    closeWebSockets,
    close: async () => {
      await registration?.stop();
      await b2bua.close();
    },
  };
}
