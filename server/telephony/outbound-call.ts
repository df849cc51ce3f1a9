/**
 * One outbound call through the provider's trunk: we are the UAC
 * ([RFC 3261 §13.2](https://www.rfc-editor.org/rfc/rfc3261#section-13.2)). Callbacks and
 * transfers will build on it; it is deliberately not wired into the call logic yet.
 *
 * - The INVITE goes to `sip:<number>@<domain>` with the caller's SDP offer.
 * - 401/407 challenges are answered by re-sending it with credentials: new branch, CSeq + 1,
 *   same Call-ID and From tag (§22.2, §22.3), at most {@link MAX_AUTH_ROUNDS} times.
 * - 1xx are reported; a 2xx confirms the dialog and is ACKed with the INVITE's CSeq and
 *   credentials (§13.2.2.4), and ACKed again when it is retransmitted.
 * - {@link OutboundCall.cancel} sends CANCEL (§9.1) once a provisional response allows it, or BYE
 *   when the 200 crossed it (§15).
 * @module
 */
import {
  createRequest,
  generateBranch,
  generateCallId,
  generateTag,
  getTag,
  parseNameAddr,
  realTimers,
  type DigestCredentials,
  type Destination,
  type SipRequest,
  type SipResponse,
  type TimerHandle,
  type TimerScheduler,
} from "../sip";
import { SipDialog, USER_AGENT, contactHeader, type LocalContact } from "./sip-dialog";
import { credentialHeaders, DigestAuthenticator, MAX_AUTH_ROUNDS, cseqOf, isChallenge, nextAttempt, sendWithDigest, type TrunkLayer } from "./trunk-auth";

const ALLOW = "INVITE, ACK, CANCEL, BYE, OPTIONS";
/** §9.1: without a final response 64*T1 after the CANCEL, the INVITE is given up. */
const CANCEL_GIVE_UP_MS = 64 * 500;

export type OutboundCallState = "calling" | "proceeding" | "answered" | "failed" | "ended";

export interface OutboundCallFailure {
  status: number;
  reason: string;
  /** True when the call ended because {@link OutboundCall.cancel} was called. */
  cancelled: boolean;
}

export interface OutboundCallEvents {
  /**
   * A provisional response other than 100 (180 Ringing, 183 with early-media SDP). `toTag` is the early dialog's
   * tag (RFC 3261 §12.1.2), which media needs to answer early SDP.
   */
  onProvisional?(status: number, reason: string, sdp: string | undefined, toTag: string | undefined): void;
  /** The far end answered; the ACK is already on its way. `dialog` sends BYE and re-INVITEs. */
  onAnswered?(sdp: string, dialog: SipDialog): void;
  /** No call: a final error, a timeout (408), an unreachable provider (503), or a cancellation. */
  onFailed?(failure: OutboundCallFailure): void;
}

export interface OutboundCallOptions {
  layer: TrunkLayer;
  /** Our host:port for Via and Contact on the destination's transport (the B2BUA's `localContact`). */
  local: LocalContact;
  /** Where the INVITE goes: the provider's proxy, already resolved. */
  destination: Destination;
  /** The provider's domain: the Request-URI is `sip:<number>@<domain>`. */
  domain: string;
  /** The number to call, e.g. `+15550001111`. */
  number: string;
  /** Our SDP offer. */
  sdp: string;
  /** User part of From; providers usually want the account name there. */
  fromUser: string;
  fromDisplay?: string;
  /** Answers the provider's challenges; without it a 401/407 fails the call. */
  credentials?: DigestCredentials;
  /** Extra headers for the INVITE (e.g. P-Asserted-Identity). */
  headers?: ReadonlyArray<readonly [string, string]>;
  events?: OutboundCallEvents;
  timers?: TimerScheduler;
  /** Fixed cnonce for deterministic digest answers in tests. */
  cnonce?: () => string;
}

/** An INVITE toward the trunk and what follows until answer or failure. Call {@link start} once. */
export class OutboundCall {
  readonly callId = generateCallId();
  readonly localTag = generateTag();
  private currentState: OutboundCallState = "calling";
  private invite: SipRequest;
  private readonly auth: DigestAuthenticator | undefined;
  private readonly timers: TimerScheduler;
  private authRounds = 1;
  /** §9.1: a CANCEL may only follow a provisional response of the same INVITE transaction. */
  private provisionalSeen = false;
  private cancelRequested = false;
  private cancelTimer: TimerHandle | undefined;
  private ack: SipRequest | undefined;
  private confirmed: SipDialog | undefined;

  constructor(private readonly options: OutboundCallOptions) {
    this.timers = options.timers ?? realTimers;
    this.auth = options.credentials && new DigestAuthenticator(options.credentials, options.cnonce);
    this.invite = this.buildInvite();
  }

  get state(): OutboundCallState {
    return this.currentState;
  }

  /** The confirmed dialog once answered. */
  get dialog(): SipDialog | undefined {
    return this.confirmed;
  }

  /** Sends the INVITE. */
  start(): void {
    this.send(this.invite);
  }

  /**
   * Gives up on the call: CANCEL while it rings (deferred until a provisional response, §9.1),
   * BYE once answered. The failure is reported through `onFailed` with `cancelled: true`.
   */
  cancel(): void {
    if (this.currentState === "answered") return this.hangup();
    if (this.currentState !== "calling" && this.currentState !== "proceeding") return;
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.provisionalSeen) this.sendCancel();
  }

  /** Ends an answered call with BYE (§15.1.1), answering a challenge of the BYE as well. */
  hangup(): void {
    if (this.currentState !== "answered" || !this.confirmed) return this.cancel();
    this.currentState = "ended";
    this.bye(this.confirmed);
  }

  private buildInvite(): SipRequest {
    const { local, domain, number, fromUser, fromDisplay } = this.options;
    const display = fromDisplay ? `"${fromDisplay.replace(/["\\\r\n]/g, "")}" ` : "";
    return createRequest({
      method: "INVITE",
      uri: `sip:${escapeUser(number)}@${domain}`,
      headers: [
        ["Via", `SIP/2.0/${local.transport} ${local.hostport};branch=${generateBranch()};rport`],
        ["Max-Forwards", "70"],
        ["From", `${display}<sip:${escapeUser(fromUser)}@${domain}>;tag=${this.localTag}`],
        ["To", `<sip:${escapeUser(number)}@${domain}>`],
        ["Call-ID", this.callId],
        ["CSeq", "1 INVITE"],
        ["Contact", contactHeader(local, escapeUser(fromUser))],
        ["Allow", ALLOW],
        ["User-Agent", USER_AGENT],
        ...(this.options.headers ?? []),
        ["Content-Type", "application/sdp"],
      ],
      body: this.options.sdp,
    });
  }

  private send(invite: SipRequest): void {
    this.invite = invite;
    this.provisionalSeen = false;
    try {
      this.options.layer.sendRequest(invite, this.options.destination, {
        onResponse: (response) => invite === this.invite && this.response(response),
        onTimeout: () => invite === this.invite && this.fail(408, "Request Timeout"),
        onTransportError: () => invite === this.invite && this.fail(503, "Service Unavailable"),
      });
    } catch (error) {
      this.fail(503, error instanceof Error ? error.message : "Service Unavailable");
    }
  }

  private response(response: SipResponse): void {
    const { status } = response;
    if (status < 200) {
      this.provisionalSeen = true;
      if (this.cancelRequested) return this.sendCancel();
      if (status === 100 || (this.currentState !== "calling" && this.currentState !== "proceeding")) return;
      this.currentState = "proceeding";
      const sdp = response.body.length ? response.body.toString("utf8") : undefined;
      this.options.events?.onProvisional?.(status, response.reason, sdp, getTag(response.headers.get("To")));
      return;
    }
    if (status < 300) return this.answered(response);
    if (isChallenge(status) && this.auth && !this.cancelRequested) {
      const learnt = this.auth.learn(response, this.invite);
      if (learnt.ok && this.authRounds < MAX_AUTH_ROUNDS) {
        this.authRounds += 1;
        const retry = nextAttempt(this.invite, cseqOf(this.invite) + 1);
        this.auth.authorize(retry);
        return this.send(retry);
      }
    }
    this.fail(status, response.reason);
  }

  private answered(response: SipResponse): void {
    const toTag = getTag(response.headers.get("To")) ?? "";
    if (this.confirmed && this.ack && toTag === this.confirmed.init.remoteTag) {
      // A retransmitted 2xx: our ACK was lost (§13.2.2.4).
      this.sendAck(this.ack, this.confirmed);
      return;
    }
    const dialog = this.dialogFor(response, toTag);
    const ack = dialog.request("ACK", { cseq: cseqOf(this.invite) });
    for (const [name, value] of credentialHeaders(this.invite)) ack.headers.set(name, value);
    this.sendAck(ack, dialog);
    if (this.confirmed || (this.currentState !== "calling" && this.currentState !== "proceeding") || this.cancelRequested) {
      // A second dialog from a forking proxy, or an answer that crossed our CANCEL: it is
      // confirmed and then ended at once (§13.2.2.4, §15).
      this.bye(dialog);
      if (!this.confirmed) this.fail(487, "Request Terminated");
      return;
    }
    this.clearCancelTimer();
    this.confirmed = dialog;
    this.ack = ack;
    this.currentState = "answered";
    this.options.events?.onAnswered?.(response.body.toString("utf8"), dialog);
  }

  /** §12.1.2: the UAC's dialog, route set = Record-Route reversed, remote target = the 2xx's Contact. */
  private dialogFor(response: SipResponse, remoteTag: string): SipDialog {
    const contact = parseNameAddr(response.headers.get("Contact") ?? "");
    return new SipDialog({
      callId: this.callId,
      localTag: this.localTag,
      remoteTag,
      localUri: (this.invite.headers.get("From") ?? "").replace(/;tag=[^;]*/, ""),
      remoteUri: this.invite.headers.get("To") ?? "",
      remoteTarget: contact.ok ? contact.value.uriText : this.invite.uri,
      routeSet: response.headers.getAll("Record-Route").reverse(),
      localSeq: cseqOf(this.invite),
      local: this.options.local,
      fallback: this.options.destination,
    });
  }

  private sendAck(ack: SipRequest, dialog: SipDialog): void {
    // Failures are logged by the layer; a lost ACK is repaired by the 2xx retransmission.
    void this.options.layer.sendStateless(ack, dialog.destination()).catch(() => undefined);
  }

  private bye(dialog: SipDialog): void {
    sendWithDigest({
      layer: this.options.layer,
      request: dialog.request("BYE"),
      destination: dialog.destination(),
      auth: this.auth,
      nextSeq: () => ++dialog.localSeq,
      done: () => undefined,
    });
  }

  /** §9.1: CANCEL copies Request-URI, Call-ID, From, To, CSeq number and the top Via of the INVITE. */
  private sendCancel(): void {
    if (this.cancelTimer !== undefined) return;
    const invite = this.invite;
    const headers: Array<[string, string]> = [["Via", invite.headers.get("Via") ?? ""]];
    for (const route of invite.headers.getAll("Route")) headers.push(["Route", route]);
    headers.push(
      ["Max-Forwards", "70"],
      ["From", invite.headers.get("From") ?? ""],
      ["To", invite.headers.get("To") ?? ""],
      ["Call-ID", this.callId],
      ["CSeq", `${cseqOf(invite)} CANCEL`],
      ["User-Agent", USER_AGENT],
    );
    // Credentials are not added: a CANCEL cannot be re-sent after a challenge anyway, since it
    // must keep the INVITE's branch (§9.1, §22.1).
    const cancel = createRequest({ method: "CANCEL", uri: invite.uri, headers });
    try {
      this.options.layer.sendRequest(cancel, this.options.destination, { onResponse: () => undefined });
    } catch {
      // The INVITE's own transaction still ends the call (487, Timer B or the timer below).
    }
    this.cancelTimer = this.timers.set(() => this.fail(487, "Request Terminated"), CANCEL_GIVE_UP_MS);
  }

  private clearCancelTimer(): void {
    if (this.cancelTimer !== undefined) this.timers.clear(this.cancelTimer);
  }

  private fail(status: number, reason: string): void {
    if (this.currentState !== "calling" && this.currentState !== "proceeding") return;
    this.clearCancelTimer();
    this.currentState = "failed";
    this.options.events?.onFailed?.({ status, reason, cancelled: this.cancelRequested });
  }
}

/** Escapes a user part (RFC 3261 §25.1 `user`): unreserved and user-unreserved characters stay. */
function escapeUser(user: string): string {
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) =>
    [...Buffer.from(c, "utf8")].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}
