/**
 * The session cookie's expiry follows the sliding session: when a request's authentication slid
 * its session (AuthService.authenticateSession), the response re-sends the cookie with the new
 * expiry, so the browser does not drop a cookie whose session is still alive (or keep one longer).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseCookie, serialize } from "cookie";
import { SESSION_COOKIE, sessionCookieOptions } from "../auth/session-cookie";

/**
 * Wraps `res.writeHead` once: just before the headers go out, asks `takeRefresh(token)` for a new
 * expiry and, when there is one and the response does not set the session cookie itself (login,
 * logout), appends `Set-Cookie` with it. Costs nothing for requests without a session cookie.
 */
export function refreshSessionCookie(
  req: IncomingMessage,
  res: ServerResponse,
  takeRefresh: (token: string) => Date | undefined,
  publicUrl: string,
): void {
  const token = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
  if (!token) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    res.writeHead = writeHead;
    const expires = takeRefresh(token);
    if (expires && !this.headersSent) {
      const existing = this.getHeader("set-cookie");
      const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
      if (!list.some((c) => c.startsWith(`${SESSION_COOKIE}=`))) {
        this.appendHeader("Set-Cookie", serialize(SESSION_COOKIE, token, sessionCookieOptions(publicUrl, expires)));
      }
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
