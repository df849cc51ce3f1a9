/**
 * The B2BUA: the transaction user (RFC 3261 §8, §12-§15) on top of the SIP core. It owns the
 * transports (UDP and TCP for trunks, WebSocket for operators), turns requests into call legs,
 * keeps dialogs, and answers everything else strictly:
 * - OPTIONS (trunk keep-alive) -> 200; REGISTER -> the registrar, on authenticated WebSockets only;
 * - INVITE from an address outside TRUNK_ALLOW -> 403; unknown methods -> 501, known ones we do not
 *   serve -> 405 (§8.2.1); requests from unknown sources are rate limited, then dropped unanswered.
 * Call logic lives above it (server/calls); legs report to it through narrow callbacks.
 */
import {
  TransactionLayer,
  TcpTransport,
  UdpTransport,
  WebSocketTransport,
  createResponse,
  generateBranch,
  generateCallId,
  generateTag,
  getTag,
  isSipUri,
  isTelUri,
  parseNameAddr,
  parseUri,
  responseDestinationFor,
  type ClientTransaction,
  type Connection,
  type Destination,
  type InviteServerTransaction,
  type MessageSource,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
  type Transport,
  type TransactionUser,
  type Uri,
  type WebSocketLike,
  createRequest,
} from "../sip";
import type { Logger } from "../logger";
import type { AddressAllowList } from "./address-allow-list";
import { Registrar, type Binding, type RegistrarEvents, type WsIdentity } from "./registrar";
import { SipDialog, USER_AGENT, contactHeader, type LocalContact } from "./sip-dialog";
import { SourceRateLimiter } from "./source-rate-limiter";

const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REGISTER";
const KNOWN_UNSUPPORTED = new Set(["SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER", "UPDATE", "PRACK", "PUBLISH"]);
/** RFC 3261 §13.3.1.4: the UAS retransmits its 2xx with T1 doubling up to T2, for 64*T1. */
const T1 = 500;
const T2 = 4000;

export interface InboundCallHandler {
  /** A new call from a trunk. The handler answers or rejects `leg` (it has ~32 s before the trunk gives up). */
  onInboundCall(leg: TrunkLeg): void;
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
}

type EndReason = "bye" | "cancel" | "no-ack" | "transport-error" | "local";

/** Outcome of a re-INVITE we sent: the final status (408 on timeout, 503 on transport failure) and the answer SDP. */
export interface ReofferResult {
  status: number;
  sdp: string | undefined;
}

/** The caller's side of a call: we are the UAS (RFC 3261 §13.3). */
export class TrunkLeg {
  readonly callerNumber: string;
  readonly callerName: string | undefined;
  /** The number the caller dialled: the first candidate that routes (see {@link dialedCandidates}). */
  dialedNumber: string;
  readonly dialedCandidates: readonly string[];
  readonly localTag = generateTag();
  dialog: SipDialog | undefined;
  /** Our SDP as last sent, repeated when the trunk re-INVITEs (hold, session refresh). */
  currentSdp: string | undefined;
  private state: "offered" | "answered" | "confirmed" | "ended" = "offered";
  private retransmit: NodeJS.Timeout | undefined;
  onEnded: (reason: EndReason) => void = () => {};
  onDtmf: (digit: string) => void = () => {};
  /** The caller's side put the call on hold (true) or resumed it (false), by re-INVITE. */
  onHold: (held: boolean) => void = () => {};

  constructor(
    private readonly b2bua: B2bua,
    readonly invite: SipRequest,
    readonly transaction: InviteServerTransaction,
    readonly source: MessageSource,
  ) {
    const identity = parseNameAddr(invite.headers.get("P-Asserted-Identity") ?? invite.headers.get("From") ?? "");
    const from = identity.ok ? identity.value : undefined;
    const tester = source.connection && b2bua.identityOf(source.connection);
    // A test call's caller is the admin's account, not whatever the browser wrote in From.
    this.callerNumber = tester ? `test:${tester.username}` : (from && userOf(from.uri)) || "anonymous";
    this.callerName = from?.displayName || undefined;
    const requestUri = parseUri(invite.uri);
    const to = parseNameAddr(invite.headers.get("To") ?? "");
    // Trunks put the dialled number in the Request-URI; providers we register with often put our
    // registration's user there and the number in To, so both are candidates, in that order.
    const candidates = [requestUri.ok ? userOf(requestUri.value) : undefined, to.ok ? userOf(to.value.uri) : undefined];
    this.dialedCandidates = [...new Set(candidates.filter((c): c is string => Boolean(c)))];
    this.dialedNumber = this.dialedCandidates[0] ?? "";
  }

  get sipCallId(): string {
    return this.invite.headers.get("Call-ID") ?? "";
  }
  /** A browser (demo path) rather than a trunk: its media is WebRTC. */
  get fromBrowser(): boolean {
    return this.source.transport === "WS" || this.source.transport === "WSS";
  }
  get remoteTag(): string {
    return getTag(this.invite.headers.get("From")) ?? "";
  }
  get offerSdp(): string {
    return this.invite.body.toString("utf8");
  }
  get ended(): boolean {
    return this.state === "ended";
  }

  ringing(): void {
    if (this.state === "offered") this.transaction.respond(createResponse(this.invite, 180, { toTag: this.localTag }));
  }

  /** Final non-2xx response to the INVITE; `headers` are added to it (e.g. Retry-After with a 503, RFC 3261 §20.33). */
  reject(status: number, reason?: string, headers?: Array<[string, string]>): void {
    if (this.state !== "offered") return;
    this.state = "ended";
    this.transaction.respond(createResponse(this.invite, status, { toTag: this.localTag, reason, headers }));
    this.b2bua.forgetTrunkLeg(this);
  }

  /** Sends 200 OK with our SDP and retransmits it until the ACK (UDP), as the UAS core must. */
  answer(sdp: string): void {
    if (this.state !== "offered") return;
    this.state = "answered";
    this.currentSdp = sdp;
    const local = this.b2bua.localContact(this.source.transport);
    const ok = createResponse(this.invite, 200, {
      toTag: this.localTag,
      headers: [
        ["Contact", contactHeader(local)],
        ["Allow", ALLOW],
        ["Content-Type", "application/sdp"],
        ["User-Agent", USER_AGENT],
      ],
      body: sdp,
    });
    const from = parseNameAddr(this.invite.headers.get("From") ?? "");
    const contact = parseNameAddr(this.invite.headers.get("Contact") ?? "");
    const to = parseNameAddr(this.invite.headers.get("To") ?? "");
    this.dialog = new SipDialog({
      callId: this.sipCallId,
      localTag: this.localTag,
      remoteTag: this.remoteTag,
      localUri: to.ok ? `<${to.value.uriText}>` : "<sip:hotline@invalid>",
      remoteUri: from.ok ? `<${from.value.uriText}>` : "<sip:anonymous@invalid>",
      remoteTarget: contact.ok ? contact.value.uriText : from.ok ? from.value.uriText : this.invite.uri,
      // §12.1.1: the UAS's route set is the Record-Route list in order.
      routeSet: this.invite.headers.getAll("Record-Route"),
      localSeq: 0,
      local,
      fallback: responseDestinationFor(ok, this.source),
    });
    this.b2bua.registerDialog(this);
    this.transaction.respond(ok);
    if (this.source.transport === "UDP") {
      let interval = T1;
      const started = Date.now();
      const tick = () => {
        if (this.state !== "answered") return;
        if (Date.now() - started >= 64 * T1) {
          // §13.3.1.4: no ACK -> the dialog is confirmed and then torn down with BYE.
          this.hangup("no-ack");
          return;
        }
        this.transaction.respond(ok);
        interval = Math.min(interval * 2, T2);
        this.retransmit = setTimeout(tick, interval);
      };
      this.retransmit = setTimeout(tick, interval);
    } else {
      this.retransmit = setTimeout(() => this.state === "answered" && this.hangup("no-ack"), 64 * T1);
    }
  }

  acked(): void {
    if (this.state === "answered") this.state = "confirmed";
    clearTimeout(this.retransmit);
  }

  /**
   * Sends a re-INVITE with a new SDP offer in the confirmed dialog (RFC 3261 §14.1; media-failure recovery moves the
   * call to another rtpengine). Resolves with the final status and the answer SDP; on 2xx `currentSdp` becomes `sdp`.
   * Resolves with 481 when the dialog is not confirmed.
   */
  async reoffer(sdp: string): Promise<ReofferResult> {
    if (this.state !== "confirmed" || !this.dialog) return { status: 481, sdp: undefined };
    const result = await this.b2bua.sendReInvite(this.dialog, sdp);
    if (result.status < 300) this.currentSdp = sdp;
    return result;
  }

  /** Ends the call from our side: CANCEL is not ours to send (we are the UAS), so BYE or a final error. */
  hangup(reason: EndReason = "local"): void {
    if (this.state === "ended") return;
    if (this.state === "offered") {
      this.reject(480, "Temporarily Unavailable");
      this.onEnded(reason);
      return;
    }
    clearTimeout(this.retransmit);
    this.state = "ended";
    if (this.dialog) this.b2bua.sendInDialog(this.dialog, "BYE");
    this.b2bua.forgetTrunkLeg(this);
    this.onEnded(reason);
  }

  /** The far end ended it (BYE, CANCEL). */
  remoteEnded(reason: EndReason): void {
    if (this.state === "ended") return;
    clearTimeout(this.retransmit);
    this.state = "ended";
    this.b2bua.forgetTrunkLeg(this);
    this.onEnded(reason);
  }
}

/** An operator's side of a call: we are the UAC toward the softphone over its WebSocket (RFC 3261 §13.2). */
export class OperatorLeg {
  readonly callId = generateCallId();
  readonly localTag = generateTag();
  private invite: SipRequest | undefined;
  private transaction: ClientTransaction | undefined;
  dialog: SipDialog | undefined;
  state: "inviting" | "ringing" | "answered" | "ended" = "inviting";
  onRinging: () => void = () => {};
  onAnswered: (sdp: string) => void = () => {};
  /** Rejected, cancelled, timed out, transport gone: the offer failed. */
  onFailed: (status: number, reason: string) => void = () => {};
  /** The operator hung up (BYE) or the connection died during the call. */
  onEnded: (reason: EndReason) => void = () => {};

  constructor(
    private readonly b2bua: B2bua,
    readonly binding: Binding,
  ) {}

  send(sdp: string, headers: Array<[string, string]>, callerDisplay: string): void {
    const local = this.b2bua.localContact("WS");
    this.invite = createRequest({
      method: "INVITE",
      uri: this.binding.contact,
      headers: [
        ["Via", `SIP/2.0/WS ${local.hostport};branch=${generateBranch()}`],
        ["Max-Forwards", "70"],
        ["From", `"${callerDisplay.replace(/["\\\r\n]/g, "")}" <sip:${encodeURIComponent(callerDisplay) || "anonymous"}@${local.hostport}>;tag=${this.localTag}`],
        ["To", `<sip:${this.binding.username}@${local.hostport}>`],
        ["Call-ID", this.callId],
        ["CSeq", "1 INVITE"],
        ["Contact", contactHeader(local)],
        ["Allow", ALLOW],
        ["User-Agent", USER_AGENT],
        ["Content-Type", "application/sdp"],
        ...headers,
      ],
      body: sdp,
    });
    this.b2bua.registerOperatorLeg(this);
    try {
      this.transaction = this.b2bua.layer.sendRequest(this.invite, this.destination(), {
        onResponse: (response) => this.response(response),
        onTimeout: () => this.fail(408, "Request Timeout"),
        onTransportError: () => this.fail(503, "Operator unreachable"),
      });
    } catch {
      this.fail(503, "Operator unreachable");
    }
  }

  private destination(): Destination {
    return { transport: "WS", address: this.binding.connection.remote.address, port: this.binding.connection.remote.port, connection: this.binding.connection };
  }

  private response(response: SipResponse): void {
    if (response.status < 200) {
      if (response.status >= 180 && this.state === "inviting") {
        this.state = "ringing";
        this.onRinging();
      }
      return;
    }
    const toTag = getTag(response.headers.get("To")) ?? "";
    if (response.status < 300) {
      const contact = parseNameAddr(response.headers.get("Contact") ?? "");
      const dialog = new SipDialog({
        callId: this.callId,
        localTag: this.localTag,
        remoteTag: toTag,
        localUri: this.invite!.headers.get("From")!.replace(/;tag=[^;]*/, ""),
        remoteUri: this.invite!.headers.get("To")!,
        remoteTarget: contact.ok ? contact.value.uriText : this.binding.contact,
        // §12.1.2: the UAC's route set is the Record-Route list reversed.
        routeSet: response.headers.getAll("Record-Route").reverse(),
        localSeq: 1,
        local: this.b2bua.localContact("WS"),
        fallback: this.destination(),
      });
      this.dialog = dialog;
      this.b2bua.sendAck(dialog);
      if (this.state === "ended") {
        // Answered after we gave up (cancel crossed the 200): ACK then BYE (§15).
        this.b2bua.sendInDialog(dialog, "BYE");
        return;
      }
      this.state = "answered";
      this.onAnswered(response.body.toString("utf8"));
      return;
    }
    this.fail(response.status, response.reason);
  }

  /** Retransmitted 2xx (ours was lost): ACK again. */
  strayOk(): void {
    if (this.dialog) this.b2bua.sendAck(this.dialog);
  }

  /** Stops ringing: CANCEL (§9.1) before an answer, BYE after. */
  cancel(): void {
    if (this.state === "answered") return this.hangup();
    if (this.state === "ended" || !this.invite) return;
    this.state = "ended";
    const cancel = createRequest({
      method: "CANCEL",
      uri: this.invite.uri,
      headers: [
        ["Via", this.invite.headers.get("Via")!],
        ["Max-Forwards", "70"],
        ["From", this.invite.headers.get("From")!],
        ["To", this.invite.headers.get("To")!],
        ["Call-ID", this.callId],
        ["CSeq", "1 CANCEL"],
      ],
    });
    try {
      this.b2bua.layer.sendRequest(cancel, this.destination(), { onResponse: () => {} });
    } catch {
      // The connection is gone: nothing rings any more anyway.
    }
    this.b2bua.forgetOperatorLeg(this, 30_000);
  }

  /**
   * Sends a re-INVITE with a new SDP offer to the operator's softphone (RFC 3261 §14.1), e.g. after the call's media
   * moved to another rtpengine. Resolves with the final status and the answer SDP; 481 when not answered.
   */
  reoffer(sdp: string): Promise<ReofferResult> {
    if (this.state !== "answered" || !this.dialog) return Promise.resolve({ status: 481, sdp: undefined });
    return this.b2bua.sendReInvite(this.dialog, sdp);
  }

  hangup(): void {
    if (this.state === "ended") return;
    const wasAnswered = this.state === "answered";
    this.state = "ended";
    if (wasAnswered && this.dialog) this.b2bua.sendInDialog(this.dialog, "BYE");
    this.b2bua.forgetOperatorLeg(this);
  }

  remoteEnded(reason: EndReason): void {
    if (this.state === "ended") return;
    const wasAnswered = this.state === "answered";
    this.state = "ended";
    this.b2bua.forgetOperatorLeg(this);
    if (wasAnswered) this.onEnded(reason);
    else this.onFailed(503, "Operator unreachable");
  }

  private fail(status: number, reason: string): void {
    if (this.state === "ended") return;
    this.state = "ended";
    this.b2bua.forgetOperatorLeg(this);
    this.onFailed(status, reason);
  }

  get ended(): boolean {
    return this.state === "ended";
  }
}

export class B2bua implements TransactionUser {
  readonly layer: TransactionLayer;
  readonly registrar: Registrar;
  private readonly trunkLegs = new Map<string, TrunkLeg>(); // dialog key -> leg
  private readonly pendingInvites = new Map<InviteServerTransaction, TrunkLeg>();
  private readonly operatorLegs = new Map<string, OperatorLeg>(); // Call-ID -> leg
  private readonly wsIdentities = new Map<Connection, WsIdentity>();
  private readonly limiter: SourceRateLimiter;
  private readonly now: () => number;

  private constructor(
    private readonly options: B2buaOptions,
    private readonly udp: UdpTransport,
    private readonly tcp: TcpTransport,
    readonly ws: WebSocketTransport,
  ) {
    this.now = options.now ?? Date.now;
    this.limiter = new SourceRateLimiter(this.now);
    this.layer = new TransactionLayer({ transports: [udp, tcp, ws] as Transport[], user: this, logger: options.logger });
    this.registrar = new Registrar(this.now, options.registrarEvents);
  }

  static async start(options: B2buaOptions): Promise<B2bua> {
    const udp = await UdpTransport.listen({ host: options.sipHost, port: options.sipPort, logger: options.logger });
    let tcp: TcpTransport;
    try {
      tcp = await TcpTransport.listen({ host: options.sipHost, port: udp.local.port, logger: options.logger });
    } catch (error) {
      await udp.close();
      throw error;
    }
    return new B2bua(options, udp, tcp, new WebSocketTransport("WS", { logger: options.logger }));
  }

  get port(): number {
    return this.udp.local.port;
  }

  identityOf(connection: Connection): WsIdentity | undefined {
    return this.wsIdentities.get(connection);
  }

  /** Counts for health and benchmarks. */
  get stats() {
    return { trunkLegs: this.trunkLegs.size, operatorLegs: this.operatorLegs.size, registrations: this.registrar.size, transactions: this.layer.size };
  }

  localContact(transport: "UDP" | "TCP" | "WS" | "TLS" | "WSS"): LocalContact {
    if (transport === "WS" || transport === "WSS") return { hostport: "hotline.invalid", transport };
    return { hostport: `${this.options.advertisedAddress}:${this.port}`, transport };
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

  onRequest(request: SipRequest, transaction: ServerTransaction | undefined, source: MessageSource): void {
    const fromOperator = source.transport === "WS" || source.transport === "WSS";
    const trusted = fromOperator || this.options.trunkAllow.allows(source.remote.address);
    if (!trusted && !this.limiter.allow(source.remote.address)) return;

    const respond = (status: number, options: Parameters<typeof createResponse>[2] = {}) =>
      transaction?.respond(createResponse(request, status, options));

    switch (request.method) {
      case "ACK":
        return this.ack(request);
      case "OPTIONS":
        return respond(200, { headers: [["Allow", ALLOW], ["Accept", "application/sdp"]] });
      case "REGISTER": {
        const identity = source.connection && this.wsIdentities.get(source.connection);
        if (!identity || !source.connection) return respond(403, { reason: "Forbidden: operators register over the web socket" });
        return transaction?.respond(this.registrar.handle(request, identity, source.connection));
      }
      case "INVITE": {
        if (getTag(request.headers.get("To"))) return this.reInvite(request, transaction!);
        if (fromOperator) {
          // The demo path: an admin's browser calls a hotline number like a trunk caller would.
          const identity = source.connection && this.wsIdentities.get(source.connection);
          if (identity?.role !== "admin") return respond(403, { reason: "Forbidden: only administrators place test calls" });
        } else if (!trusted) return respond(403, { reason: "Forbidden: not a configured trunk" });
        if (!request.body.length) return respond(488, { reason: "Not Acceptable Here: an SDP offer is required" });
        const leg = new TrunkLeg(this, request, transaction as InviteServerTransaction, source);
        this.pendingInvites.set(transaction as InviteServerTransaction, leg);
        this.options.handler.onInboundCall(leg);
        return;
      }
      case "CANCEL":
        return this.cancel(request, transaction!);
      case "BYE":
        return this.bye(request, transaction!);
      case "INFO":
        return this.info(request, transaction!);
      default:
        return KNOWN_UNSUPPORTED.has(request.method)
          ? respond(405, { headers: [["Allow", ALLOW]] })
          : respond(501);
    }
  }

  onStrayResponse(response: SipResponse): void {
    // A retransmitted 2xx to an INVITE whose transaction has ended: our ACK was lost.
    const leg = this.operatorLegs.get(response.headers.get("Call-ID") ?? "");
    if (leg && response.status >= 200 && response.status < 300) leg.strayOk();
  }

  private dialogKey(callId: string, localTag: string): string {
    return `${callId}\u0000${localTag}`;
  }

  private findTrunkLeg(request: SipRequest): TrunkLeg | undefined {
    return this.trunkLegs.get(this.dialogKey(request.headers.get("Call-ID") ?? "", getTag(request.headers.get("To")) ?? ""));
  }

  private findOperatorLeg(request: SipRequest): OperatorLeg | undefined {
    const leg = this.operatorLegs.get(request.headers.get("Call-ID") ?? "");
    // In requests from the operator, our tag is in To.
    return leg && getTag(request.headers.get("To")) === leg.localTag ? leg : undefined;
  }

  registerDialog(leg: TrunkLeg): void {
    this.pendingInvites.delete(leg.transaction);
    this.trunkLegs.set(this.dialogKey(leg.sipCallId, leg.localTag), leg);
  }

  forgetTrunkLeg(leg: TrunkLeg): void {
    this.pendingInvites.delete(leg.transaction);
    this.trunkLegs.delete(this.dialogKey(leg.sipCallId, leg.localTag));
  }

  registerOperatorLeg(leg: OperatorLeg): void {
    this.operatorLegs.set(leg.callId, leg);
  }

  /** Keeps a cancelled leg findable for a while, so a 200 that crosses our CANCEL still gets ACK + BYE. */
  forgetOperatorLeg(leg: OperatorLeg, afterMs = 0): void {
    const drop = () => this.operatorLegs.get(leg.callId) === leg && this.operatorLegs.delete(leg.callId);
    if (afterMs > 0) setTimeout(drop, afterMs).unref();
    else drop();
  }

  sendAck(dialog: SipDialog): void {
    const ack = dialog.request("ACK", { cseq: 1 });
    void this.layer.sendStateless(ack, dialog.destination()).catch((error) =>
      this.options.logger.warn("ACK not sent", { error: String(error) }),
    );
  }

  sendInDialog(dialog: SipDialog, method: "BYE"): void {
    try {
      this.layer.sendRequest(dialog.request(method), dialog.destination(), { onResponse: () => {} });
    } catch (error) {
      this.options.logger.warn(`${method} not sent`, { error: String(error) });
    }
  }

  /**
   * A re-INVITE carrying an SDP offer in an existing dialog (RFC 3261 §14.1). Every 2xx (retransmissions included,
   * RFC 6026 §7.2) is acknowledged with an ACK carrying the re-INVITE's CSeq number (§13.2.2.4). Never rejects.
   */
  sendReInvite(dialog: SipDialog, sdp: string): Promise<ReofferResult> {
    return new Promise((resolve) => {
      const invite = dialog.request("INVITE", { body: sdp });
      const cseq = dialog.localSeq;
      let settled = false;
      const settle = (result: ReofferResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      try {
        this.layer.sendRequest(invite, dialog.destination(), {
          onResponse: (response) => {
            if (response.status < 200) return;
            if (response.status < 300) {
              void this.layer
                .sendStateless(dialog.request("ACK", { cseq }), dialog.destination())
                .catch((error) => this.options.logger.warn("ACK not sent", { error: String(error) }));
            }
            settle({ status: response.status, sdp: response.body.length ? response.body.toString("utf8") : undefined });
          },
          onTimeout: () => settle({ status: 408, sdp: undefined }),
          onTransportError: () => settle({ status: 503, sdp: undefined }),
        });
      } catch (error) {
        this.options.logger.warn("re-INVITE not sent", { error: String(error) });
        settle({ status: 503, sdp: undefined });
      }
    });
  }

  private ack(request: SipRequest): void {
    this.findTrunkLeg(request)?.acked();
  }

  private bye(request: SipRequest, transaction: ServerTransaction): void {
    const trunk = this.findTrunkLeg(request);
    const operator = trunk ? undefined : this.findOperatorLeg(request);
    if (!trunk && !operator) {
      transaction.respond(createResponse(request, 481));
      return;
    }
    transaction.respond(createResponse(request, 200));
    trunk?.remoteEnded("bye");
    operator?.remoteEnded("bye");
  }

  private cancel(request: SipRequest, transaction: ServerTransaction): void {
    const invite = this.layer.findInviteForCancel(request);
    const leg = invite && this.pendingInvites.get(invite);
    if (!invite) {
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

  private reInvite(request: SipRequest, transaction: ServerTransaction): void {
    const leg = this.findTrunkLeg(request);
    if (!leg || !leg.dialog) {
      transaction.respond(createResponse(request, 481));
      return;
    }
    // Hold/unhold and session refresh: media keeps flowing through rtpengine at the same address,
    // so our answer is our current description with the direction mirrored (RFC 3264 §6.1, §8.4).
    const sdp = leg.currentSdp;
    if (!sdp) {
      transaction.respond(createResponse(request, 488));
      return;
    }
    const offered = request.body.length ? sdpDirection(request.body.toString("utf8")) : "sendrecv";
    transaction.respond(
      createResponse(request, 200, {
        headers: [["Contact", contactHeader(leg.dialog.init.local)], ["Content-Type", "application/sdp"]],
        body: withDirection(sdp, MIRROR[offered]),
      }),
    );
    leg.onHold(offered === "sendonly" || offered === "inactive");
  }

  private info(request: SipRequest, transaction: ServerTransaction): void {
    const leg = this.findTrunkLeg(request);
    if (!leg) {
      transaction.respond(createResponse(request, 481));
      return;
    }
    transaction.respond(createResponse(request, 200));
    // application/dtmf-relay: "Signal=5\r\nDuration=160"; application/dtmf: "5".
    const body = request.body.toString("utf8");
    const digit = /Signal\s*=\s*([0-9*#A-D])/i.exec(body)?.[1] ?? /^\s*([0-9*#A-D])\s*$/i.exec(body)?.[1];
    if (digit) leg.onDtmf(digit.toUpperCase());
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

type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";
const MIRROR: Record<Direction, Direction> = { sendrecv: "sendrecv", sendonly: "recvonly", recvonly: "sendonly", inactive: "inactive" };

/** The audio stream's direction attribute (media level wins over session level; default sendrecv). */
export function sdpDirection(sdp: string): Direction {
  const audio = sdp.split(/^m=/m).find((section) => section.startsWith("audio")) ?? "";
  const pick = (text: string) => /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(text)?.[1] as Direction | undefined;
  // A c= address of 0.0.0.0 is the RFC 2543 way of saying hold.
  if (/^c=IN IP4 0\.0\.0\.0/m.test(sdp)) return "inactive";
  return pick(audio) ?? pick(sdp.split(/^m=/m)[0] ?? "") ?? "sendrecv";
}

export function withDirection(sdp: string, direction: Direction): string {
  const stripped = sdp.replace(/^a=(sendrecv|sendonly|recvonly|inactive)\r?\n/gm, "");
  return stripped.replace(/^(m=audio[^\r\n]*\r?\n)/m, `$1a=${direction}\r\n`);
}

function userOf(uri: Uri): string | undefined {
  if (isTelUri(uri)) return uri.number.replace(/[-.()]/g, "");
  if (isSipUri(uri) && uri.user) return decodeURIComponent(uri.user.split(";")[0]!);
  return undefined;
}
