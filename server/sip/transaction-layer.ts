/**
 * The transaction layer (RFC 3261 §17): owns every transaction, parses inbound bytes, routes
 * messages to their transaction or up to the transaction user, and forgets transactions as
 * soon as they terminate so memory stays bounded.
 * @module
 */
import { silentLogger, type Logger } from "./logger.js";
import { getTopVia, type SipMessage, type SipRequest, type SipResponse } from "./message.js";
import { parseMessage } from "./parser.js";
import { createErrorResponse, createResponse } from "./response.js";
import { responseDestination, responseDestinationFor, stampReceived } from "./response-routing.js";
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

  constructor(private readonly options: TransactionLayerOptions) {
    this.timers = options.timers ?? realTimers;
    this.config = { ...DEFAULT_TIMER_CONFIG, ...options.timerConfig };
    this.logger = options.logger ?? silentLogger;
    this.maxTransactions = options.maxTransactions ?? 10_000;
    for (const transport of options.transports) {
      this.transports.set(transport.kind, transport);
      transport.onMessage((raw, source) => this.receive(raw, source));
    }
  }

  /** Live transaction counts, for metrics and for tests of bounded memory. */
  get size(): { client: number; server: number } {
    return { client: this.clients.size, server: this.servers.size };
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
   * Entry point for raw inbound bytes (transports call it through onMessage). Never throws:
   * malformed requests get their 400/416/505, malformed responses and garbage are dropped.
   */
  receive(raw: Buffer, source: MessageSource): void {
    try {
      const result = parseMessage(raw, {
        framing: source.transport === "TCP" || source.transport === "TLS" ? "stream" : "datagram",
        requireViaBranch: !this.options.acceptMissingBranch,
      });
      if (!result.ok) {
        this.logger.debug("sip parse failure", { reason: result.reason, kind: result.kind, from: source.remote });
        // Never answer an ACK: there is no response to an ACK (RFC 3261 §17.1.1.3).
        if (result.kind === "bad-request" && result.method !== "ACK") {
          const response = createErrorResponse(result);
          void this.sendTo(response, responseDestinationFor(response, source)).catch(ignore);
        }
        return;
      }
      if (result.message.type === "request") this.receiveRequest(result.message, source);
      else this.receiveResponse(result.message, source);
    } catch (err) {
      // A TU callback threw; the layer must survive it.
      this.logger.error("sip receive failed", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private receiveRequest(request: SipRequest, source: MessageSource): void {
    stampReceived(request, source);
    const key = serverTransactionKey(request);
    const existing = key === undefined ? undefined : this.servers.get(key);
    if (existing) {
      existing.receiveRequest(request);
      return;
    }
    if (request.method === "ACK" || key === undefined) {
      this.options.user.onRequest(request, undefined, source);
      return;
    }
    if (this.servers.size >= this.maxTransactions) {
      this.logger.warn("sip transaction limit reached, answering 503");
      const busy = createResponse(request, 503, { headers: [["Retry-After", "5"]] });
      void this.sendTo(busy, responseDestinationFor(busy, source)).catch(ignore);
      return;
    }
    const context = this.context(source.transport, (tx) => this.forgetServer(tx));
    const send = (data: Buffer): Promise<void> => {
      const via = getTopVia(request);
      const destination = via ? responseDestination(via, source) : responseDestinationFor(request, source);
      return this.sendTo(data, destination);
    };
    const tx =
      request.method === "INVITE"
        ? new InviteServerTransaction(key, context, request, send)
        : new NonInviteServerTransaction(key, context, request, send);
    this.servers.set(key, tx);
    tx.start();
    this.options.user.onRequest(request, tx, source);
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
  }

  private forgetClient(tx: Transaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
  }
}
