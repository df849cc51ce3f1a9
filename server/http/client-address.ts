import type { IncomingMessage } from "node:http";

/**
 * The header through which the custom server tells Next.js code the client's address (Next has no
 * access to the socket). Any value a client sends in it is overwritten.
 */
export const CLIENT_IP_HEADER = "x-hotline-client-ip";

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}
