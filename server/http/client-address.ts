import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/**
 * The header through which the custom server tells Next.js code the client's address (Next has no
 * access to the socket). Any value a client sends in it is overwritten.
 */
export const CLIENT_IP_HEADER = "x-hotline-client-ip";

/**
 * The client's address. Without a trusted proxy (`trustedHops` 0) it is the socket's peer. Behind
 * `trustedHops` reverse proxies, each proxy appends the address it received the request from to
 * `X-Forwarded-For`, so the client is the entry `trustedHops` places from the right: entries further
 * left were written by the client itself and are never believed. With fewer entries than hops, the
 * leftmost entry (written by our outermost proxy). An entry that is not an IP address falls back to
 * the socket's peer. Node joins repeated `X-Forwarded-For` headers with ", ", in order.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedHops <= 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const entries = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return peer;
  const chosen = entries[Math.max(0, entries.length - trustedHops)]!;
  return isIP(chosen) ? chosen : peer;
}
