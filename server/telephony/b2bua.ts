/**
 * The B2BUA: the transaction user (RFC 3261 §8, §12-§15) on top of the SIP core. It owns the
 * transports (UDP and TCP for trunks, WebSocket for operators), turns requests into call legs,
 * keeps dialogs, and answers everything else strictly:
 * - OPTIONS (trunk keep-alive) -> 200; REGISTER -> the registrar, on authenticated WebSockets only;
 * - INVITE from an address outside TRUNK_ALLOW -> 403; unknown methods -> 501, known ones we do not
 *   serve -> 405 (§8.2.1); requests from unknown sources are rate limited by the transaction layer
 *   before any transaction exists (TrunkSourceAdmission), then dropped unanswered.
 * UAS obligations, in the order of RFC 3261 §8.2 (the interop profile is in server/sip/README.md):
 * - §8.2.2.2 merged requests (same Call-ID, From tag and CSeq as a live INVITE, another transaction) -> 482;
 * - a new call with `Max-Forwards: 0` -> 483 (the B2BUA passes calls on: §16.3's rule; OPTIONS with 0 is answered, §11);
 * - §8.2.2.3 `Require` with an option tag we do not implement -> 420 with `Unsupported` (only `timer` is
 *   implemented; `Proxy-Require` is for proxies and `Supported` is never an error);
 * - §8.2.3 bodies: `application/sdp`, or its part of a `multipart/mixed` (RFC 5621); anything else, or a
 *   required part of another type -> 415 with `Accept`; IPv6 SDP -> 488 with `Warning: 301` (§20.43);
 * - §12.2.2 in-dialog requests: matched on the full dialog id (Call-ID, both tags) and accepted only from the
 *   dialog's peer (the trunk's address, the operator's own WebSocket), else 481; a CSeq lower than the remote
 *   sequence -> 500; re-INVITE and UPDATE refresh the remote target (Contact);
 * - late offer (INVITE without SDP, §13.2.1): the 200 carries rtpengine's offer, the ACK the answer;
 * - every re-INVITE/UPDATE SDP goes to the media side (RFC 3264 §8.3.1), and our o= version goes up by one exactly
 *   when the SDP we send changes (RFC 3264 §8);
 * - session timers as UAS (RFC 4028): Session-Expires/Min-SE honoured (422 below our minimum), the caller is the
 *   refresher, and a session not refreshed in time is ended with BYE (end reason `session-expired`);
 * - an exception while handling a request ends its transaction with 500 (the transaction layer does it, and
 *   tells the leg through `onLayerFinal`).
 * Call logic lives above it (server/calls). The legs (trunk-leg.ts, operator-leg.ts) send through this class as their
 * {@link LegSignalling} and tell it, by events, when to file or forget their dialogs.
 */
import {
  TransactionLayer,
  TcpTransport,
  UdpTransport,
  WebSocketTransport,
  createResponse,
  getCSeq,
  getTag,
  parseNameAddr,
  type ClientTransaction,
  type ClientTransactionUser,
  type Connection,
  type Destination,
  type DigestCredentials,
  type InviteServerTransaction,
  type MessageSource,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
  type Transport,
  type TransactionUser,
  type WebSocketLike,
} from "../sip";
import { MIRRORED_DIRECTION, sdpDirection, withDirection } from "../media/sdp";
import type { Logger } from "../logger";
import type { AddressAllowList } from "./address-allow-list";
import { ALLOW, SUPPORTED, type LegSignalling, type ReofferResult } from "./leg-signalling";
import { OperatorLeg } from "./operator-leg";
import { Registrar, type Binding, type RegistrarEvents, type WsIdentity } from "./registrar";
import { sendReInvite as sendReInviteWithDigest } from "./re-invite";
import { SipDialog, contactHeader, type LocalContact } from "./sip-dialog";
import { TrunkSourceAdmission } from "./source-rate-limiter";
import { TrunkLeg, dtmfOfInfo } from "./trunk-leg";
import {
  DEFAULT_SESSION_EXPIRES_S,
  MIN_SESSION_EXPIRES_S,
  RetryLaterError,
  negotiateSessionTimer,
  sessionDescription,
  sessionTimerRequest,
  unsupportedRequirements,
} from "./uas-inspection";

export { OperatorLeg, TrunkLeg };
export type { EndReason, ReofferResult } from "./leg-signalling";
export type { TrunkLegMedia } from "./trunk-leg";

const KNOWN_UNSUPPORTED = new Set(["SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER", "PRACK", "PUBLISH"]);
export { MIN_SESSION_EXPIRES_S, DEFAULT_SESSION_EXPIRES_S };

export interface InboundCallHandler {
  /** A new call from a trunk. The handler answers or rejects `leg` (it has ~32 s before the trunk gives up). */
  onInboundCall(leg: TrunkLeg): void;
}

/**
 * Outbound calls (hook): an operator's INVITE carrying `X-Hotline-Outbound` is a call out through the trunk, not a
 * test call into a queue. The handler answers or rejects `leg` (the operator's side, we are its UAS).
 */
export interface OutboundCallHandler {
  onOutboundCall(leg: TrunkLeg, identity: WsIdentity): void;
}

/** Outbound calls (hook): a UAC dialog toward the trunk whose in-dialog requests the B2BUA answers. */
interface UacDialogWatch {
  peer: string;
  dialog: SipDialog;
  onBye: () => void;
  sdp: string | undefined;
}

export interface B2buaOptions {
  sipHost: string;
  sipPort: number;
  /** Address put in Via/Contact toward trunks. */
  advertisedAddress: string;
  trunkAllow: AddressAllowList;
  handler: InboundCallHandler;
  registrarEvents: RegistrarEvents;
  logger: Logger;
  now?: () => number;
  /** Accept IPv6 SDP (an IPv6 media address is configured). Default false: IPv6 offers get 488 + Warning 301. */
  allowIp6Media?: boolean;
  /**
   * The user of our registration with the provider (TRUNK_USERNAME with TRUNK_REGISTRAR): an INVITE whose
   * Request-URI names it carries the dialled number in To.
   */
  registrationUser?: string;
}

export class B2bua implements TransactionUser, LegSignalling {
  readonly layer: TransactionLayer;
  readonly registrar: Registrar;
  private readonly trunkLegs = new Map<string, TrunkLeg>(); // dialog key -> leg
  private readonly pendingInvites = new Map<InviteServerTransaction, TrunkLeg>();
  private readonly operatorLegs = new Map<string, OperatorLeg>(); // Call-ID -> leg
  private readonly wsIdentities = new Map<Connection, WsIdentity>();
  private readonly now: () => number;
  /** §8.2.2.2: Call-ID, From tag and CSeq of each live initial INVITE, to spot merged requests. */
  private readonly initialInvites = new Map<string, TrunkLeg>();
  /** Outbound calls (hook): see {@link setOutboundHandler}, {@link watchUacDialog}. */
  private outboundHandler: OutboundCallHandler | undefined;
  private readonly uacDialogs = new Map<string, UacDialogWatch>(); // dialog key -> what to do with its requests
  /** See {@link setTrunkCredentials}. */
  private trunkCredentials: DigestCredentials | undefined;

  private constructor(
    private readonly options: B2buaOptions,
    private readonly udp: UdpTransport,
    private readonly tcp: TcpTransport,
    readonly ws: WebSocketTransport,
  ) {
    this.now = options.now ?? Date.now;
    const admission = new TrunkSourceAdmission(options.trunkAllow, this.now);
    this.layer = new TransactionLayer({ transports: [udp, tcp, ws] as Transport[], user: this, logger: options.logger, admission });
    this.registrar = new Registrar(this.now, options.registrarEvents);
  }

  static async start(options: B2buaOptions): Promise<B2bua> {
    const udp = await UdpTransport.listen({ host: options.sipHost, port: options.sipPort, logger: options.logger });
    let tcp: TcpTransport;
    try {
      tcp = await TcpTransport.listen({
        host: options.sipHost,
        port: udp.local.port,
        logger: options.logger,
        // Strangers get per-source caps and a first-message deadline; trunks keep reserved room.
        isTrusted: (remote) => options.trunkAllow.allows(remote.address),
      });
    } catch (error) {
      await udp.close();
      throw error;
    }
    return new B2bua(options, udp, tcp, new WebSocketTransport("WS", { logger: options.logger }));
  }

  get port(): number {
    return this.udp.local.port;
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** See {@link B2buaOptions.registrationUser}. */
  get registrationUser(): string | undefined {
    return this.options.registrationUser;
  }

  identityOf(connection: Connection): WsIdentity | undefined {
    return this.wsIdentities.get(connection);
  }

  /** Counts for health and benchmarks. */
  get stats() {
    return {
      trunkLegs: this.trunkLegs.size,
      operatorLegs: this.operatorLegs.size,
      registrations: this.registrar.size,
      transactions: this.layer.size,
      tcpConnections: { open: this.tcp.connectionCount, untrusted: this.tcp.untrustedConnectionCount },
    };
  }

  localContact(transport: "UDP" | "TCP" | "WS" | "TLS" | "WSS"): LocalContact {
    if (transport === "WS" || transport === "WSS") return { hostport: "hotline.invalid", transport };
    return { hostport: `${this.options.advertisedAddress}:${this.port}`, transport };
  }

  /** Outbound calls (hook): who takes an operator's `X-Hotline-Outbound` INVITE; without one it gets 403. */
  setOutboundHandler(handler: OutboundCallHandler): void {
    this.outboundHandler = handler;
  }

  /**
   * Outbound calls (hook): a dialog we created as UAC toward the trunk. From the dialog's peer address only: its BYE
   * is answered 200 and reported to `onBye`; a re-INVITE or UPDATE (a session refresh, RFC 4028) is answered 200 with
   * `sdp` (what we offered, unchanged: media is not re-negotiated) so the provider keeps the call. Returns the unhook.
   */
  watchUacDialog(dialog: SipDialog, onBye: () => void, sdp?: string): () => void {
    const key = this.dialogKey(dialog.init.callId, dialog.init.localTag);
    this.uacDialogs.set(key, { peer: dialog.destination().address, dialog, onBye, sdp });
    return () => this.uacDialogs.delete(key);
  }

  /** Outbound calls (hook): the refresh of a watched UAC dialog; false when the request is not for one. */
  private refreshUacDialog(request: SipRequest, transaction: ServerTransaction, source: MessageSource): boolean {
    const uac = this.uacDialogs.get(this.dialogKey(request.headers.get("Call-ID") ?? "", getTag(request.headers.get("To")) ?? ""));
    if (!uac || uac.peer !== source.remote.address) return false;
    const withSdp = request.method === "INVITE" || request.body.length > 0;
    const headers: Array<[string, string]> = [["Contact", contactHeader(uac.dialog.init.local)], ["Allow", ALLOW]];
    if (withSdp && uac.sdp) headers.push(["Content-Type", "application/sdp"]);
    transaction.respond(createResponse(request, 200, { headers, body: withSdp ? uac.sdp : undefined }));
    return true;
  }

  /** Takes an upgraded, already authenticated WebSocket (RFC 7118) for an operator. */
  attachWebSocket(socket: WebSocketLike, identity: WsIdentity, remote: { address: string; port: number }): void {
    const connection = this.ws.attachWebSocketConnection(socket, { remote, secure: false });
    this.wsIdentities.set(connection, identity);
    socket.on("close", () => {
      this.wsIdentities.delete(connection);
      this.registrar.connectionClosed(connection);
      for (const leg of [...this.operatorLegs.values()]) {
        if (leg.binding.connection === connection) leg.remoteEnded("transport-error");
      }
    });
  }

  /** Exceptions thrown here end the request's transaction with 500 (the transaction layer's rule). */
  onRequest(request: SipRequest, transaction: ServerTransaction | undefined, source: MessageSource): void {
    const fromOperator = source.transport === "WS" || source.transport === "WSS";
    const trusted = fromOperator || this.options.trunkAllow.allows(source.remote.address);

    const respond = (status: number, options: Parameters<typeof createResponse>[2] = {}) =>
      transaction?.respond(createResponse(request, status, options));

    if (request.method === "ACK") return this.ack(request, source);
    // §8.2.1: methods first.
    if (!["OPTIONS", "REGISTER", "INVITE", "CANCEL", "BYE", "INFO", "UPDATE"].includes(request.method)) {
      return KNOWN_UNSUPPORTED.has(request.method) ? respond(405, { headers: [["Allow", ALLOW]] }) : respond(501);
    }
    // A new call from an address that is not a trunk is refused before anything else is looked at.
    if (request.method === "INVITE" && !trusted && !getTag(request.headers.get("To"))) {
      return respond(403, { reason: "Forbidden: not a configured trunk" });
    }
    // §8.2.2.3: extensions we do not implement, listed back in Unsupported.
    const unsupported = unsupportedRequirements(request);
    if (unsupported.length) return respond(420, { headers: [["Unsupported", unsupported.join(", ")]] });

    switch (request.method) {
      case "OPTIONS":
        return respond(200, { headers: [["Allow", ALLOW], ["Accept", "application/sdp"], ["Supported", SUPPORTED]] });
      case "REGISTER": {
        const identity = source.connection && this.wsIdentities.get(source.connection);
        if (!identity || !source.connection) return respond(403, { reason: "Forbidden: operators register over the web socket" });
        return transaction?.respond(this.registrar.handle(request, identity, source.connection));
      }
      case "INVITE": {
        if (getTag(request.headers.get("To"))) return this.reInvite(request, transaction!, source);
        const identity = fromOperator ? source.connection && this.wsIdentities.get(source.connection) : undefined;
        // Hook (outbound calls): an operator calling out through the trunk.
        const outbound = identity && request.headers.get("X-Hotline-Outbound") !== undefined ? this.outboundHandler : undefined;
        if (fromOperator && !outbound) {
          // The demo path: an admin's browser calls a hotline number like a trunk caller would.
          if (identity?.role !== "admin") return respond(403, { reason: "Forbidden: only administrators place test calls" });
        } else if (!trusted) return respond(403, { reason: "Forbidden: not a configured trunk" });
        // The B2BUA passes the call on (operators, numbers, other B2BUAs): like a proxy (§16.3 step 3) it refuses a
        // new call with no hops left, so a loop between B2BUAs (each starting its own leg at 70) still ends.
        if (request.headers.get("Max-Forwards")?.trim() === "0") return respond(483);
        // §8.2.2.2: the same request reaching us twice by different paths (another branch) is a merged request.
        const mergeKey = this.mergeKey(request);
        if (this.initialInvites.has(mergeKey)) return respond(482, { reason: "Loop Detected (merged request)" });
        const body = sessionDescription(request, { allowIp6: this.options.allowIp6Media, warnAgent: this.options.advertisedAddress });
        if (!body.ok) return respond(body.status, { reason: body.reason, headers: body.headers });
        // RFC 4028 §9: a session interval below our minimum gets 422 with ours.
        const timer = negotiateSessionTimer(sessionTimerRequest(request), undefined);
        if (timer === "too-small") return respond(422, { headers: [["Min-SE", String(MIN_SESSION_EXPIRES_S)]] });
        const invite = transaction as InviteServerTransaction;
        const tester = source.connection && this.wsIdentities.get(source.connection);
        const leg = new TrunkLeg(this, request, invite, source, body.sdp, { tester, registrationUser: this.options.registrationUser });
        leg.on("dialog-created", () => this.registerDialog(leg)).on("released", () => this.forgetTrunkLeg(leg));
        leg.sessionTimer = timer;
        // RFC 6026 §8 / RFC 3261 §13.3.1.4: an ACK for our 2xx that reuses the INVITE's branch lands on the
        // transaction (Accepted state); it belongs to the dialog all the same.
        invite.events.onAck = (ack) => this.ack(ack, source);
        // The layer answered for us (handler threw, or no final response in time): the leg is over.
        invite.events.onLayerFinal = () => leg.remoteEnded("server-error");
        this.pendingInvites.set(invite, leg);
        this.initialInvites.set(mergeKey, leg);
        if (outbound && identity) outbound.onOutboundCall(leg, identity);
        else this.options.handler.onInboundCall(leg);
        return;
      }
      case "CANCEL":
        return this.cancel(request, transaction!, source);
      case "BYE":
        return this.bye(request, transaction!, source);
      case "INFO":
        return this.info(request, transaction!, source);
      case "UPDATE":
        return this.reInvite(request, transaction!, source);
    }
  }

  private mergeKey(request: SipRequest): string {
    return `${request.headers.get("Call-ID") ?? ""}\u0000${getTag(request.headers.get("From")) ?? ""}\u0000${getCSeq(request)?.seq ?? ""}`;
  }

  onStrayResponse(response: SipResponse): void {
    // A retransmitted 2xx to an INVITE whose transaction has ended: our ACK was lost.
    if (response.status < 200 || response.status >= 300) return;
    const callId = response.headers.get("Call-ID") ?? "";
    const leg = this.operatorLegs.get(callId);
    const cseq = getCSeq(response);
    // Our ACK carries the INVITE's CSeq number: the first INVITE's, or a re-INVITE's (RFC 3261 §13.2.2.4).
    if (leg) return leg.strayOk(cseq?.method === "INVITE" ? cseq.seq : 1);
    // The same for the 2xx of a re-INVITE we sent a trunk (session refresh, media moved).
    const trunk = this.trunkLegs.get(this.dialogKey(callId, getTag(response.headers.get("From")) ?? ""));
    if (trunk?.dialog && cseq?.method === "INVITE") this.sendAck(trunk.dialog, cseq.seq);
  }

  private dialogKey(callId: string, localTag: string): string {
    return `${callId}\u0000${localTag}`;
  }

  /**
   * The trunk leg of an in-dialog request: the full dialog id (Call-ID, our tag in To, the peer's in From, RFC 3261
   * §12.2.2) and the dialog's own peer as sender (the trunk's address, or the caller's own WebSocket).
   */
  private findTrunkLeg(request: SipRequest, source: MessageSource): TrunkLeg | undefined {
    const leg = this.trunkLegs.get(this.dialogKey(request.headers.get("Call-ID") ?? "", getTag(request.headers.get("To")) ?? ""));
    if (!leg || getTag(request.headers.get("From")) !== leg.remoteTag || !leg.isPeer(source)) return undefined;
    return leg;
  }

  /** The operator leg of an in-dialog request: our tag in To, the operator's in From, over the operator's own socket. */
  private findOperatorLeg(request: SipRequest, source: MessageSource): OperatorLeg | undefined {
    const leg = this.operatorLegs.get(request.headers.get("Call-ID") ?? "");
    if (!leg || getTag(request.headers.get("To")) !== leg.localTag || source.connection !== leg.binding.connection) return undefined;
    const remoteTag = leg.dialog?.init.remoteTag;
    return remoteTag === undefined || getTag(request.headers.get("From")) === remoteTag ? leg : undefined;
  }

  /**
   * RFC 3261 §12.2.2: a request whose CSeq is lower than (or equal to) the remote sequence is out of order -> 500;
   * otherwise the remote sequence moves up to it. True when the request may proceed.
   */
  private inSequence(leg: TrunkLeg, request: SipRequest, transaction: ServerTransaction): boolean {
    const seq = getCSeq(request)?.seq ?? 0;
    if (seq <= leg.remoteSeq) {
      transaction.respond(createResponse(request, 500, { reason: "Server Internal Error: CSeq out of order" }));
      return false;
    }
    leg.remoteSeq = seq;
    return true;
  }

  private registerDialog(leg: TrunkLeg): void {
    this.pendingInvites.delete(leg.transaction);
    this.trunkLegs.set(this.dialogKey(leg.sipCallId, leg.localTag), leg);
  }

  private forgetTrunkLeg(leg: TrunkLeg): void {
    this.pendingInvites.delete(leg.transaction);
    const key = this.mergeKey(leg.invite);
    if (this.initialInvites.get(key) === leg) this.initialInvites.delete(key);
    this.trunkLegs.delete(this.dialogKey(leg.sipCallId, leg.localTag));
  }

  /**
   * A new operator leg toward `binding` (the operator's registered softphone): the B2BUA files it while it lives, so
   * responses and the operator's in-dialog requests reach it. The caller sends its INVITE with {@link OperatorLeg.send}.
   */
  createOperatorLeg(binding: Binding): OperatorLeg {
    const leg = new OperatorLeg(this, binding);
    leg.on("dialog-created", () => this.operatorLegs.set(leg.callId, leg)).on("released", (lingerMs) => this.forgetOperatorLeg(leg, lingerMs));
    return leg;
  }

  /** Keeps a cancelled leg findable for a while, so a 200 that crosses our CANCEL still gets ACK + BYE. */
  private forgetOperatorLeg(leg: OperatorLeg, afterMs = 0): void {
    const drop = () => this.operatorLegs.get(leg.callId) === leg && this.operatorLegs.delete(leg.callId);
    if (afterMs > 0) setTimeout(drop, afterMs).unref();
    else drop();
  }

  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction {
    return this.layer.sendRequest(request, destination, user);
  }

  /**
   * ACK for a 2xx we received on `dialog` to the INVITE with CSeq `cseq`, carrying that INVITE's `credentials` (RFC
   * 3261 §13.2.2.4).
   */
  sendAck(dialog: SipDialog, cseq = 1, credentials: ReadonlyArray<[string, string]> = []): void {
    const ack = dialog.request("ACK", { cseq });
    for (const [name, value] of credentials) ack.headers.set(name, value);
    void this.layer.sendStateless(ack, dialog.destination()).catch((error) =>
      this.options.logger.warn("ACK not sent", { error: String(error) }),
    );
  }

  /** Sends a request built on `dialog` (a refresh) in a client transaction; `onResponse` gets every response. */
  sendInDialogRequest(dialog: SipDialog, request: SipRequest, onResponse: (response: SipResponse) => void): void {
    try {
      this.layer.sendRequest(request, dialog.destination(), {
        onResponse,
        onTimeout: () => onResponse(createResponse(request, 408)),
        onTransportError: () => onResponse(createResponse(request, 408)),
      });
    } catch (error) {
      this.options.logger.warn(`${request.method} not sent`, { error: String(error) });
    }
  }

  sendInDialog(dialog: SipDialog, method: "BYE"): void {
    try {
      this.layer.sendRequest(dialog.request(method), dialog.destination(), { onResponse: () => {} });
    } catch (error) {
      this.options.logger.warn(`${method} not sent`, { error: String(error) });
    }
  }

  /**
   * A re-INVITE carrying an SDP offer in an existing dialog (RFC 3261 §14.1), see re-invite.ts: every 2xx
   * (retransmissions included, RFC 6026 §7.2; see onStrayResponse) is acknowledged with an ACK carrying the CSeq of the
   * re-INVITE it answers (§13.2.2.4); a 401/407 of a trunk's dialog is answered with the trunk's credentials
   * ({@link setTrunkCredentials}, §22.2), each retry with the dialog's next CSeq. Resolves with the final status (408 on timeout or transport
   * failure) and the answer; never rejects.
   */
  sendReInvite(dialog: SipDialog, sdp: string): Promise<ReofferResult> {
    const toBrowser = dialog.init.local.transport === "WS" || dialog.init.local.transport === "WSS";
    return sendReInviteWithDigest({
      dialog,
      sdp,
      // Never toward an operator's browser: the trunk's password is for the trunk only.
      credentials: toBrowser ? undefined : this.trunkCredentials,
      send: (request, onResponse) => this.sendInDialogRequest(dialog, request, onResponse),
      ack: (cseq, credentials) => this.sendAck(dialog, cseq, credentials),
    });
  }

  /**
   * The provider account's digest credentials (TRUNK_USERNAME/TRUNK_PASSWORD, server/outbound/trunk-route.ts), used to
   * answer a challenge to a re-INVITE we send in a trunk's dialog. Undefined: such a challenge fails the re-INVITE.
   */
  setTrunkCredentials(credentials: DigestCredentials | undefined): void {
    this.trunkCredentials = credentials;
  }

  /** ACK for a 2xx: matched to the dialog (RFC 3261 §13.3.1.4), from its peer only; anything else is dropped. */
  private ack(request: SipRequest, source: MessageSource): void {
    this.findTrunkLeg(request, source)?.acked(request);
  }

  private bye(request: SipRequest, transaction: ServerTransaction, source: MessageSource): void {
    const trunk = this.findTrunkLeg(request, source);
    const operator = trunk ? undefined : this.findOperatorLeg(request, source);
    if (!trunk && !operator) {
      // Hook (outbound calls): the BYE of a dialog we placed toward the trunk.
      const uac = this.uacDialogs.get(this.dialogKey(request.headers.get("Call-ID") ?? "", getTag(request.headers.get("To")) ?? ""));
      if (uac && uac.peer === source.remote.address) {
        this.uacDialogs.delete(this.dialogKey(request.headers.get("Call-ID") ?? "", getTag(request.headers.get("To")) ?? ""));
        transaction.respond(createResponse(request, 200));
        return uac.onBye();
      }
      transaction.respond(createResponse(request, 481));
      return;
    }
    if (trunk && !this.inSequence(trunk, request, transaction)) return;
    transaction.respond(createResponse(request, 200));
    trunk?.remoteEnded("bye");
    operator?.remoteEnded("bye");
  }

  private cancel(request: SipRequest, transaction: ServerTransaction, source: MessageSource): void {
    const invite = this.layer.findInviteForCancel(request);
    const leg = invite && this.pendingInvites.get(invite);
    // §9.2 matching, and only from the INVITE's own sender (issue: anyone who knows the branch could cancel).
    if (!invite || (leg && !leg.isPeer(source))) {
      transaction.respond(createResponse(request, 481));
      return;
    }
    transaction.respond(createResponse(request, 200));
    if (leg && !leg.ended && invite.lastResponseStatus < 200) {
      // §9.2: the INVITE gets 487 Request Terminated.
      invite.respond(createResponse(leg.invite, 487, { toTag: leg.localTag }));
      this.pendingInvites.delete(invite);
      leg.remoteEnded("cancel");
    }
  }

  /**
   * re-INVITE and UPDATE (RFC 3261 §14, RFC 3311, RFC 4028 refreshes): the new SDP goes to the media side, whose
   * answer (direction mirrored, o= version bumped when it changed) is our 2xx; without SDP our 2xx offers our
   * current description and the ACK carries the answer (re-INVITE), or it is a plain refresh (UPDATE).
   */
  private reInvite(request: SipRequest, transaction: ServerTransaction, source: MessageSource): void {
    const leg = this.findTrunkLeg(request, source);
    if (!leg && this.refreshUacDialog(request, transaction, source)) return;
    if (!leg || !leg.dialog) {
      transaction.respond(createResponse(request, 481));
      return;
    }
    if (!this.inSequence(leg, request, transaction)) return;
    // RFC 3261 §14.2 (and RFC 3311 §5.2 for UPDATE): an offer while ours or theirs is still being answered.
    const offering = request.method === "INVITE" || request.body.length > 0;
    if (offering && (leg.offerPending || leg.awaitingAckAnswer)) {
      return transaction.respond(createResponse(request, 500, { headers: [["Retry-After", retryAfter()]] }));
    }
    if (offering && leg.refreshPending) return transaction.respond(createResponse(request, 491));
    const dialog = leg.dialog;
    const respond = (status: number, options: Parameters<typeof createResponse>[2] = {}) =>
      transaction.respond(createResponse(request, status, options));
    const body = sessionDescription(request, { allowIp6: this.options.allowIp6Media, warnAgent: this.options.advertisedAddress });
    if (!body.ok) return respond(body.status, { reason: body.reason, headers: body.headers });
    const timer = negotiateSessionTimer(sessionTimerRequest(request), leg.sessionTimer);
    if (timer === "too-small") return respond(422, { headers: [["Min-SE", String(MIN_SESSION_EXPIRES_S)]] });
    // §12.2.2: a target refresh request updates the remote target.
    const contact = parseNameAddr(request.headers.get("Contact") ?? "");
    if (contact.ok) dialog.init.remoteTarget = contact.value.uriText;
    if (request.method === "INVITE") (transaction as InviteServerTransaction).events.onAck = (ack) => this.ack(ack, source);
    leg.sessionTimer = timer;

    const ok = (sdp: string | undefined) => {
      const headers: Array<[string, string]> = [["Contact", contactHeader(dialog.init.local)], ["Allow", ALLOW], ...leg.extensionHeaders()];
      if (sdp !== undefined) headers.push(["Content-Type", "application/sdp"]);
      const response = createResponse(request, 200, { headers, body: sdp === undefined ? undefined : leg.stampSdp(sdp) });
      transaction.respond(response);
      leg.refreshSession();
      if (request.method === "INVITE") leg.retransmitUntilAck(transaction, response, leg.remoteSeq);
    };
    if (body.sdp === undefined) {
      if (request.method === "UPDATE") return ok(undefined);
      // RFC 3264 §8 (offer in our 2xx): our current description, sending and receiving; the ACK carries the answer.
      if (!leg.currentSdp) return respond(488);
      leg.awaitingAckAnswer = true;
      return ok(withDirection(leg.currentSdp, "sendrecv"));
    }
    const offered = sdpDirection(body.sdp);
    const reoffer = leg.media?.callerReoffered?.(body.sdp) ?? Promise.resolve(leg.currentSdp ?? "");
    leg.offerPending = true;
    void reoffer
      .then(
        (sdp) => {
          if (leg.ended) return respond(481);
          if (!sdp) return respond(488);
          ok(withDirection(sdp, MIRRORED_DIRECTION[offered]));
          leg.holdChanged(offered === "sendonly" || offered === "inactive");
        },
        (error: unknown) => {
          if (error instanceof RetryLaterError) return respond(500, { headers: [["Retry-After", retryAfter()]] });
          // RFC 3264 §8: a refused offer leaves the session as it was.
          this.options.logger.warn("re-offer refused by media", { callId: leg.sipCallId, error: String(error) });
          respond(488);
        },
      )
      .finally(() => {
        leg.offerPending = false;
      });
  }

  private info(request: SipRequest, transaction: ServerTransaction, source: MessageSource): void {
    const leg = this.findTrunkLeg(request, source);
    if (!leg) {
      transaction.respond(createResponse(request, 481));
      return;
    }
    if (!this.inSequence(leg, request, transaction)) return;
    transaction.respond(createResponse(request, 200));
    const digit = dtmfOfInfo(request.body.toString("utf8"));
    if (digit) leg.dtmfReceived(digit);
  }

  async close(): Promise<void> {
    for (const leg of [...this.trunkLegs.values()]) leg.hangup("local");
    for (const leg of [...this.operatorLegs.values()]) leg.hangup();
    this.registrar.close();
    // Let the BYEs leave before the sockets close.
    await new Promise((resolve) => setTimeout(resolve, 50));
    this.layer.shutdown();
    await Promise.all([this.udp.close(), this.tcp.close(), this.ws.close()]);
  }
}

/** Re-exported for the existing callers: the SDP direction helpers live in server/media/sdp.ts. */
export { sdpDirection, withDirection };

/** Retry-After for a 500 on a crossing offer: a random 0-10 s, as RFC 3261 §14.2 asks. */
function retryAfter(): string {
  return String(Math.floor(Math.random() * 11));
}
