/**
 * HTTP upgrade hygiene on the shared web port. Every upgrade request (`GET` with `Upgrade:`) that no
 * handler claims would otherwise keep its socket open for ever: {@link refuseUnclaimedUpgrades} is
 * the last word on the server's `upgrade` event and closes those. {@link sipUpgradeHandler} takes
 * `/sip` (RFC 7118 SIP over WebSocket): error handler first, a deadline for the whole handshake,
 * the session cookie checked, the connection tracked with its session (closed when it ends).
 */
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { parse as parseCookie } from "cookie";
import type { WebSocket, WebSocketServer } from "ws";
import type { User } from "../../db/schema";
import type { AuthenticatedSession } from "../auth/auth-service";
import type { LiveConnections } from "../auth/live-connections";
import { hasRole } from "../auth/roles";
import { SESSION_COOKIE } from "../auth/session-cookie";
import { isSameOrigin } from "../realtime/socket-server";

/** Default time a `/sip` upgrade may take from its request to an open WebSocket, in ms. */
export const SIP_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The path of a request ("/" when its target cannot be parsed; never throws). */
export function requestPath(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", "http://x").pathname;
  } catch {
    return "/";
  }
}

/** Answers `status` and closes the socket once written (not half-open: the peer cannot keep it). */
function refuse(socket: Duplex, status: number, text: string): void {
  if (socket.destroyed) return;
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

/**
 * Adds the server's last `upgrade` listener: an upgrade whose path `isClaimed` does not accept
 * (another listener handles those) is answered 404 and closed. Returns a function that removes it.
 */
export function refuseUnclaimedUpgrades(server: HttpServer, isClaimed: (path: string) => boolean): () => void {
  const listener = (req: IncomingMessage, socket: Duplex) => {
    if (isClaimed(requestPath(req))) return;
    socket.on("error", () => socket.destroy());
    refuse(socket, 404, "Not Found");
  };
  server.on("upgrade", listener);
  return () => server.off("upgrade", listener);
}

export interface SipUpgradeOptions {
  publicUrl: string;
  auth: { authenticateSession(token: string | undefined): Promise<AuthenticatedSession | undefined> };
  /** Where the WebSocket is tracked by its session (terminated when it ends). */
  connections?: LiveConnections;
  wss: WebSocketServer;
  /** Hands the open WebSocket to the B2BUA. */
  attach(ws: WebSocket, user: User, remote: { address: string; port: number }): void;
  handshakeTimeoutMs?: number;
}

/**
 * The `upgrade` listener for `/sip` (other paths are left to other listeners). Refuses another
 * origin (403), no session (401), a role below operator (403), no `sip` subprotocol (400), a
 * database error (503); a handshake not done within the deadline is destroyed.
 */
export function sipUpgradeHandler(options: SipUpgradeOptions) {
  const timeoutMs = options.handshakeTimeoutMs ?? SIP_HANDSHAKE_TIMEOUT_MS;
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (requestPath(req) !== "/sip") return;
    socket.on("error", () => socket.destroy());
    const deadline = setTimeout(() => socket.destroy(), timeoutMs);
    deadline.unref();
    socket.once("close", () => clearTimeout(deadline));
    const fail = (status: number, text: string) => {
      clearTimeout(deadline);
      refuse(socket, status, text);
    };
    if (!isSameOrigin(req.headers.origin, req.headers.host, options.publicUrl)) return fail(403, "Forbidden");
    const token = parseCookie(req.headers.cookie ?? "")[SESSION_COOKIE];
    options.auth.authenticateSession(token).then(
      (session) => {
        if (socket.destroyed) return;
        if (!session) return fail(401, "Unauthorized");
        const { user } = session;
        if (!hasRole(user.role, "operator")) return fail(403, "Forbidden");
        if (!String(req.headers["sec-websocket-protocol"] ?? "").split(/\s*,\s*/).includes("sip")) return fail(400, "Bad Request");
        options.wss.handleUpgrade(req, socket, head, (ws) => {
          clearTimeout(deadline);
          const untrack = options.connections?.add(
            { userId: user.id, sessionId: session.sessionId, kind: "sip", close: () => ws.terminate() },
            session.expiresAt,
          );
          ws.once("close", () => untrack?.());
          options.attach(ws, user, { address: req.socket.remoteAddress ?? "unknown", port: req.socket.remotePort ?? 0 });
        });
      },
      () => fail(503, "Service Unavailable"),
    );
  };
}
