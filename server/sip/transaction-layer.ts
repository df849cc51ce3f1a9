/**
 * The transaction layer (RFC 3261 §17): owns every transaction, parses inbound bytes, routes
 * messages to their transaction or up to the transaction user, and forgets transactions as
 * soon as they terminate so memory stays bounded.
 *
 * Bounds against hostile traffic (defaults; see {@link TransactionLayerOptions}):
 * - a {@link SourceAdmission} is asked before a stranger's request is parsed: over its rate it is
 *   dropped and nothing is allocated;
 * - at most 10 000 server (and 10 000 client) transactions, of which strangers hold at most 1 000,
 *   so trusted sources (trunks, operator WebSockets) always have 9 000;
 * - every server transaction awaiting the TU ends with a final response of the layer's own if the
 *   TU sends none: INVITE 408 after 32 s (64*T1), others 500 after 8 s (16*T1), and 500 at once
 *   when the TU throws;
 * - responses to strangers go only to the packet's source, and their error responses (with
 *   retransmissions) are admitted one by one.
 * @module
 */
import { TRUST_EVERY_SOURCE, type SourceAdmission } from "./admission.js";
import { silentLogger, type Logger } from "./logger.js";
import { getCallId, getTopVia, type SipMessage, type SipRequest, type SipResponse } from "./message.js";
import { parseMessage } from "./parser.js";
import { createErrorResponse, createResponse } from "./response.js";
import { responseDestination, responseDestinationFor, sourceDestination, stampReceived } from "./response-routing.js";
import { serializeMessage } from "./serializer.js";
import { DEFAULT_TIMER_CONFIG, realTimers, type TimerConfig, type TimerScheduler } from "./timers.js";
import { clientTransactionKey, serverTransactionKey } from "./transaction-key.js";
import { isReliableTransport, type Destination, type MessageSource, type Transport, type TransportKind } from "./transport.js";
import type { Transaction, TransactionContext } from "./transaction.js";
import type { ClientTransactionUser } from "./client-transaction-user.js";
import { InviteClientTransaction } from "./invite-client-transaction.js";
import { NonInviteClientTransaction } from "./non-invite-client-transaction.js";
import { InviteServerTransaction } from "./invite-server-transaction.js";
import { NonInviteServerTransaction } from "./non-invite-server-transaction.js";

/** True when the bytes start like a status line (RFC 3261 §7.2), i.e. a response, not a request. */
function isResponseBytes(raw: Buffer): boolean {
  return raw[0] === 0x53 && raw[1] === 0x49 && raw[2] === 0x50 && raw[3] === 0x2f; // "SIP/"
}

/** Failures of stateless sends are already logged by sendTo; nothing else can be done. */
const ignore = (): void => undefined;

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** The layer above (UA core / B2BUA). */
export interface TransactionUser {
  /**
   * A request that matched no transaction. A new server transaction has been created for it,
   * except for ACK (an ACK never creates one, RFC 3261 §17.2.3): then `transaction` is undefined
   * and the ACK belongs to a 2xx the TU sent.
   */
  onRequest(request: SipRequest, transaction: ServerTransaction | undefined, source: MessageSource): void;
  // Any exception thrown by onRequest ends its server transaction with 500 (see TransactionLayer).
  /** A response that matched no client transaction (e.g. a late 2xx retransmission). */
  onStrayResponse?(response: SipResponse, source: MessageSource): void;
}

export interface TransactionLayerOptions {
  transports: readonly Transport[];
  user: TransactionUser;
  timers?: TimerScheduler;
  timerConfig?: Partial<TimerConfig>;
  logger?: Logger;
  /**
   * Upper bound of live transactions per direction (default 10 000). New requests beyond it
   * get a stateless 503 so a flood cannot exhaust memory.
   */
  maxTransactions?: number;
  /**
   * Upper bound of live server transactions created by untrusted sources (default 1 000). The rest
   * of `maxTransactions` is reserved for trusted sources, so strangers can never crowd out a
   * trunk. Beyond it, untrusted requests get a 503 (subject to {@link SourceAdmission.admitErrorResponse}).
   */
  maxUntrustedTransactions?: number;
  /**
   * Who is trusted and how fast strangers may talk; asked before anything is allocated for a
   * request. Default: every source trusted, nothing limited.
   */
  admission?: SourceAdmission;
  /**
   * How long the TU has to send a final response, in ms, before the layer sends one itself:
   * 408 for INVITE (RFC 3261 §21.4.9), 500 for other methods (RFC 4320 §4.2 forbids 408 there).
   * Defaults: INVITE 64*T1 (32 s, the UAC's Timer B horizon); non-INVITE 16*T1 (8 s, well inside
   * the UAC's Timer F of 64*T1 so the answer still reaches it).
   */
  tuDeadlineMs?: { invite?: number; nonInvite?: number };
  /** Passed to the parser: accept requests whose top Via lacks a branch. Default false. */
  acceptMissingBranch?: boolean;
}

export class TransactionLayer {
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly transports = new Map<TransportKind, Transport>();
  private readonly timers: TimerScheduler;
  private readonly config: TimerConfig;
  private readonly logger: Logger;
  private readonly maxTransactions: number;
  private readonly maxUntrusted: number;
  /** Server transactions created by untrusted sources (a subset of `servers`). */
  private readonly untrustedServers = new Set<ServerTransaction>();
  private readonly admission: SourceAdmission;
  private readonly inviteDeadlineMs: number;
  private readonly nonInviteDeadlineMs: number;
  /** Requests refused for a full table since the last warning, and when that was (ms epoch). */
  private refusedForFullTable = 0;
  private lastTableFullWarning = -Infinity;

  constructor(private readonly options: TransactionLayerOptions) {
    this.timers = options.timers ?? realTimers;
    this.config = { ...DEFAULT_TIMER_CONFIG, ...options.timerConfig };
    this.logger = options.logger ?? silentLogger;
    this.maxTransactions = options.maxTransactions ?? 10_000;
    this.maxUntrusted = Math.min(options.maxUntrustedTransactions ?? 1_000, this.maxTransactions);
    this.admission = options.admission ?? TRUST_EVERY_SOURCE;
    this.inviteDeadlineMs = options.tuDeadlineMs?.invite ?? 64 * this.config.t1;
    this.nonInviteDeadlineMs = options.tuDeadlineMs?.nonInvite ?? 16 * this.config.t1;
    for (const transport of options.transports) {
      this.transports.set(transport.kind, transport);
      transport.onMessage((raw, source) => this.receive(raw, source));
    }
  }

  /**
   * Live transaction counts, for metrics and for tests of bounded memory: `server` includes the
   * `untrusted` ones (bounded by maxUntrustedTransactions).
   */
  get size(): { client: number; server: number; untrusted: number } {
    return { client: this.clients.size, server: this.servers.size, untrusted: this.untrustedServers.size };
  }

  /** Finds a live client transaction by the key of its request (for tests and CANCEL). */
  findClientTransaction(request: SipRequest): ClientTransaction | undefined {
    const key = clientTransactionKey(request);
    return key === undefined ? undefined : this.clients.get(key);
  }

  /**
   * The INVITE server transaction a CANCEL refers to (RFC 3261 §9.2: same matching as §17.2.3
   * but with method INVITE), so the TU can answer 487 on it.
   */
  findInviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = serverTransactionKey({ ...cancel, method: "INVITE" });
    const tx = key === undefined ? undefined : this.servers.get(key);
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  /**
   * Entry point for raw inbound bytes (transports call it through onMessage). Never throws.
   * A request from an untrusted source is admitted ({@link SourceAdmission.admitRequest}) before
   * it is even parsed, so a flood over a stranger's rate costs one lookup per datagram and
   * allocates nothing (retransmissions and ACKs count like new requests for strangers). Malformed
   * requests get their 400/416/505; malformed responses and garbage are dropped.
   */
  receive(raw: Buffer, source: MessageSource): void {
    try {
      // Responses (to our client transactions, e.g. from a registrar that is no trunk) are not
      // rate limited; everything else from a stranger is. (Bytes starting "SIP/" always parse as
      // a response or are dropped, so they can never create a server transaction.)
      const response = isResponseBytes(raw);
      const trusted = !response && this.admission.isTrusted(source);
      if (!response && !trusted && !this.admission.admitRequest(source)) return;
      const result = parseMessage(raw, {
        framing: source.transport === "TCP" || source.transport === "TLS" ? "stream" : "datagram",
        requireViaBranch: !this.options.acceptMissingBranch,
      });
      if (!result.ok) {
        this.logger.debug("sip parse failure", { reason: result.reason, kind: result.kind, from: source.remote });
        // Never answer an ACK: there is no response to an ACK (RFC 3261 §17.1.1.3).
        if (result.kind === "bad-request" && result.method !== "ACK") this.sendStatelessResponse(createErrorResponse(result), source, trusted);
        return;
      }
      if (result.message.type === "request") this.receiveRequest(result.message, source, trusted);
      else this.receiveResponse(result.message, source);
    } catch (err) {
      // A TU callback threw; the layer must survive it.
      this.logger.error("sip receive failed", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private receiveRequest(request: SipRequest, source: MessageSource, trusted: boolean): void {
    stampReceived(request, source);
    const key = serverTransactionKey(request);
    const existing = key === undefined ? undefined : this.servers.get(key);
    if (existing) {
      existing.receiveRequest(request);
      return;
    }
    if (request.method === "ACK" || key === undefined) {
      this.deliver(request, undefined, source);
      return;
    }
    if (this.servers.size >= this.maxTransactions || (!trusted && this.untrustedServers.size >= this.maxUntrusted)) {
      this.warnTableFull(trusted);
      this.sendStatelessResponse(createResponse(request, 503, { headers: [["Retry-After", "5"]] }), source, trusted);
      return;
    }
    const context = this.context(source.transport, (tx) => this.forgetServer(tx));
    const send = trusted ? this.trustedResponseSender(request, source) : this.untrustedResponseSender(source);
    const tx =
      request.method === "INVITE"
        ? new InviteServerTransaction(key, context, request, send)
        : new NonInviteServerTransaction(key, context, request, send);
    this.servers.set(key, tx);
    if (!trusted) this.untrustedServers.add(tx);
    tx.armTuDeadline(
      request.method === "INVITE" ? this.inviteDeadlineMs : this.nonInviteDeadlineMs,
      request.method === "INVITE" ? 408 : 500,
    );
    tx.start();
    this.deliver(request, tx, source);
  }

  /**
   * Hands a request to the TU. Any exception ends the request's server transaction with 500
   * (RFC 3261 §21.5.1), logged with the Call-ID, so a TU bug never leaves a caller with only
   * 100 Trying; the transaction stays matchable, so a CANCEL for it is still answered.
   */
  private deliver(request: SipRequest, tx: ServerTransaction | undefined, source: MessageSource): void {
    try {
      this.options.user.onRequest(request, tx, source);
    } catch (err) {
      this.logger.error("sip request handler failed, answering 500", {
        callId: getCallId(request),
        method: request.method,
        from: source.remote.address,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
      try {
        tx?.answerForTu(500);
      } catch (second) {
        this.logger.error("sip request cleanup failed", { callId: getCallId(request), error: String(second) });
      }
    }
  }

  /** One warning a minute at most while the table (or the strangers' share) is full: a flood must not flood the log. */
  private warnTableFull(trusted: boolean): void {
    this.refusedForFullTable++;
    const now = Date.now();
    if (now - this.lastTableFullWarning < 60_000) return;
    this.logger.warn("sip transaction limit reached, answering 503", {
      trusted,
      refused: this.refusedForFullTable,
      server: this.servers.size,
      untrusted: this.untrustedServers.size,
    });
    this.lastTableFullWarning = now;
    this.refusedForFullTable = 0;
  }

  /** RFC 3261 §18.2.2 (and RFC 3581 rport) for trusted sources. */
  private trustedResponseSender(request: SipRequest, source: MessageSource): (data: Buffer) => Promise<void> {
    return (data) => {
      const via = getTopVia(request);
      const destination = via ? responseDestination(via, source) : responseDestinationFor(request, source);
      return this.sendTo(data, destination);
    };
  }

  /**
   * Untrusted sources: only the packet's source (never a Via field), only on the connection a
   * stream request came on (no new outbound connection to a stranger), and every error response
   * (retransmissions included) admitted per destination.
   */
  private untrustedResponseSender(source: MessageSource): (data: Buffer, status: number) => Promise<void> {
    return (data, status) => {
      const destination = sourceDestination(source);
      if (source.connection && !destination.connection) return Promise.reject(new Error("connection closed"));
      if (status >= 300 && !this.admission.admitErrorResponse(destination)) return Promise.resolve();
      return this.sendTo(data, destination);
    };
  }

  /** A response sent outside any transaction (400 for a malformed request, 503 when full). */
  private sendStatelessResponse(response: SipResponse, source: MessageSource, trusted: boolean): void {
    let destination: Destination;
    if (trusted) destination = responseDestinationFor(response, source);
    else {
      destination = sourceDestination(source);
      if (source.connection && !destination.connection) return;
      if (response.status >= 300 && !this.admission.admitErrorResponse(destination)) return;
    }
    void this.sendTo(response, destination).catch(ignore);
  }

  private receiveResponse(response: SipResponse, source: MessageSource): void {
    const key = clientTransactionKey(response);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (tx) tx.receiveResponse(response);
    else this.options.user.onStrayResponse?.(response, source);
  }

  /**
   * Starts a client transaction for `request` (INVITE or non-INVITE per §17.1). The request
   * must already carry its top Via with a fresh branch. ACK is not allowed here: ACK for 2xx
   * is sent by the TU with {@link sendStateless}, ACK for non-2xx by the transaction itself.
   * Throws when the transaction limit is reached or the key is already in use.
   */
  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction {
    if (request.method === "ACK") throw new Error("ACK does not create a client transaction");
    const key = clientTransactionKey(request);
    if (key === undefined) throw new Error("request needs a top Via with branch and a CSeq");
    if (this.clients.has(key)) throw new Error(`client transaction ${key} already exists`);
    if (this.clients.size >= this.maxTransactions) throw new Error("client transaction limit reached");
    const context = this.context(destination.transport, (tx) => this.forgetClient(tx));
    const send = (data: Buffer): Promise<void> => this.sendTo(data, destination);
    const tx =
      request.method === "INVITE"
        ? new InviteClientTransaction(key, context, request, send, user)
        : new NonInviteClientTransaction(key, context, request, send, user);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Sends outside any transaction: ACK for 2xx, 2xx retransmissions, stateless responses. */
  sendStateless(message: SipMessage | Buffer, destination: Destination): Promise<void> {
    return this.sendTo(message, destination);
  }

  /** Terminates every transaction (timers stopped); transports are closed by their owner. */
  shutdown(): void {
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.terminate();
  }

  private sendTo(message: SipMessage | Buffer, destination: Destination): Promise<void> {
    const transport = this.transports.get(destination.transport);
    if (!transport) return Promise.reject(new Error(`no ${destination.transport} transport`));
    const data = Buffer.isBuffer(message) ? message : serializeMessage(message);
    return transport.send(data, destination).catch((err: unknown) => {
      this.logger.warn("sip send failed", { error: err instanceof Error ? err.message : String(err), to: destination.address });
      throw err;
    });
  }

  private context(transport: TransportKind, onTerminated: (tx: Transaction) => void): TransactionContext {
    return { timers: this.timers, config: this.config, reliable: isReliableTransport(transport), logger: this.logger, onTerminated };
  }

  private forgetServer(tx: Transaction): void {
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
    this.untrustedServers.delete(tx as ServerTransaction);
  }

  private forgetClient(tx: Transaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
  }
}
