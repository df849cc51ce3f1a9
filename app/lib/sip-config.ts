import "server-only";
import type { User } from "../../db/schema";
import type { SipClientConfig } from "../../server/realtime/events";
import { getServices } from "../../server/runtime-registry";

/**
 * What the desk's softphone needs to register, computed on the server for the signed-in operator.
 * The AOR's host is the public host name so the operator's address reads like the product's own;
 * the WebSocket itself is on the page's origin (the browser builds that URL), so no host or port
 * is baked into the page. No ICE servers by default: on a LAN (and in tests) host candidates are
 * enough, and an empty list keeps SIP.js from falling back to a third-party STUN server.
 */
export function sipClientConfig(user: Pick<User, "username" | "displayName">): SipClientConfig {
  const host = new URL(getServices().config.PUBLIC_URL).hostname;
  return {
    wsPath: "/sip",
    aor: `sip:${user.username}@${host}`,
    displayName: user.displayName,
    iceServers: [],
  };
}
