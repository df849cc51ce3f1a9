/**
 * The operator's softphone: a small framework-free wrapper around SIP.js (UserAgent, Registerer,
 * Invitation) that turns SIP events into one immutable {@link SoftphoneSnapshot}, so React reads it
 * with `useSyncExternalStore` and nothing else in the UI touches SIP.js.
 *
 * Decisions the server relies on:
 * - No SIP credentials at all: the WebSocket handshake carries the session cookie and that is the
 *   authentication. SIP.js would otherwise answer a 401 challenge with a digest of an undefined
 *   password, so its authentication factory is disabled and a 401/407 is shown as an error.
 * - ICE servers come only from {@link SipClientConfig}: SIP.js's default (Google STUN) must never
 *   leak the operator's address to a third party.
 * - One call at a time: a second INVITE while ringing or talking gets 486 Busy Here.
 * - Decline also answers 486, not 603: 6xx is a *global* failure in RFC 3261 (it tells the other side
 *   to stop trying everywhere), while a declined offer must go on to the next operator. The queue
 *   engine counts any non-2xx final answer as "offer declined" either way.
 */
import {
  Invitation,
  type Inviter,
  type Session,
  Registerer,
  RegistererState,
  SessionState,
  UserAgent,
  Web,
} from "sip.js";
import { OFFER_HEADERS, type SipClientConfig } from "../../server/realtime/events";
import { callTransition, canTakeOffer, IllegalCallTransitionError, type CallEvent, type CallState } from "./call-state-machine";
import { backoffDelay } from "./reconnect-backoff";
import { sipWebSocketUrl } from "./sip-websocket-url";
import { chosenMicrophone } from "./device-preferences";
import { consultInviter, dialFailureOf, outboundInviter, type DialFailure } from "./outbound-dial";

declare global {
  interface Window {
    /**
     * Test hook: the RTCPeerConnection of the call in progress, set while a call is up and removed
     * when it ends, so end-to-end tests can read `getStats()` and prove audio flows both ways.
     * Harmless in production: the page's own script could reach the connection anyway.
     */
    __hotlinePeerConnection?: RTCPeerConnection;
    /** Test hook: the consultation's RTCPeerConnection (attended transfer) while it is up. */
    __hotlineConsultPeerConnection?: RTCPeerConnection;
  }
}

/** What `data-testid="sip-registration"` shows. */
export type RegistrationState = "connecting" | "registered" | "unregistered";

/** Why the phone is not registered, for a translated message (never a raw SIP.js error string). */
export type RegistrationProblem =
  | { kind: "transport" }
  | { kind: "unauthorized"; statusCode: number }
  | { kind: "rejected"; statusCode: number };

export type MicrophoneProblem = "denied" | "unavailable";

/** How the last call ended, shown briefly after it. */
export type CallOutcome = Exclude<CallEvent, "offer" | "answered" | "dial">;

export interface IncomingOffer {
  /** The caller's number: `X-Hotline-Caller`, else the From user. */
  caller: string;
  queue?: string;
  callId?: string;
  /** A consultation call from a colleague (`X-Hotline-Consult-From`): their name. */
  consultFrom?: string;
  /** Answered at once, without ringing (`X-Hotline-Auto-Answer: consult`, the caller of an agreed consultation). */
  autoAnswer?: boolean;
}

export interface SoftphoneSnapshot {
  registration: RegistrationState;
  registrationProblem?: RegistrationProblem;
  /** Epoch ms of the next automatic connection/registration attempt while unregistered. */
  retryAt?: number;
  call: CallState;
  offer?: IncomingOffer;
  /** The operator pressed answer and the 200 OK is being prepared (microphone, SDP). */
  answering: boolean;
  /** Epoch ms the call was answered, for the call timer. */
  talkingSince?: number;
  muted: boolean;
  microphoneProblem?: MicrophoneProblem;
  lastOutcome?: CallOutcome;
  /** With `lastOutcome` "transferred": to whom, as the desk named the target (a queue, a colleague, a number). */
  transferredTo?: string;
  /** The last outbound call did not connect: why (refused by the allow-list, busy, no answer…). */
  dialFailure?: DialFailure;
  /** The last consultation's INVITE was refused: its final SIP status (see call-view.ts `consultFailureOf`). */
  consultFailure?: number;
}

export const INITIAL_SOFTPHONE_SNAPSHOT: SoftphoneSnapshot = Object.freeze({
  registration: "connecting",
  call: "idle",
  answering: false,
  muted: false,
});

/** Re-register every 5 minutes (SIP.js refreshes at 99 % of it); the server drops stale bindings. */
const REGISTER_EXPIRES_SECONDS = 300;
const BUSY_HERE = 486;

export class Softphone {
  private snapshot: SoftphoneSnapshot = INITIAL_SOFTPHONE_SNAPSHOT;
  private readonly listeners = new Set<() => void>();
  private userAgent?: UserAgent;
  private registerer?: Registerer;
  private invitation?: Invitation;
  /** The outbound call in progress (see {@link dial}). */
  private inviter?: Inviter;
  /** The consultation's session while the call's caller holds (see {@link consult}). */
  private consultation?: Inviter;
  /** Set by our own actions so the Terminated handler knows which machine event happened. */
  private endReason?: CallOutcome;
  /** The target of the transfer asked for the call in progress (see {@link transferring}). */
  private transferTarget?: string;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private failedAttempts = 0;
  private audioElement: HTMLAudioElement | null = null;

  constructor(private readonly config: SipClientConfig) {}

  // --- store interface for useSyncExternalStore ---------------------------------------------

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SoftphoneSnapshot => this.snapshot;

  // --- lifecycle ---------------------------------------------------------------------------

  /** Connects and registers; restartable after {@link stop} (React strict mode, back/forward cache). */
  start(): void {
    if (this.userAgent) return;
    const userAgent = new UserAgent({
      uri: UserAgent.makeURI(this.config.aor),
      displayName: this.config.displayName,
      transportOptions: { server: sipWebSocketUrl(window.location, this.config.wsPath) },
      contactParams: { transport: "ws" },
      userAgentString: "Hotline desk (SIP.js)",
      // SIP.js's own reconnection (`reconnectionAttempts`, left at its default 0) is deprecated, uses a
      // fixed delay, gives up after N tries and does not cover a failed first connection: ours
      // (scheduleRetry) backs off exponentially and never gives up while the desk is open.
      // Errors only: a desk waiting for the server must not fill the console at every attempt.
      logLevel: "error",
      logConfiguration: false,
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(this.mediaStreamFactory),
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: this.config.iceServers },
      },
      delegate: {
        onConnect: () => this.ifCurrent(userAgent, () => this.register()),
        onDisconnect: () => this.ifCurrent(userAgent, () => this.connectionLost()),
        onInvite: (invitation) => this.ifCurrent(userAgent, () => this.incoming(invitation)),
      },
    });
    // No credentials: never answer a challenge (see the module comment).
    userAgent.userAgentCore.configuration.authenticationFactory = () => undefined;
    const registerer = new Registerer(userAgent, { expires: REGISTER_EXPIRES_SECONDS });
    registerer.stateChange.addListener((state) =>
      this.ifCurrent(userAgent, () => {
        if (state === RegistererState.Registered) this.registrationAccepted();
        else if (state === RegistererState.Unregistered) {
          // A failed refresh or an expired binding: get it back.
          this.scheduleRetry(this.snapshot.registrationProblem);
        }
      }),
    );
    this.userAgent = userAgent;
    this.registerer = registerer;
    this.failedAttempts = 0;
    this.update({ registration: "connecting", registrationProblem: undefined, retryAt: undefined });
    userAgent.start().catch(() => this.ifCurrent(userAgent, () => this.scheduleRetry({ kind: "transport" })));
  }

  /** Ends any call, unregisters (REGISTER Expires: 0) and closes the WebSocket. */
  stop(): void {
    const userAgent = this.userAgent;
    if (!userAgent) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.endConsult();
    if (this.invitation) this.endCall(this.invitation);
    if (this.inviter?.state === SessionState.Established) this.inviter.bye().catch(() => undefined);
    else if (this.inviter?.state === SessionState.Establishing) this.inviter.cancel().catch(() => undefined);
    this.userAgent = undefined;
    this.registerer = undefined;
    this.clearCall();
    this.snapshot = { ...INITIAL_SOFTPHONE_SNAPSHOT, registration: "unregistered" };
    this.emit();
    // SIP.js's graceful stop unregisters the binding before closing the transport.
    userAgent.stop().catch(() => undefined);
  }

  /** Try now instead of waiting for the backoff (the "retry" button). */
  retryNow(): void {
    if (!this.userAgent || this.snapshot.registration !== "unregistered") return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.attempt();
  }

  // --- call controls -----------------------------------------------------------------------

  /** Where the remote party's audio plays; SIP.js does not attach it by itself. */
  /** The live call's RTCPeerConnection (for the desk's quality warning from getStats), if a call is up. */
  peerConnection(): RTCPeerConnection | undefined {
    const live = this.invitation ?? this.inviter;
    return live ? this.sessionDescriptionHandler(live)?.peerConnection : undefined;
  }

  setAudioElement(element: HTMLAudioElement | null): void {
    this.audioElement = element;
    const live = this.invitation ?? this.inviter;
    if (element && this.snapshot.call === "talking" && live) this.attachMedia(live);
  }

  /**
   * Calls `number` out through the trunk (an outbound call; `callbackId` when calling back a callback request).
   * Only from an idle, registered phone; the call goes `dialling`, then `talking` or back to `idle` with
   * {@link SoftphoneSnapshot.dialFailure}.
   */
  dial(number: string, callbackId?: number): void {
    const userAgent = this.userAgent;
    if (!userAgent || this.snapshot.registration !== "registered" || this.invitation || this.inviter || this.snapshot.call !== "idle") return;
    const inviter = outboundInviter(userAgent, this.config.aor, number, callbackId);
    if (!inviter) return;
    this.inviter = inviter;
    this.endReason = undefined;
    inviter.stateChange.addListener((state) => {
      if (inviter !== this.inviter) return;
      if (state === SessionState.Established) this.established(inviter);
      else if (state === SessionState.Terminated) this.terminated();
    });
    this.move("dial", { offer: { caller: number.trim() }, answering: false, muted: false, lastOutcome: undefined, microphoneProblem: undefined, dialFailure: undefined });
    inviter
      .invite({
        requestDelegate: {
          // The server names the call's record (X-Hotline-Call-Id): the desk files the wrap-up form on it afterwards.
          onProgress: (response) => this.learnOutboundCallId(inviter, response.message.getHeader(OFFER_HEADERS.callId)),
          onAccept: (response) => this.learnOutboundCallId(inviter, response.message.getHeader(OFFER_HEADERS.callId)),
          // SIP.js ends the session (Terminated) before it calls this, so the call is already over here.
          onReject: (response) => {
            if (this.inviter && this.inviter !== inviter) return;
            this.update({ dialFailure: dialFailureOf(response.message.statusCode ?? 0) });
          },
        },
      })
      .catch(() => {
        if (inviter === this.inviter) this.endReason = "failed";
      });
  }

  /** The record id of the outbound call in progress, from the server's 18x or 200 (once; UUIDs only). */
  private learnOutboundCallId(inviter: Inviter, header: string | undefined): void {
    const callId = header?.trim();
    if (inviter !== this.inviter || !callId || !/^[0-9a-f-]{36}$/i.test(callId) || this.snapshot.offer?.callId === callId) return;
    this.update({ offer: { ...this.snapshot.offer, caller: this.snapshot.offer?.caller ?? "", callId } });
  }

  /**
   * Attended transfer: once the server put the call `callId` in `consulting` (its caller holds with music), the
   * consultation is placed as a second SIP session (an outbound INVITE with `X-Hotline-Consult`; the server calls the
   * target it was given). The remote audio plays the consultation while it is up, then the call again. The server
   * completes or cancels it (BYE); {@link endConsult} hangs it up from here.
   */
  consult(callId: string): void {
    const userAgent = this.userAgent;
    if (!userAgent || this.consultation || this.snapshot.call !== "talking") return;
    const inviter = consultInviter(userAgent, this.config.aor, callId);
    if (!inviter) return;
    this.consultation = inviter;
    this.update({ consultFailure: undefined });
    inviter.stateChange.addListener((state) => {
      if (inviter !== this.consultation) return;
      if (state === SessionState.Established) {
        const handler = this.sessionDescriptionHandler(inviter);
        if (!handler) return;
        if (this.audioElement) {
          this.audioElement.srcObject = handler.remoteMediaStream;
          this.audioElement.play().catch(() => undefined);
        }
        if (handler.peerConnection) window.__hotlineConsultPeerConnection = handler.peerConnection;
      } else if (state === SessionState.Terminated) {
        this.consultation = undefined;
        delete window.__hotlineConsultPeerConnection;
        const live = this.invitation ?? this.inviter;
        if (live && this.snapshot.call === "talking") this.attachMedia(live);
      }
    });
    inviter
      .invite({
        requestDelegate: {
          // Refused (not allowed, busy, not connected, failed): the desk says why; the caller holds, as the server left it.
          onReject: (response) => this.update({ consultFailure: response.message.statusCode ?? 0 }),
        },
      })
      .catch(() => undefined);
  }

  /** Hangs up the consultation's session (BYE, or CANCEL while it rings), if any. */
  endConsult(): void {
    const inviter = this.consultation;
    if (inviter?.state === SessionState.Established) inviter.bye().catch(() => undefined);
    else if (inviter?.state === SessionState.Establishing) inviter.cancel().catch(() => undefined);
  }

  async answer(): Promise<void> {
    const invitation = this.invitation;
    if (!invitation || this.snapshot.call !== "ringing" || this.snapshot.answering) return;
    this.update({ answering: true, microphoneProblem: undefined });
    try {
      await invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    } catch {
      // SIP.js has already answered 480 and terminated the session; the Terminated handler cleans up.
      if (this.invitation === invitation) this.endReason = "failed";
    } finally {
      if (this.invitation === invitation) this.update({ answering: false });
    }
  }

  decline(): void {
    const invitation = this.invitation;
    if (!invitation || this.snapshot.call !== "ringing" || this.snapshot.answering) return;
    this.endReason = "declined";
    invitation.reject({ statusCode: BUSY_HERE }).catch(() => undefined);
  }

  hangup(): void {
    if (this.inviter && this.snapshot.call === "dialling") {
      // Giving up while it rings: CANCEL (the server cancels the trunk leg).
      this.endReason = "hungup";
      this.inviter.cancel().catch(() => undefined);
      return;
    }
    const session = this.invitation ?? this.inviter;
    if (!session || this.snapshot.call !== "talking") return;
    this.endReason = "hungup";
    session.bye().catch(() => undefined);
  }

  /**
   * The desk asked the server to transfer the call in progress (blind transfer, or completing a consultation): the
   * BYE the server sends once it accepted ends the call as `transferred` (to `target`, the name the desk showed),
   * not as "the caller hung up". Called before the request is sent, since the BYE may arrive before its answer.
   */
  transferring(target: string | undefined): void {
    if (this.snapshot.call !== "talking") return;
    this.endReason = "transferred";
    this.transferTarget = target;
  }

  /** The transfer asked for was refused: the call goes on, and a later BYE is the caller's again. */
  transferRefused(): void {
    if (this.endReason !== "transferred") return;
    this.endReason = undefined;
    this.transferTarget = undefined;
  }

  setMuted(muted: boolean): void {
    const live = this.invitation ?? this.inviter;
    const handler = live && this.sessionDescriptionHandler(live);
    if (!handler || this.snapshot.call !== "talking") return;
    handler.enableSenderTracks(!muted);
    this.update({ muted });
  }

  // --- registration ------------------------------------------------------------------------

  private register(): void {
    const registerer = this.registerer;
    if (!registerer) return;
    this.update({ registration: "connecting", retryAt: undefined });
    // Not from inside the transport's onConnect callback itself (SIP.js forbids re-entrancy there).
    queueMicrotask(() => {
      if (registerer !== this.registerer) return;
      registerer
        .register({
          requestDelegate: {
            // After a reconnect the Registerer may still believe it is registered, so its state
            // does not change and only the 200 itself tells the desk the line is back.
            onAccept: () => this.registrationAccepted(),
            onReject: (response) => this.registrationRejected(response),
          },
        })
        // A REGISTER already in flight (RequestPendingError): its own outcome decides.
        .catch(() => undefined);
    });
  }

  private registrationAccepted(): void {
    this.failedAttempts = 0;
    this.update({ registration: "registered", registrationProblem: undefined, retryAt: undefined });
  }

  /** `response` is SIP.js core's IncomingResponse, which the package root does not export. */
  private registrationRejected(response: { message: { statusCode?: number } }): void {
    const statusCode = response.message.statusCode ?? 0;
    // SIP.js reports a dropped or unreachable transport as a synthesized 503/408.
    const problem: RegistrationProblem =
      statusCode === 401 || statusCode === 407
        ? { kind: "unauthorized", statusCode }
        : statusCode === 503 || statusCode === 408
          ? { kind: "transport" }
          : { kind: "rejected", statusCode };
    this.scheduleRetry(problem);
  }

  private connectionLost(): void {
    this.scheduleRetry({ kind: "transport" });
  }

  /** One timer at a time, so several failure signals for the same outage cost one retry. */
  private scheduleRetry(problem: RegistrationProblem | undefined): void {
    if (!this.userAgent) return;
    if (this.retryTimer !== undefined) {
      this.update({ registration: "unregistered", registrationProblem: problem ?? this.snapshot.registrationProblem });
      return;
    }
    this.failedAttempts += 1;
    const delay = backoffDelay(this.failedAttempts);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.attempt();
    }, delay);
    this.update({ registration: "unregistered", registrationProblem: problem, retryAt: Date.now() + delay });
  }

  private attempt(): void {
    const userAgent = this.userAgent;
    if (!userAgent) return;
    if (userAgent.isConnected()) {
      this.register();
      return;
    }
    this.update({ registration: "connecting", retryAt: undefined });
    // onConnect registers once the WebSocket is up again.
    userAgent.reconnect().catch(() => this.ifCurrent(userAgent, () => this.scheduleRetry({ kind: "transport" })));
  }

  // --- calls -------------------------------------------------------------------------------

  private incoming(invitation: Invitation): void {
    if (this.invitation || !canTakeOffer(this.snapshot.call)) {
      invitation.reject({ statusCode: BUSY_HERE }).catch(() => undefined);
      return;
    }
    const request = invitation.request;
    const offer: IncomingOffer = {
      caller: request.getHeader(OFFER_HEADERS.caller)?.trim() || invitation.remoteIdentity.uri.user || "",
      queue: request.getHeader(OFFER_HEADERS.queue)?.trim() || undefined,
      callId: request.getHeader(OFFER_HEADERS.callId)?.trim() || undefined,
      consultFrom: decodeHeader(request.getHeader(OFFER_HEADERS.consultFrom)),
      autoAnswer: request.getHeader(OFFER_HEADERS.autoAnswer)?.trim() === "consult",
    };
    this.invitation = invitation;
    this.endReason = undefined;
    // A CANCEL can race with our answer; it still means "taken elsewhere or timed out", not a failure.
    invitation.delegate = {
      onCancel: () => {
        if (invitation === this.invitation) this.endReason ??= "cancelled";
      },
    };
    invitation.stateChange.addListener((state) => {
      if (invitation !== this.invitation) return;
      if (state === SessionState.Established) this.established(invitation);
      else if (state === SessionState.Terminated) this.terminated();
    });
    this.move("offer", { offer, answering: false, muted: false, lastOutcome: undefined, microphoneProblem: undefined });
    // The caller of a consultation the operator just agreed to take (issue 9): answered at once, no ringing.
    if (offer.autoAnswer) void this.answer();
  }

  private established(invitation: Session): void {
    this.attachMedia(invitation);
    this.move("answered", { answering: false, talkingSince: Date.now() });
  }

  private terminated(): void {
    const reason: CallOutcome = this.endReason ?? this.unexpectedEnd();
    // An outbound call that did not connect says why on the dial pad (dialFailure), not as a call outcome.
    const dialFailed = this.snapshot.call === "dialling" && reason === "failed";
    const transferredTo = reason === "transferred" ? this.transferTarget : undefined;
    this.clearCall();
    this.move(reason, {
      offer: undefined,
      answering: false,
      talkingSince: undefined,
      muted: false,
      consultFailure: undefined,
      lastOutcome: dialFailed ? undefined : reason,
      transferredTo,
      ...(dialFailed && { dialFailure: this.snapshot.dialFailure ?? "failed" }),
    });
  }

  /** The server's CANCEL or BYE, or SIP.js giving up on our answer (it then sends 480 itself). */
  private unexpectedEnd(): CallOutcome {
    if (this.snapshot.call === "talking") return "ended";
    if (this.snapshot.call === "dialling") return "failed";
    return this.snapshot.answering ? "failed" : "cancelled";
  }

  private endCall(invitation: Invitation): void {
    if (invitation.state === SessionState.Established) invitation.bye().catch(() => undefined);
    else if (invitation.state === SessionState.Initial) invitation.reject({ statusCode: BUSY_HERE }).catch(() => undefined);
  }

  /** Remote audio to the `<audio>` element and the peer connection to the test hook. */
  private attachMedia(invitation: Session): void {
    const handler = this.sessionDescriptionHandler(invitation);
    if (!handler) return;
    const element = this.audioElement;
    if (element && element.srcObject !== handler.remoteMediaStream) {
      element.srcObject = handler.remoteMediaStream;
      // Autoplay may be refused before any click; the operator clicked "answer", so it normally is not.
      element.play().catch(() => undefined);
    }
    if (handler.peerConnection) window.__hotlinePeerConnection = handler.peerConnection;
  }

  private clearCall(): void {
    this.invitation = undefined;
    this.inviter = undefined;
    this.endReason = undefined;
    this.transferTarget = undefined;
    if (this.audioElement) this.audioElement.srcObject = null;
    if (typeof window !== "undefined") delete window.__hotlinePeerConnection;
  }

  private sessionDescriptionHandler(invitation: Session): Web.SessionDescriptionHandler | undefined {
    const handler = invitation.sessionDescriptionHandler;
    return handler instanceof Web.SessionDescriptionHandler ? handler : undefined;
  }

  /**
   * SIP.js's default getUserMedia, plus remembering *why* it failed: SIP.js turns any failure into
   * a 480 and a generic error, and the operator needs to know the microphone is blocked.
   */
  private readonly mediaStreamFactory: Web.MediaStreamFactory = (constraints) => {
    if (!navigator.mediaDevices) {
      this.update({ microphoneProblem: "unavailable" });
      return Promise.reject(new Error("Media devices are not available (insecure context?)"));
    }
    // The microphone the operator chose on this browser (desk devices panel), when it is still there.
    const microphone = chosenMicrophone();
    if (microphone && constraints.audio === true) constraints = { ...constraints, audio: { deviceId: { ideal: microphone } } };
    return navigator.mediaDevices.getUserMedia(constraints).catch((error: unknown) => {
      const denied = error instanceof DOMException && (error.name === "NotAllowedError" || error.name === "SecurityError");
      this.update({ microphoneProblem: denied ? "denied" : "unavailable" });
      throw error;
    });
  };

  // --- state -------------------------------------------------------------------------------

  /** Applies a machine event; an illegal one is refused and logged, never thrown into SIP.js. */
  private move(event: CallEvent, patch: Partial<SoftphoneSnapshot>): void {
    try {
      const call = callTransition(this.snapshot.call, event);
      this.update({ ...patch, call });
    } catch (error) {
      if (!(error instanceof IllegalCallTransitionError)) throw error;
      console.error(error.message);
    }
  }

  private update(patch: Partial<SoftphoneSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  /** Ignores callbacks of a user agent already replaced by stop()/start(). */
  private ifCurrent(userAgent: UserAgent, action: () => void): void {
    if (userAgent === this.userAgent) action();
  }
}

/** A URI-encoded header value, or undefined (absent, empty or malformed). */
function decodeHeader(value: string | undefined): string | undefined {
  try {
    return value?.trim() ? decodeURIComponent(value.trim()) : undefined;
  } catch {
    return undefined;
  }
}
