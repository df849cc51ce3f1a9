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
 * Call logic lives above it (server/calls); legs report to it through narrow callbacks.
 */
import {
  TransactionLayer,
  TcpTransport,
  UdpTransport,
  WebSocketTransport,
  createResponse,
  decodeUserPart,
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
  getCSeq,
} from "../sip";
import { MIRRORED_DIRECTION, SdpOrigin, sdpDirection, withDirection } from "../media/sdp";
import type { Logger } from "../logger";
import type { AddressAllowList } from "./address-allow-list";
import { Registrar, type Binding, type RegistrarEvents, type WsIdentity } from "./registrar";
import { SipDialog, USER_AGENT, contactHeader, type LocalContact } from "./sip-dialog";
import { TrunkSourceAdmission } from "./source-rate-limiter";
import {
  DEFAULT_SESSION_EXPIRES_S,
  MIN_SESSION_EXPIRES_S,
  RetryLaterError,
  SUPPORTED_EXTENSIONS,
  negotiateSessionTimer,
  type SessionTimer,
  sessionDescription,
  sessionTimerRequest,
  unsupportedRequirements,
} from "./uas-inspection";

const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REGISTER";
const SUPPORTED = SUPPORTED_EXTENSIONS.join(", ");
const KNOWN_UNSUPPORTED = new Set(["SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER", "PRACK", "PUBLISH"]);
export { MIN_SESSION_EXPIRES_S, DEFAULT_SESSION_EXPIRES_S };
/** RFC 3261 §13.3.1.4: the UAS retransmits its 2xx with T1 doubling up to T2, for 64*T1. */
const T1 = 500;
const T2 = 4000;

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

type EndReason = "bye" | "cancel" | "no-ack" | "transport-error" | "local" | "session-expired" | "server-error";

/** What a trunk leg asks of the call's media (server/calls/media-bridge.ts implements it). */
export interface TrunkLegMedia {
  /** The caller's new SDP offer (re-INVITE, UPDATE): resolves with the SDP for our 2xx (RFC 3264 §8.3.1). */
  callerReoffered?(sdp: string): Promise<string>;
  /** The caller's SDP answer in an ACK (late offer, or re-INVITE without SDP). */
  callerAnswered?(sdp: string): Promise<void>;
}


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
  /** True when the caller number comes from a P-Asserted-Identity of a trusted trunk (RFC 3325 §9.1). */
  readonly callerAsserted: boolean;
  /** The remote CSeq sequence number (RFC 3261 §12.2.2): later requests must carry higher ones. */
  remoteSeq: number;
  /** Our o= line across the dialog (RFC 3264 §8). */
  readonly origin = new SdpOrigin();
  /** The media of the call, once the call logic attached it. */
  media: TrunkLegMedia | undefined;
  /** The next ACK carries the caller's answer (our 2xx had the offer). */
  awaitingAckAnswer = false;
  /** A re-INVITE/UPDATE offer of the caller is being answered (RFC 3261 §14.2). */
  offerPending = false;
  /** Our own refresh re-INVITE/UPDATE is in progress (a crossing re-INVITE gets 491, RFC 3261 §14.2). */
  refreshPending = false;
  /** RFC 4028 timer negotiated in the INVITE, if the caller supports it. */
  sessionTimer: SessionTimer | undefined;
  private sessionExpiry: NodeJS.Timeout | undefined;
  private sessionRefresh: NodeJS.Timeout | undefined;
  private state: "offered" | "answered" | "confirmed" | "ended" = "offered";
  private retransmit: NodeJS.Timeout | undefined;
  /** CSeq of the INVITE whose 2xx awaits its ACK. */
  private unackedSeq: number | undefined;
  onEnded: (reason: EndReason) => void = () => {};
  onDtmf: (digit: string) => void = () => {};
  /** The caller's side put the call on hold (true) or resumed it (false), by re-INVITE. */
  onHold: (held: boolean) => void = () => {};

  constructor(
    private readonly b2bua: B2bua,
    readonly invite: SipRequest,
    readonly transaction: InviteServerTransaction,
    readonly source: MessageSource,
    /** The caller's SDP offer; undefined for a late offer (INVITE without SDP, RFC 3261 §13.2.1). */
    readonly offer: string | undefined = invite.body.length ? invite.body.toString("utf8") : undefined,
  ) {
    const tester = source.connection && b2bua.identityOf(source.connection);
    // RFC 3325 §9.1: a trusted trunk's asserted identity wins over From (often "Anonymous"). Of its values (one
    // sip/sips and one tel URI, possibly on one line), the first with a user part is the number.
    const asserted = tester
      ? undefined
      : invite.headers.getList("P-Asserted-Identity")
          .map((value) => parseNameAddr(value))
          .flatMap((parsed) => (parsed.ok && userOf(parsed.value.uri) ? [parsed.value] : []));
    const fromHeader = parseNameAddr(invite.headers.get("From") ?? "");
    const from = asserted?.[0] ?? (fromHeader.ok ? fromHeader.value : undefined);
    this.callerAsserted = Boolean(asserted?.length);
    // A test call's caller is the admin's account, not whatever the browser wrote in From.
    this.callerNumber = tester ? `test:${tester.username}` : (from && userOf(from.uri)) || "anonymous";
    this.callerName = asserted?.find((identity) => identity.displayName)?.displayName || from?.displayName || undefined;
    this.remoteSeq = getCSeq(invite)?.seq ?? 0;
    const requestUri = parseUri(invite.uri);
    const to = parseNameAddr(invite.headers.get("To") ?? "");
    // Trunks put the dialled number in the Request-URI user. Providers we register with often put our
    // registration's user there and the number in To: only then (or with no user in the Request-URI) is the
    // To user a candidate too, so a number that does not route is never rescued by whatever To says.
    const requestUser = requestUri.ok ? userOf(requestUri.value) : undefined;
    const toUsable = !requestUser || requestUser === b2bua.registrationUser;
    const candidates = [requestUser, toUsable && to.ok ? userOf(to.value.uri) : undefined];
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
  /** The caller's SDP offer, empty for a late offer (the media side then makes the offer). */
  get offerSdp(): string {
    return this.offer ?? "";
  }
  /** The INVITE had no SDP: our 200 carries the offer, the ACK the answer (RFC 3261 §13.2.1). */
  get lateOffer(): boolean {
    return this.offer === undefined;
  }

  /** Gives the leg its call's media, which re-INVITEs, UPDATEs and ACK answers are passed to. */
  attachMedia(media: TrunkLegMedia): void {
    this.media = media;
  }

  /** True when `source` is this dialog's peer: the trunk's address, or the same WebSocket connection. */
  isPeer(source: MessageSource): boolean {
    if (this.fromBrowser) return source.connection === this.source.connection;
    return source.remote.address === this.source.remote.address;
  }

  /** Headers of our 2xx about extensions and the session timer (RFC 4028 §9). */
  extensionHeaders(): Array<[string, string]> {
    const headers: Array<[string, string]> = [["Supported", SUPPORTED]];
    if (this.sessionTimer) {
      headers.push(["Session-Expires", `${this.sessionTimer.expiresS};refresher=${this.sessionTimer.refresher}`]);
      // §9: Require: timer only toward a caller that supports the extension.
      if (this.sessionTimer.uacSupports) headers.push(["Require", "timer"]);
    }
    return headers;
  }

  /**
   * (Re)starts the session timer (RFC 4028 §10): without a refresh, BYE at the session interval minus
   * min(32 s, a third of it), and the call ends with reason `session-expired`. When Hotline is the refresher it
   * sends the refresh at half the interval (§7.4): UPDATE without SDP when the caller allows UPDATE, else a
   * re-INVITE with our current SDP.
   */
  refreshSession(): void {
    clearTimeout(this.sessionExpiry);
    clearTimeout(this.sessionRefresh);
    if (!this.sessionTimer || this.state === "ended") return;
    const { expiresS, refresher } = this.sessionTimer;
    this.sessionExpiry = setTimeout(() => this.hangup("session-expired"), (expiresS - Math.min(32, expiresS / 3)) * 1000);
    this.sessionExpiry.unref();
    if (refresher === "uas") {
      this.sessionRefresh = setTimeout(() => this.sendSessionRefresh(), (expiresS / 2) * 1000);
      this.sessionRefresh.unref();
    }
  }

  private sendSessionRefresh(): void {
    const { dialog, sessionTimer } = this;
    if (!dialog || !sessionTimer || this.state === "ended") return;
    const update = this.invite.headers.getList("Allow").some((method) => method.toUpperCase() === "UPDATE");
    const request = dialog.request(update ? "UPDATE" : "INVITE", update ? {} : { body: this.currentSdp });
    request.headers.append("Session-Expires", `${sessionTimer.expiresS};refresher=uac`);
    request.headers.append("Supported", SUPPORTED);
    const seq = dialog.localSeq;
    this.refreshPending = true;
    this.b2bua.sendInDialogRequest(dialog, request, (response) => {
      if (response.status < 200) return;
      this.refreshPending = false;
      if (!update && response.status < 300) this.b2bua.sendAck(dialog, seq);
      // §10: a refresh that fails (408, 481) ends the session; others leave it to the expiry timer.
      if (response.status === 408 || response.status === 481) return this.hangup("session-expired");
      if (response.status >= 300) return;
      this.refreshSession();
      if (!update && response.body.length) {
        void this.media?.callerAnswered?.(response.body.toString("utf8")).catch((error: unknown) =>
          this.b2bua.logger.warn("refresh answer refused by media", { callId: this.sipCallId, error: String(error) }),
        );
      }
    });
  }

  /** The SDP we send, with our o= line (version +1 only when it changed, RFC 3264 §8); remembered for refreshes. */
  stampSdp(sdp: string): string {
    this.currentSdp = this.origin.stamp(sdp);
    return this.currentSdp;
  }
  get ended(): boolean {
    return this.state === "ended";
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
    // RFC 3264 §6.1: the answer's direction mirrors the offer's; a late offer's 200 is our offer (sendrecv).
    const answerSdp = this.stampSdp(this.offer === undefined ? sdp : withDirection(sdp, MIRRORED_DIRECTION[sdpDirection(this.offer)]));
    this.awaitingAckAnswer = this.lateOffer;
    const local = this.b2bua.localContact(this.source.transport);
    const ok = createResponse(this.invite, 200, {
      toTag: this.localTag,
      headers: [
        ["Contact", contactHeader(local)],
        ["Allow", ALLOW],
        ...this.extensionHeaders(),
        ["Content-Type", "application/sdp"],
        ["User-Agent", USER_AGENT],
      ],
      body: answerSdp,
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
    this.refreshSession();
    this.retransmitUntilAck(this.transaction, ok, this.remoteSeq);
  }

  /**
   * RFC 3261 §13.3.1.4: our 2xx to an INVITE (initial or re-INVITE, whose retransmissions the transaction absorbs,
   * RFC 6026) goes again at T1, 2·T1… capped at T2 until the ACK with its CSeq arrives (on UDP); without one within
   * 64·T1 the dialog is ended with BYE.
   */
  retransmitUntilAck(transaction: ServerTransaction, ok: SipResponse, seq: number): void {
    clearTimeout(this.retransmit);
    this.unackedSeq = seq;
    const started = Date.now();
    let interval = T1;
    const waiting = () => this.unackedSeq === seq && this.state !== "ended";
    const tick = () => {
      if (!waiting()) return;
      if (Date.now() - started >= 64 * T1) return this.hangup("no-ack");
      if (this.source.transport === "UDP") transaction.respond(ok);
      interval = Math.min(interval * 2, T2);
      this.retransmit = setTimeout(tick, this.source.transport === "UDP" ? interval : 64 * T1);
    };
    this.retransmit = setTimeout(tick, this.source.transport === "UDP" ? interval : 64 * T1);
  }

  /**
   * The ACK of our 2xx (RFC 3261 §13.3.1.4): stops the retransmissions. When our 2xx carried the offer (late
   * offer, re-INVITE without SDP) the first ACK's SDP is the answer and goes to the media.
   */
  acked(ack?: SipRequest): void {
    // Only the ACK of the 2xx we are waiting on counts; a late retransmitted ACK of an earlier one changes nothing.
    if (ack && getCSeq(ack)?.seq !== this.unackedSeq) return;
    const reInvite = this.state === "confirmed";
    if (this.state === "answered") this.state = "confirmed";
    clearTimeout(this.retransmit);
    this.unackedSeq = undefined;
    if (!this.awaitingAckAnswer || !ack) return;
    this.awaitingAckAnswer = false;
    const body = sessionDescription(ack);
    if (!body.ok || body.sdp === undefined) {
      // RFC 3261 §13.2.1 / §13.3.1.4: an offer in a 2xx needs its answer in the ACK; without one the session fails.
      // A late offer left unanswered has no media at all: end it. A re-INVITE's keeps the session it had.
      this.b2bua.logger.warn("ACK without the expected SDP answer", { callId: this.sipCallId });
      if (!reInvite) this.hangup("local");
      return;
    }
    if (reInvite) {
      const direction = sdpDirection(body.sdp);
      this.onHold(direction === "sendonly" || direction === "inactive");
    }
    void this.media?.callerAnswered?.(body.sdp).catch((error: unknown) => {
      this.b2bua.logger.warn("the caller's answer was refused", { callId: this.sipCallId, error: String(error) });
      this.hangup("local");
    });
  }

  /**
   * Sends a re-INVITE with a new SDP offer in the confirmed dialog (RFC 3261 §14.1; media-failure recovery moves the
   * call to another rtpengine). Resolves with the final status and the answer SDP; on 2xx `currentSdp` becomes `sdp`.
   * Resolves with 481 when the dialog is not confirmed.
   */
  async reoffer(sdp: string): Promise<ReofferResult> {
    if (this.state !== "confirmed" || !this.dialog) return { status: 481, sdp: undefined };
    const previous = this.currentSdp;
    this.refreshPending = true;
    try {
      // Our o= line continues (version +1, RFC 3264 §8); kept only if the trunk takes the offer.
      const result = await this.b2bua.sendReInvite(this.dialog, this.stampSdp(sdp));
      if (result.status >= 300 && previous !== undefined) this.currentSdp = previous;
      return result;
    } finally {
      this.refreshPending = false;
    }
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
    clearTimeout(this.sessionExpiry);
    clearTimeout(this.sessionRefresh);
    this.state = "ended";
    if (this.dialog) this.b2bua.sendInDialog(this.dialog, "BYE");
    this.b2bua.forgetTrunkLeg(this);
    this.onEnded(reason);
  }

  /** The far end ended it (BYE, CANCEL). */
  remoteEnded(reason: EndReason): void {
    if (this.state === "ended") return;
    clearTimeout(this.retransmit);
    clearTimeout(this.sessionExpiry);
    clearTimeout(this.sessionRefresh);
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
  strayOk(cseq = 1): void {
    if (this.dialog) this.b2bua.sendAck(this.dialog, cseq);
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
  private readonly now: () => number;
  /** §8.2.2.2: Call-ID, From tag and CSeq of each live initial INVITE, to spot merged requests. */
  private readonly initialInvites = new Map<string, TrunkLeg>();
  /** Outbound calls (hook): see {@link setOutboundHandler}, {@link watchUacDialog}. */
  private outboundHandler: OutboundCallHandler | undefined;
  private readonly uacDialogs = new Map<string, UacDialogWatch>(); // dialog key -> what to do with its requests

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
        // §8.2.2.2: the same request reaching us twice by different paths (another branch) is a merged request.
        const mergeKey = this.mergeKey(request);
        if (this.initialInvites.has(mergeKey)) return respond(482, { reason: "Loop Detected (merged request)" });
        const body = sessionDescription(request, { allowIp6: this.options.allowIp6Media, warnAgent: this.options.advertisedAddress });
        if (!body.ok) return respond(body.status, { reason: body.reason, headers: body.headers });
        // RFC 4028 §9: a session interval below our minimum gets 422 with ours.
        const timer = negotiateSessionTimer(sessionTimerRequest(request), undefined);
        if (timer === "too-small") return respond(422, { headers: [["Min-SE", String(MIN_SESSION_EXPIRES_S)]] });
        const invite = transaction as InviteServerTransaction;
        const leg = new TrunkLeg(this, request, invite, source, body.sdp);
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

  registerDialog(leg: TrunkLeg): void {
    this.pendingInvites.delete(leg.transaction);
    this.trunkLegs.set(this.dialogKey(leg.sipCallId, leg.localTag), leg);
  }

  forgetTrunkLeg(leg: TrunkLeg): void {
    this.pendingInvites.delete(leg.transaction);
    const key = this.mergeKey(leg.invite);
    if (this.initialInvites.get(key) === leg) this.initialInvites.delete(key);
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

  /** ACK for a 2xx we received on `dialog` to the INVITE with CSeq `cseq` (RFC 3261 §13.2.2.4). */
  sendAck(dialog: SipDialog, cseq = 1): void {
    const ack = dialog.request("ACK", { cseq });
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
   * A re-INVITE carrying an SDP offer in an existing dialog (RFC 3261 §14.1). Every 2xx (retransmissions included,
   * RFC 6026 §7.2; see onStrayResponse) is acknowledged with an ACK carrying the re-INVITE's CSeq number
   * (§13.2.2.4). Resolves with the final status (408 on timeout or transport failure) and the answer; never rejects.
   */
  sendReInvite(dialog: SipDialog, sdp: string): Promise<ReofferResult> {
    return new Promise((resolve) => {
      const invite = dialog.request("INVITE", { body: sdp });
      const cseq = dialog.localSeq;
      let settled = false;
      this.sendInDialogRequest(dialog, invite, (response) => {
        if (response.status < 200) return;
        if (response.status < 300) this.sendAck(dialog, cseq);
        if (settled) return;
        settled = true;
        resolve({ status: response.status, sdp: response.body.length ? response.body.toString("utf8") : undefined });
      });
    });
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
          leg.onHold(offered === "sendonly" || offered === "inactive");
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

/** Re-exported for the existing callers: the SDP direction helpers live in server/media/sdp.ts. */
export { sdpDirection, withDirection };

/** Retry-After for a 500 on a crossing offer: a random 0-10 s, as RFC 3261 §14.2 asks. */
function retryAfter(): string {
  return String(Math.floor(Math.random() * 11));
}

function userOf(uri: Uri): string | undefined {
  if (isTelUri(uri)) return uri.number.replace(/[-.()]/g, "");
  if (isSipUri(uri) && uri.user) return decodeUserPart(uri.user.split(";")[0]!);
  return undefined;
}
