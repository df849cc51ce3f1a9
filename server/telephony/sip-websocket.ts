/**
 * The operators' SIP WebSocket (RFC 7118) on the web port's `/sip`: the upgrade, its authentication (same origin,
 * the session cookie, role operator or above, the `sip` subprotocol), a deadline for the whole handshake, the
 * connection tracked with its session (closed when the session ends), then the socket handed to the B2BUA.
 */
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { parse as parseCookie } from "cookie";
import { WebSocketServer, type WebSocket } from "ws";
import type { User } from "../../db/schema";
import type { AuthenticatedSession } from "../auth/auth-service";
import type { LiveConnections } from "../auth/live-connections";
import { hasRole } from "../auth/roles";
import { SESSION_COOKIE } from "../auth/session-cookie";
import { refuse, requestPath } from "../http/upgrades";
import { isSameOrigin } from "../realtime/socket-server";
import type { B2bua } from "./b2bua";

/** Default time a `/sip` upgrade may take from its request to an open WebSocket, in ms. */
export const SIP_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Largest SIP message accepted over the WebSocket, bytes. */
const MAX_PAYLOAD = 64 * 1024;

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

/**
 * Serves `/sip` on `http` for `b2bua`: returns a function that stops taking upgrades and closes the WebSocket server.
 */
export function listenForSipWebSockets(args: {
  http: HttpServer;
  publicUrl: string;
  auth: SipUpgradeOptions["auth"];
  connections?: LiveConnections;
  b2bua: Pick<B2bua, "attachWebSocket">;
}): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    handleProtocols: (protocols) => (protocols.has("sip") ? "sip" : false),
  });
  const onUpgrade = sipUpgradeHandler({
    publicUrl: args.publicUrl,
    auth: args.auth,
    connections: args.connections,
    wss,
    attach: (ws, user, remote) => args.b2bua.attachWebSocket(ws, { userId: user.id, username: user.username, role: user.role }, remote),
  });
  args.http.on("upgrade", onUpgrade);
  return () => {
    args.http.off("upgrade", onUpgrade);
    wss.close();
  };
}
