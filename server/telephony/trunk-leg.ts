/**
 * The caller's side of a call: Hotline is the UAS (RFC 3261 §13.3) toward a trunk (or, on the demo path, an admin's
 * browser). Its life is a state machine ({@link TRUNK_LEG_TRANSITIONS}); what happens to it is told by typed events
 * ({@link TrunkLegEvents}) to whoever owns the call, and its signalling goes through {@link LegSignalling}.
 */
import {
  createResponse,
  decodeUserPart,
  generateTag,
  getCSeq,
  getTag,
  isSipUri,
  isTelUri,
  parseNameAddr,
  parseUri,
  responseDestinationFor,
  type InviteServerTransaction,
  type MessageSource,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
  type Uri,
} from "../sip";
import { MIRRORED_DIRECTION, SdpOrigin, sdpDirection, withDirection } from "../media/sdp";
import { StateMachine, TypedEmitter, type TransitionTable } from "./leg-state";
import { ALLOW, SUPPORTED, type EndReason, type LegSignalling, type ReofferResult } from "./leg-signalling";
import type { WsIdentity } from "./registrar";
import { SipDialog, USER_AGENT, contactHeader } from "./sip-dialog";
import { sessionDescription, type SessionTimer } from "./uas-inspection";

/** RFC 3261 §13.3.1.4: the UAS retransmits its 2xx with T1 doubling up to T2, for 64*T1. */
const T1 = 500;
const T2 = 4000;

/** offered (INVITE received) -> answered (our 2xx sent) -> confirmed (its ACK came) -> ended; ended from anywhere. */
export type TrunkLegState = "offered" | "answered" | "confirmed" | "ended";
export const TRUNK_LEG_TRANSITIONS: TransitionTable<TrunkLegState> = {
  offered: ["answered", "ended"],
  answered: ["confirmed", "ended"],
  confirmed: ["ended"],
  ended: [],
};

/** What a trunk leg tells its owner. */
export type TrunkLegEvents = {
  /** The leg is over (BYE either way, CANCEL, no ACK, session expiry…); emitted once. */
  ended: (reason: EndReason) => void;
  /** The caller's side put the call on hold (true) or resumed it (false), by re-INVITE/UPDATE direction. */
  hold: (held: boolean) => void;
  /** A DTMF digit by SIP INFO (application/dtmf-relay or application/dtmf): 0-9, *, #, A-D. */
  dtmf: (digit: string) => void;
  /** Our 2xx created the dialog: the SIP side files it for in-dialog requests. */
  "dialog-created": () => void;
  /** The dialog is over: the SIP side forgets it. */
  released: () => void;
};

/** Who sent the INVITE, as far as the SIP side knows it. */
export interface TrunkLegContext {
  /** The admin whose browser places a test call (demo path): their account is the caller. */
  tester?: WsIdentity;
  /**
   * The user of our registration with the provider: an INVITE whose Request-URI names it carries the dialled number
   * in To.
   */
  registrationUser?: string;
}

/** What a trunk leg asks of the call's media (server/calls/media-bridge.ts implements it). */
export interface TrunkLegMedia {
  /** The caller's new SDP offer (re-INVITE, UPDATE): resolves with the SDP for our 2xx (RFC 3264 §8.3.1). */
  callerReoffered?(sdp: string): Promise<string>;
  /** The caller's SDP answer in an ACK (late offer, or re-INVITE without SDP). */
  callerAnswered?(sdp: string): Promise<void>;
}

/** The caller's side of a call: we are the UAS (RFC 3261 §13.3). */
export class TrunkLeg extends TypedEmitter<TrunkLegEvents> {
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
  /** Where the leg is (see {@link TRUNK_LEG_TRANSITIONS}). */
  readonly fsm = new StateMachine<TrunkLegState>("trunk-leg", TRUNK_LEG_TRANSITIONS, "offered");
  private retransmit: NodeJS.Timeout | undefined;
  /** CSeq of the INVITE whose 2xx awaits its ACK. */
  private unackedSeq: number | undefined;

  constructor(
    private readonly sip: LegSignalling,
    readonly invite: SipRequest,
    readonly transaction: InviteServerTransaction,
    readonly source: MessageSource,
    /** The caller's SDP offer; undefined for a late offer (INVITE without SDP, RFC 3261 §13.2.1). */
    readonly offer: string | undefined = invite.body.length ? invite.body.toString("utf8") : undefined,
    context: TrunkLegContext = {},
  ) {
    super();
    const tester = context.tester;
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
    const toUsable = !requestUser || requestUser === context.registrationUser;
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
    if (!this.sessionTimer || this.fsm.is("ended")) return;
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
    if (!dialog || !sessionTimer || this.fsm.is("ended")) return;
    const update = this.invite.headers.getList("Allow").some((method) => method.toUpperCase() === "UPDATE");
    const request = dialog.request(update ? "UPDATE" : "INVITE", update ? {} : { body: this.currentSdp });
    request.headers.append("Session-Expires", `${sessionTimer.expiresS};refresher=uac`);
    request.headers.append("Supported", SUPPORTED);
    const seq = dialog.localSeq;
    this.refreshPending = true;
    this.sip.sendInDialogRequest(dialog, request, (response) => {
      if (response.status < 200) return;
      this.refreshPending = false;
      if (!update && response.status < 300) this.sip.sendAck(dialog, seq);
      // §10: a refresh that fails (408, 481) ends the session; others leave it to the expiry timer.
      if (response.status === 408 || response.status === 481) return this.hangup("session-expired");
      if (response.status >= 300) return;
      this.refreshSession();
      if (!update && response.body.length) {
        void this.media?.callerAnswered?.(response.body.toString("utf8")).catch((error: unknown) =>
          this.sip.logger.warn("refresh answer refused by media", { callId: this.sipCallId, error: String(error) }),
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
    return this.fsm.is("ended");
  }

  /** Final non-2xx response to the INVITE; `headers` are added to it (e.g. Retry-After with a 503, RFC 3261 §20.33). */
  reject(status: number, reason?: string, headers?: Array<[string, string]>): void {
    if (!this.fsm.is("offered")) return;
    this.fsm.move("ended");
    this.transaction.respond(createResponse(this.invite, status, { toTag: this.localTag, reason, headers }));
    this.emit("released");
  }

  /**
   * Sends 200 OK with our SDP and retransmits it until the ACK (UDP), as the UAS core must; `headers` are added to it
   * (e.g. `X-Hotline-Call-Id` toward an operator's outbound call).
   */
  answer(sdp: string, headers: Array<[string, string]> = []): void {
    if (!this.fsm.is("offered")) return;
    this.fsm.move("answered");
    // RFC 3264 §6.1: the answer's direction mirrors the offer's; a late offer's 200 is our offer (sendrecv).
    const answerSdp = this.stampSdp(this.offer === undefined ? sdp : withDirection(sdp, MIRRORED_DIRECTION[sdpDirection(this.offer)]));
    this.awaitingAckAnswer = this.lateOffer;
    const local = this.sip.localContact(this.source.transport);
    const ok = createResponse(this.invite, 200, {
      toTag: this.localTag,
      headers: [
        ["Contact", contactHeader(local)],
        ["Allow", ALLOW],
        ...this.extensionHeaders(),
        ["Content-Type", "application/sdp"],
        ["User-Agent", USER_AGENT],
        ...headers,
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
    this.emit("dialog-created");
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
    const waiting = () => this.unackedSeq === seq && !this.fsm.is("ended");
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
    const reInvite = this.fsm.is("confirmed");
    if (this.fsm.is("answered")) this.fsm.move("confirmed");
    clearTimeout(this.retransmit);
    this.unackedSeq = undefined;
    if (!this.awaitingAckAnswer || !ack) return;
    this.awaitingAckAnswer = false;
    const body = sessionDescription(ack);
    if (!body.ok || body.sdp === undefined) {
      // RFC 3261 §13.2.1 / §13.3.1.4: an offer in a 2xx needs its answer in the ACK; without one the session fails.
      // A late offer left unanswered has no media at all: end it. A re-INVITE's keeps the session it had.
      this.sip.logger.warn("ACK without the expected SDP answer", { callId: this.sipCallId });
      if (!reInvite) this.hangup("local");
      return;
    }
    if (reInvite) {
      const direction = sdpDirection(body.sdp);
      this.emit("hold", direction === "sendonly" || direction === "inactive");
    }
    void this.media?.callerAnswered?.(body.sdp).catch((error: unknown) => {
      this.sip.logger.warn("the caller's answer was refused", { callId: this.sipCallId, error: String(error) });
      this.hangup("local");
    });
  }

  /**
   * Sends a re-INVITE with a new SDP offer in the confirmed dialog (RFC 3261 §14.1; media-failure recovery moves the
   * call to another rtpengine). Resolves with the final status and the answer SDP; on 2xx `currentSdp` becomes `sdp`.
   * Resolves with 481 when the dialog is not confirmed.
   */
  async reoffer(sdp: string): Promise<ReofferResult> {
    if (!this.fsm.is("confirmed") || !this.dialog) return { status: 481, sdp: undefined };
    const previous = this.currentSdp;
    this.refreshPending = true;
    try {
      // Our o= line continues (version +1, RFC 3264 §8); kept only if the trunk takes the offer.
      const result = await this.sip.sendReInvite(this.dialog, this.stampSdp(sdp));
      if (result.status >= 300 && previous !== undefined) this.currentSdp = previous;
      return result;
    } finally {
      this.refreshPending = false;
    }
  }

  /** Ends the call from our side: CANCEL is not ours to send (we are the UAS), so BYE or a final error. */
  hangup(reason: EndReason = "local"): void {
    if (this.fsm.is("ended")) return;
    if (this.fsm.is("offered")) {
      this.reject(480, "Temporarily Unavailable");
      this.emit("ended", reason);
      return;
    }
    clearTimeout(this.retransmit);
    clearTimeout(this.sessionExpiry);
    clearTimeout(this.sessionRefresh);
    this.fsm.move("ended");
    if (this.dialog) this.sip.sendInDialog(this.dialog, "BYE");
    this.emit("released");
    this.emit("ended", reason);
  }

  /** The caller's re-INVITE/UPDATE changed its direction (RFC 3264 §6.1): held when sendonly or inactive. */
  holdChanged(held: boolean): void {
    this.emit("hold", held);
  }

  /** A digit came by SIP INFO (see {@link dtmfOfInfo}). */
  dtmfReceived(digit: string): void {
    this.emit("dtmf", digit);
  }

  /**
   * Sends one DTMF digit to the caller by SIP INFO (RFC 6086) with an `application/dtmf-relay` body
   * ("Signal=5\r\nDuration=200"), for a trunk that takes no RFC 4733 events. Resolves with the final status (481
   * when the dialog is not confirmed).
   */
  sendDtmfInfo(digit: string, durationMs = 200): Promise<number> {
    const dialog = this.dialog;
    if (!this.fsm.is("confirmed") || !dialog) return Promise.resolve(481);
    const request = dialog.request("INFO", { body: `Signal=${digit}\r\nDuration=${durationMs}\r\n`, contentType: DTMF_INFO_TYPES[0] });
    return new Promise((resolve) =>
      this.sip.sendInDialogRequest(dialog, request, (response) => {
        if (response.status >= 200) resolve(response.status);
      }),
    );
  }

  /** The far end ended it (BYE, CANCEL). */
  remoteEnded(reason: EndReason): void {
    if (this.fsm.is("ended")) return;
    clearTimeout(this.retransmit);
    clearTimeout(this.sessionExpiry);
    clearTimeout(this.sessionRefresh);
    this.fsm.move("ended");
    this.emit("released");
    this.emit("ended", reason);
  }
}

/** The INFO content types that carry a DTMF digit (RFC 2976 INFO; the de-facto dtmf-relay and dtmf bodies). */
export const DTMF_INFO_TYPES = ["application/dtmf-relay", "application/dtmf"] as const;

/**
 * The digit in an INFO body, or undefined: `application/dtmf-relay` ("Signal=5\r\nDuration=160") or
 * `application/dtmf` ("5").
 */
export function dtmfOfInfo(body: string): string | undefined {
  const digit = /Signal\s*=\s*([0-9*#A-D])/i.exec(body)?.[1] ?? /^\s*([0-9*#A-D])\s*$/i.exec(body)?.[1];
  return digit?.toUpperCase();
}

function userOf(uri: Uri): string | undefined {
  if (isTelUri(uri)) return uri.number.replace(/[-.()]/g, "");
  if (isSipUri(uri) && uri.user) return decodeUserPart(uri.user.split(";")[0]!);
  return undefined;
}
