/**
 * Where an outbound INVITE goes and how it authenticates, from the configuration:
 * - `TRUNK_REGISTRAR` set (a registering account): to the registrar's host:port, Request-URI domain `TRUNK_DOMAIN`
 *   (default the registrar's host), answering 401/407 with `TRUNK_USERNAME`/`TRUNK_PASSWORD` (RFC 3261 §22);
 * - otherwise `TRUNK_OUTBOUND_PROXY` (an IP-authenticated trunk): to that host:port, domain `TRUNK_DOMAIN` or the
 *   proxy's host, with the credentials only if they are configured;
 * - neither: no route, outbound calls are refused (503).
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { DigestCredentials, Destination } from "../sip";
import { parseHostPort, type Config } from "../config/config";

export interface TrunkRoute {
  host: string;
  port: number;
  transport: "UDP" | "TCP";
  /** Request-URI and From domain. */
  domain: string;
  credentials: DigestCredentials | undefined;
  /** Caller ID when no hotline number fits: the account's user name. */
  accountUser: string | undefined;
}

/** The configured route, or undefined when outbound calls have nowhere to go. */
export function trunkRoute(config: Config): TrunkRoute | undefined {
  const target = config.TRUNK_REGISTRAR ?? config.TRUNK_OUTBOUND_PROXY;
  const hostPort = target ? parseHostPort(target) : undefined;
  if (!hostPort) return undefined;
  const credentials = config.TRUNK_USERNAME && config.TRUNK_PASSWORD ? { username: config.TRUNK_USERNAME, password: config.TRUNK_PASSWORD } : undefined;
  return {
    host: hostPort.host,
    port: hostPort.port,
    transport: config.TRUNK_TRANSPORT === "tcp" ? "TCP" : "UDP",
    domain: config.TRUNK_DOMAIN ?? hostPort.host,
    credentials,
    accountUser: config.TRUNK_USERNAME,
  };
}

/** The route's destination, its host name resolved (A/AAAA; no SRV/NAPTR, RFC 3263 is not implemented). */
export async function resolveDestination(route: TrunkRoute): Promise<Destination> {
  const bare = route.host.replace(/^\[|\]$/g, "");
  const address = isIP(bare) ? bare : (await lookup(bare)).address;
  return { transport: route.transport, address, port: route.port };
}
