/**
 * HTTP upgrade hygiene on the shared web port. Every upgrade request (`GET` with `Upgrade:`) that no
 * handler claims would otherwise keep its socket open for ever: {@link refuseUnclaimedUpgrades} is
 * the last word on the server's `upgrade` event and closes those. `/sip` is taken by
 * server/telephony/sip-websocket.ts.
 */
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";

/** The path of a request ("/" when its target cannot be parsed; never throws). */
export function requestPath(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", "http://x").pathname;
  } catch {
    return "/";
  }
}

/** Answers `status` and closes the socket once written (not half-open: the peer cannot keep it). */
export function refuse(socket: Duplex, status: number, text: string): void {
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
