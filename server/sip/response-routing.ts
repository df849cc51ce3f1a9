/**
 * Server-side Via processing: `received`/`rport` stamping (RFC 3261 §18.2.1, RFC 3581 §4) and
 * where to send responses (RFC 3261 §18.2.2, RFC 3581 §4).
 * @module
 */
import { getTopVia, type SipMessage, type SipRequest } from "./message.js";
import type { Destination, MessageSource, TransportKind } from "./transport.js";
import { formatVia, type Via } from "./via.js";

/**
 * Adds `received` when the sent-by host differs from the packet's source address, and fills an
 * empty `rport` with the source port (which also forces `received`, RFC 3581 §4). Mutates the
 * top Via of `request` in place; a request without a parseable Via is left untouched.
 */
export function stampReceived(request: SipRequest, source: MessageSource): void {
  const via = getTopVia(request);
  if (via && applyReceived(via, source)) request.headers.setFirst("Via", formatVia(via));
}

/** Sets received/rport on a parsed Via per the rules above; true when it changed. */
function applyReceived(via: Via, source: MessageSource): boolean {
  const hasEmptyRport = via.params.has("rport") && via.params.get("rport") === null;
  const hostDiffers = via.host.replace(/^\[|\]$/g, "").toLowerCase() !== source.remote.address.toLowerCase();
  if (!hostDiffers && !hasEmptyRport) return false;
  via.params.set("received", source.remote.address.includes(":") ? `[${source.remote.address}]` : source.remote.address);
  if (hasEmptyRport) via.params.set("rport", String(source.remote.port));
  return true;
}

function defaultPort(transport: string): number {
  return transport === "TLS" || transport === "WSS" ? 5061 : 5060;
}

/**
 * Where a response goes (RFC 3261 §18.2.2): back on the connection the request came in on when
 * it is still open; else to `maddr` if present; else to `received` (or the sent-by host) at the
 * `rport` (or sent-by) port.
 */
export function responseDestination(via: Via, source: MessageSource | undefined): Destination {
  const transport = (source?.transport ?? via.transport) as TransportKind;
  const connection = source?.connection;
  const port = Number(via.params.get("rport") ?? NaN) || via.port || defaultPort(via.transport);
  const maddr = via.params.get("maddr");
  const received = via.params.get("received");
  const address = (maddr ?? received ?? via.host).replace(/^\[|\]$/g, "");
  const destination: Destination = { transport, address, port };
  if (connection?.open) destination.connection = connection;
  return destination;
}

/**
 * Destination for a response built outside a transaction (e.g. the 400 for an unparseable
 * request, whose Via was never stamped): applies received/rport from the packet source first,
 * and falls back to the packet source when there is no usable Via.
 */
export function responseDestinationFor(message: SipMessage, source: MessageSource): Destination {
  const via = getTopVia(message);
  if (via) {
    applyReceived(via, source);
    return responseDestination(via, source);
  }
  const destination: Destination = { transport: source.transport, address: source.remote.address, port: source.remote.port };
  if (source.connection?.open) destination.connection = source.connection;
  return destination;
}

/**
 * The packet's own source as a destination (RFC 3581 §4 style, without trusting any Via field):
 * the source address and port, and the connection it came on while that is open. Used for every
 * response to an untrusted source, so a forged Via `maddr`, `received` or sent-by can never aim
 * Hotline's responses at a third party (reflection).
 */
export function sourceDestination(source: MessageSource): Destination {
  const destination: Destination = { transport: source.transport, address: source.remote.address, port: source.remote.port };
  if (source.connection?.open) destination.connection = source.connection;
  return destination;
}
