/**
 * The SIP-over-WebSocket URL (RFC 7118) on the page's own origin: the session cookie then goes with
 * the WebSocket handshake, which is how the server authenticates the softphone (no SIP password).
 * ws: under http:, wss: under https: (browsers block ws: from an https page).
 */
export function sipWebSocketUrl(location: { protocol: string; host: string }, wsPath: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const path = wsPath.startsWith("/") ? wsPath : `/${wsPath}`;
  return `${scheme}//${location.host}${path}`;
}
