/**
 * An operator's side of a call: Hotline is the UAC toward the softphone (SIP.js in the desk) over its WebSocket
 * (RFC 3261 §13.2, RFC 7118). Its life is a state machine ({@link OPERATOR_LEG_TRANSITIONS}); what happens to it is
 * told by typed events ({@link OperatorLegEvents}); its signalling goes through {@link LegSignalling}.
 */
import { createRequest, generateBranch, generateCallId, generateTag, getTag, parseNameAddr, type ClientTransaction, type Destination, type SipRequest, type SipResponse } from "../sip";
import { StateMachine, TypedEmitter, type TransitionTable } from "./leg-state";
import { ALLOW, type EndReason, type LegSignalling, type ReofferResult } from "./leg-signalling";
import type { Binding } from "./registrar";
import { SipDialog, USER_AGENT, contactHeader } from "./sip-dialog";

/**
 * inviting (INVITE sent) -> ringing (18x) -> answered (2xx, ACKed) <-> held (the call put the operator on hold) ->
 * ended. A leg ends from any state (CANCEL, BYE, failure).
 */
export type OperatorLegState = "inviting" | "ringing" | "answered" | "held" | "ended";
export const OPERATOR_LEG_TRANSITIONS: TransitionTable<OperatorLegState> = {
  inviting: ["ringing", "answered", "ended"],
  ringing: ["answered", "ended"],
  answered: ["held", "ended"],
  held: ["answered", "ended"],
  ended: [],
};

/** What an operator leg tells its owner. */
export type OperatorLegEvents = {
  ringing: () => void;
  /** The softphone answered with this SDP. */
  answered: (sdp: string) => void;
  /** Rejected, cancelled, timed out, transport gone before an answer: the offer failed (RFC 3261 status). */
  failed: (status: number, reason: string) => void;
  /** The operator hung up (BYE) or the connection died during the call. */
  ended: (reason: EndReason) => void;
  /** The INVITE left: the SIP side files the leg for responses and in-dialog requests. */
  "dialog-created": () => void;
  /** The leg is over: the SIP side forgets it after `lingerMs` (a 200 crossing our CANCEL still gets ACK + BYE). */
  released: (lingerMs: number) => void;
};

/** An operator's side of a call: we are the UAC toward the softphone over its WebSocket (RFC 3261 §13.2). */
export class OperatorLeg extends TypedEmitter<OperatorLegEvents> {
  readonly callId = generateCallId();
  readonly localTag = generateTag();
  private invite: SipRequest | undefined;
  private transaction: ClientTransaction | undefined;
  dialog: SipDialog | undefined;
  /** Where the leg is (see {@link OPERATOR_LEG_TRANSITIONS}). */
  readonly fsm = new StateMachine<OperatorLegState>("operator-leg", OPERATOR_LEG_TRANSITIONS, "inviting");

  constructor(
    private readonly sip: LegSignalling,
    readonly binding: Binding,
  ) {
    super();
  }

  send(sdp: string, headers: Array<[string, string]>, callerDisplay: string): void {
    const local = this.sip.localContact("WS");
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
    this.emit("dialog-created");
    try {
      this.transaction = this.sip.sendRequest(this.invite, this.destination(), {
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
      if (response.status >= 180 && this.fsm.is("inviting")) {
        this.fsm.move("ringing");
        this.emit("ringing");
      }
      return;
    }
    const toTag = getTag(response.headers.get("To")) ?? "";
    if (response.status < 300) {
      // A retransmitted 2xx (our ACK was lost, RFC 3261 §13.2.2.4): ACK it again; the dialog stands.
      if (this.fsm.is("answered", "held") && this.dialog) return this.sip.sendAck(this.dialog);
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
        local: this.sip.localContact("WS"),
        fallback: this.destination(),
      });
      this.dialog = dialog;
      this.sip.sendAck(dialog);
      if (this.fsm.is("ended")) {
        // Answered after we gave up (cancel crossed the 200): ACK then BYE (§15).
        this.sip.sendInDialog(dialog, "BYE");
        return;
      }
      this.fsm.move("answered");
      this.emit("answered", response.body.toString("utf8"));
      return;
    }
    this.fail(response.status, response.reason);
  }

  /** Retransmitted 2xx (ours was lost): ACK again. */
  strayOk(cseq = 1): void {
    if (this.dialog) this.sip.sendAck(this.dialog, cseq);
  }

  /** Stops ringing: CANCEL (§9.1) before an answer, BYE after. */
  cancel(): void {
    if (this.fsm.is("answered", "held")) return this.hangup();
    if (this.fsm.is("ended") || !this.invite) return;
    this.fsm.move("ended");
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
      this.sip.sendRequest(cancel, this.destination(), { onResponse: () => {} });
    } catch {
      // The connection is gone: nothing rings any more anyway.
    }
    this.emit("released", 30_000);
  }

  /**
   * Sends a re-INVITE with a new SDP offer to the operator's softphone (RFC 3261 §14.1), e.g. after the call's media
   * moved to another rtpengine. Resolves with the final status and the answer SDP; 481 when not answered.
   */
  reoffer(sdp: string): Promise<ReofferResult> {
    if (!this.fsm.is("answered", "held") || !this.dialog) return Promise.resolve({ status: 481, sdp: undefined });
    return this.sip.sendReInvite(this.dialog, sdp);
  }

  hangup(): void {
    if (this.fsm.is("ended")) return;
    const wasAnswered = this.fsm.is("answered", "held");
    this.fsm.move("ended");
    if (wasAnswered && this.dialog) this.sip.sendInDialog(this.dialog, "BYE");
    this.emit("released", 0);
  }

  remoteEnded(reason: EndReason): void {
    if (this.fsm.is("ended")) return;
    const wasAnswered = this.fsm.is("answered", "held");
    this.fsm.move("ended");
    this.emit("released", 0);
    if (wasAnswered) this.emit("ended", reason);
    else this.emit("failed", 503, "Operator unreachable");
  }

  private fail(status: number, reason: string): void {
    if (this.fsm.is("ended")) return;
    this.fsm.move("ended");
    this.emit("released", 0);
    this.emit("failed", status, reason);
  }

  get ended(): boolean {
    return this.fsm.is("ended");
  }
  /** Marks the leg held (true) or talking again (false): the call session's hold, told to the desk. */
  setHeld(held: boolean): void {
    if (held && this.fsm.is("answered")) this.fsm.move("held");
    else if (!held && this.fsm.is("held")) this.fsm.move("answered");
  }
}
