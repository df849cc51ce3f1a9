/**
 * Hotline SIP core: the RFC 3261 layers the B2BUA stands on.
 *
 * - Syntax: {@link parseMessage} (strict, throw-free), {@link serializeMessage}, {@link Headers},
 *   URI / name-addr / Via parsers, {@link createResponse} (§8.2.6).
 * - Transactions (§17): {@link TransactionLayer} owns the four state machines and routes
 *   inbound messages; timers go through {@link TimerScheduler} so tests use a fake clock.
 * - Transports (§18): {@link UdpTransport}, {@link TcpTransport}, and
 *   {@link WebSocketTransport} (RFC 7118) behind the narrow {@link Transport} interface.
 * - {@link buildDigestAuthorization} answers 401/407 challenges (RFC 2617 / RFC 7616).
 *
 * Typical wiring:
 * ```ts
 * const udp = await UdpTransport.listen({ host: "0.0.0.0", port: 5060 });
 * const layer = new TransactionLayer({
 *   transports: [udp],
 *   user: { onRequest: (req, tx) => tx?.respond(createResponse(req, 501)) },
 * });
 * ```
 * @module
 */
export * from "./logger.js";
export * from "./result.js";
export * from "./headers.js";
export * from "./lexical.js";
export * from "./params.js";
export * from "./uri.js";
export * from "./name-addr.js";
export * from "./via.js";
export * from "./message.js";
export * from "./parser.js";
export * from "./serializer.js";
export * from "./ids.js";
export * from "./response.js";
export * from "./timers.js";
export * from "./transport.js";
export * from "./transaction.js";
export * from "./transaction-key.js";
export * from "./client-transaction-user.js";
export * from "./server-transaction-user.js";
export * from "./client-transaction-base.js";
export * from "./server-transaction-base.js";
export * from "./invite-client-transaction.js";
export * from "./non-invite-client-transaction.js";
export * from "./invite-server-transaction.js";
export * from "./non-invite-server-transaction.js";
export * from "./admission.js";
export * from "./transaction-layer.js";
export * from "./response-routing.js";
export * from "./stream-framer.js";
export * from "./udp-transport.js";
export * from "./tcp-transport.js";
export * from "./websocket-transport.js";
export * from "./digest.js";
