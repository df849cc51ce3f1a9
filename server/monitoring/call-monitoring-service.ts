/**
 * Listen and whisper from the supervisors' board, through rtpengine 10.5 (issue 12 point 4), without SIP: the browser
 * of a supervisor (and, for whisper, of the operator) talks to rtpengine over Socket.IO offer/answer steps, as the
 * desk's loopback check does (server/media/loopback-check.ts).
 *
 * - **listen**: one `subscribe request` per party (trunk tag, operator attempt tag), each toward its own new
 *   participant: rtpengine replies with a sendonly WebRTC offer of one m= line, which the supervisor's browser answers
 *   on its own receive-only RTCPeerConnection (`subscribe answer`). One connection per party, not one offer with two
 *   m= lines: Chromium completed DTLS on only one of two unbundled sections of such an offer in the e2e (rtpengine:
 *   "SRTP output wanted, but no crypto suite was negotiated" on the other), while one section per connection is the
 *   path calls and the loopback check already prove. What the supervisor's browser sends is forwarded to nobody.
 * - **whisper** = listen + the supervisor's microphone: the browser offers a sendonly stream that rtpengine takes with
 *   `publish` (a source in the call's session that nobody hears yet); then a `subscribe request` for that source
 *   toward a second participant gives a WebRTC offer that the operator's desk answers on a second RTCPeerConnection.
 *   The trunk's leg is not touched, so the caller cannot hear the supervisor.
 * - **barge** is a take-over: 10.5 has no mixer for live calls, so the caller's G.711 stream carries one voice; the
 *   caller is paired with the supervisor's browser instead of the operator (an `offer`/`answer` from the caller's tag,
 *   as for an operator attempt: the trunk-facing port does not move, no re-INVITE), the operator's leg stays up
 *   unheard, and the end pairs the caller with the operator again. See server/monitoring/README.md.
 *
 * Lifetime: one monitoring per supervisor (a new one ends the old), at most {@link MAX_MONITORS_PER_CALL} per call,
 * {@link MAX_WHISPERS_PER_CALL} whisper sources per call (rtpengine 10.5 cannot delete a single published source: it
 * stays blocked until the call's session is deleted). A session not answered within {@link SETUP_TIMEOUT_MS} ends.
 * Monitoring ends with {@link stop}, when the call ends or changes operator ({@link callChanged}), and when the
 * supervisor's board socket closes (the socket layer calls {@link stop}; a session's end closes its sockets), so no
 * monitoring outlives the session that started it. Each monitoring is logged in `call_events`: `call.monitor-started`
 * and `call.monitored` (supervisor, mode, from/to, why it ended).
 */
import { randomBytes } from "node:crypto";
import type { NewCallEvent } from "../../db/queries/calls";
import type { BencodeDict } from "../media/bencode";
import { subscriptionSdp } from "../media/call-monitoring";
import type { NgClient } from "../media/ng-client";

export type MonitorMode = "listen" | "whisper" | "barge";

/** The call's media steps of a take-over (MediaBridge: takeOverOffer, takeOverAnswered, endTakeOver). */
export interface TakeOverMedia {
  offer(tag: string): Promise<string>;
  answered(tag: string, sdp: string): Promise<unknown>;
  end(): Promise<void>;
}

/** Where a monitored call lives in rtpengine, and who is on it. */
export interface MonitoredCall {
  ng: NgClient;
  /** The caller leg's tag in rtpengine. */
  trunkTag: string;
  /** The connected operator attempt's tag in rtpengine. */
  operatorTag: string;
  operatorId: number;
  queueId: number | null;
  /** Barge as take-over; absent when the call's media cannot (then barge is refused). */
  takeOver?: TakeOverMedia;
}

/** What an operator's desk is told: who monitors their call and how (`undefined`: nobody, or hidden by policy). */
export interface OperatorMonitorView {
  mode: MonitorMode;
  supervisorName: string;
}

export interface MonitoringDeps {
  /** The call as rtpengine knows it, when it is bridged to an operator; undefined otherwise. */
  findCall(callId: string): MonitoredCall | undefined;
  /** rtpengine options for a browser participant (leg-profiles.ts browserLegOptions; plain RTP in tests). */
  browserProfile: BencodeDict;
  /** Post-processing of SDP rtpengine produced for a browser (finishBrowserSdp). */
  finishSdp(sdp: string): string;
  /**
   * Asks the operator's desk to answer the whisper offer (a second peer connection); resolves with its answer.
   * Rejects when no desk answers.
   */
  askOperator(operatorId: number, offerSdp: string): Promise<string>;
  /** Tells the operator's desk who monitors it now; `undefined` also tells the desk to close its whisper connection. */
  tellOperator(operatorId: number, view: OperatorMonitorView | undefined): void;
  /** Tells the supervisor's board that its monitoring ended (call over, replaced, timed out). */
  tellSupervisor(supervisorId: number, callId: string, reason: string): void;
  supervisorName(supervisorId: number): string;
  log(event: NewCallEvent): void;
  now(): number;
  /** Show a listening supervisor to the operator (MONITOR_SHOW_LISTENING); whisper is always shown. Default true. */
  showListening?: boolean;
}

/** Supervisors monitoring one call at once. */
export const MAX_MONITORS_PER_CALL = 2;
/** Whisper sources one call may accumulate (each holds rtpengine ports until the call ends). */
export const MAX_WHISPERS_PER_CALL = 6;
/** How long a step of the setup may wait for the browser, ms. */
export const SETUP_TIMEOUT_MS = 15_000;
/** Largest SDP accepted from a browser, characters. */
export const MONITOR_MAX_SDP = 16_384;

/** Why a request was refused; the board shows a message for each. */
export type MonitorErrorCode = "no-call" | "busy" | "invalid" | "failed" | "no-desk";

export class MonitorError extends Error {
  override name = "MonitorError";
  constructor(readonly code: MonitorErrorCode) {
    super(`monitoring refused: ${code}`);
  }
}

interface Monitoring {
  id: string;
  supervisorId: number;
  callId: string;
  mode: MonitorMode;
  call: MonitoredCall;
  /** The supervisor's listening participants, one per party (caller, operator). */
  earsTags: [string, string];
  /** Whisper: the supervisor's published microphone, and the operator's participant subscribed to it. */
  mouthTag?: string;
  operatorEarTag?: string;
  stage: "offered" | "listening" | "whispering" | "barging" | "ended";
  /** Barge: the supervisor's participant paired with the caller. */
  bargeTag?: string;
  startedAt?: number;
  timer?: NodeJS.Timeout;
}

export class CallMonitoring {
  private readonly bySupervisor = new Map<number, Monitoring>();
  private readonly whispersPerCall = new Map<string, number>();

  constructor(private readonly deps: MonitoringDeps) {}

  /**
   * Starts monitoring `callId` for `supervisorId` (ending their previous monitoring): resolves with rtpengine's
   * sendonly offers for the supervisor's two listening connections (the caller's voice, then the operator's).
   * Throws {@link MonitorError} (`no-call`: not bridged to an operator; `busy`: too many monitors) and the ng errors.
   */
  async start(supervisorId: number, callId: string, mode: MonitorMode): Promise<string[]> {
    await this.stop(supervisorId, "replaced");
    const call = this.deps.findCall(callId);
    if (!call) throw new MonitorError("no-call");
    if (this.onCall(callId).length >= MAX_MONITORS_PER_CALL) throw new MonitorError("busy");
    if (mode === "whisper" && (this.whispersPerCall.get(callId) ?? 0) >= MAX_WHISPERS_PER_CALL) throw new MonitorError("busy");
    if (mode === "barge" && (!call.takeOver || this.onCall(callId).some((m) => m.mode === "barge"))) throw new MonitorError(call.takeOver ? "busy" : "failed");
    const tag = randomBytes(6).toString("hex");
    const monitoring: Monitoring = { id: tag, supervisorId, callId, mode, call, earsTags: [`sup-${tag}-caller`, `sup-${tag}-operator`], stage: "offered" };
    this.bySupervisor.set(supervisorId, monitoring);
    this.arm(monitoring);
    try {
      if (mode === "barge") {
        monitoring.bargeTag = `barge-${tag}`;
        return [await call.takeOver!.offer(monitoring.bargeTag)];
      }
      const offers: string[] = [];
      for (const [index, party] of [call.trunkTag, call.operatorTag].entries()) {
        const reply = await call.ng.request("subscribe request", {
          ...this.deps.browserProfile,
          "call-id": callId,
          "from-tags": [party],
          "to-tag": monitoring.earsTags[index]!,
        });
        if (typeof reply.sdp !== "string") throw new MonitorError("failed");
        offers.push(this.deps.finishSdp(subscriptionSdp(reply.sdp)));
      }
      return offers;
    } catch (error) {
      await this.end(monitoring, "failed");
      throw error;
    }
  }

  /**
   * The supervisor's listening connections answered (in the order of the offers): the copies start. For listen the
   * monitoring is now live (logged, shown to the operator unless hidden by policy); whisper goes on with {@link publish}.
   */
  async answer(supervisorId: number, sdps: unknown): Promise<void> {
    const m = this.current(supervisorId, "offered");
    if (!Array.isArray(sdps) || sdps.length !== (m.mode === "barge" ? 1 : 2)) throw new MonitorError("invalid");
    for (const sdp of sdps) checkSdp(sdp);
    if (m.mode === "barge") {
      try {
        await m.call.takeOver!.answered(m.bargeTag!, sdps[0] as string);
      } catch (error) {
        await this.end(m, "failed");
        throw error;
      }
      if (m.stage === "ended") return;
      m.stage = "barging";
      return this.live(m);
    }
    try {
      for (const [index, sdp] of (sdps as string[]).entries()) {
        await m.call.ng.request("subscribe answer", { "call-id": m.callId, "to-tag": m.earsTags[index]!, sdp, flags: ["allow transcoding"] });
      }
    } catch (error) {
      await this.end(m, "failed");
      throw error;
    }
    if (m.stage === "ended") return;
    m.stage = "listening";
    if (m.mode === "listen") this.live(m);
  }

  /**
   * Whisper: the supervisor's microphone offer (sendonly) -> rtpengine's answer for it. Then the operator's desk is
   * offered that source and answers on a second connection; resolves once the operator hears the supervisor.
   * Throws {@link MonitorError} (`no-desk` when the operator's desk does not answer).
   */
  async publish(supervisorId: number, sdp: unknown): Promise<string> {
    checkSdp(sdp);
    const m = this.current(supervisorId, "listening");
    if (m.mode !== "whisper") throw new MonitorError("invalid");
    m.mouthTag = `mouth-${m.id}`;
    m.operatorEarTag = `whisper-${m.id}`;
    this.whispersPerCall.set(m.callId, (this.whispersPerCall.get(m.callId) ?? 0) + 1);
    try {
      const published = await m.call.ng.request("publish", { ...this.deps.browserProfile, "call-id": m.callId, "from-tag": m.mouthTag, sdp });
      if (typeof published.sdp !== "string") throw new MonitorError("failed");
      const toOperator = await m.call.ng.request("subscribe request", {
        ...this.deps.browserProfile,
        "call-id": m.callId,
        "from-tags": [m.mouthTag],
        "to-tag": m.operatorEarTag,
      });
      if (typeof toOperator.sdp !== "string") throw new MonitorError("failed");
      const operatorAnswer = await this.deps.askOperator(m.call.operatorId, this.deps.finishSdp(subscriptionSdp(toOperator.sdp))).catch(() => {
        throw new MonitorError("no-desk");
      });
      checkSdp(operatorAnswer);
      if (m.stage === "ended") throw new MonitorError("failed");
      await m.call.ng.request("subscribe answer", { "call-id": m.callId, "to-tag": m.operatorEarTag, sdp: operatorAnswer, flags: ["allow transcoding"] });
      m.stage = "whispering";
      this.live(m);
      return this.deps.finishSdp(published.sdp);
    } catch (error) {
      await this.end(m, "failed");
      throw error;
    }
  }

  /** Ends the supervisor's monitoring (no-op when none). Never throws. */
  async stop(supervisorId: number, reason = "stopped"): Promise<void> {
    const m = this.bySupervisor.get(supervisorId);
    if (m) await this.end(m, reason);
  }

  /** The call ended or its operator changed: every monitoring of it ends. */
  async callChanged(callId: string, reason = "call-ended"): Promise<void> {
    await Promise.all(this.onCall(callId).map((m) => this.end(m, reason)));
    if (reason === "call-ended") this.whispersPerCall.delete(callId);
  }

  /** The supervisor's monitoring, for tests and the board: call, mode and stage. */
  of(supervisorId: number): { callId: string; mode: MonitorMode; stage: Monitoring["stage"] } | undefined {
    const m = this.bySupervisor.get(supervisorId);
    return m && { callId: m.callId, mode: m.mode, stage: m.stage };
  }

  get size(): number {
    return this.bySupervisor.size;
  }

  async close(): Promise<void> {
    await Promise.all([...this.bySupervisor.values()].map((m) => this.end(m, "shutdown")));
  }

  private onCall(callId: string): Monitoring[] {
    return [...this.bySupervisor.values()].filter((m) => m.callId === callId);
  }

  private current(supervisorId: number, stage: Monitoring["stage"]): Monitoring {
    const m = this.bySupervisor.get(supervisorId);
    if (!m || m.stage !== stage) throw new MonitorError("invalid");
    return m;
  }

  /** A setup that does not finish in time ends (a closed tab, a browser that never answers). */
  private arm(m: Monitoring): void {
    m.timer = setTimeout(() => {
      if (m.stage === "offered" || (m.mode === "whisper" && m.stage === "listening")) void this.end(m, "setup-timeout");
    }, SETUP_TIMEOUT_MS);
    m.timer.unref();
  }

  /** The monitoring is live: logged, and shown to the operator (listening only if the policy says so). */
  private live(m: Monitoring): void {
    clearTimeout(m.timer);
    m.startedAt = this.deps.now();
    this.deps.log({
      at: new Date(m.startedAt),
      type: "call.monitor-started",
      callId: m.callId,
      operatorId: m.call.operatorId,
      queueId: m.call.queueId,
      data: { supervisorId: m.supervisorId, mode: m.mode },
    });
    this.publishToOperator(m.call.operatorId);
  }

  /** The operator's view: a whisper wins over a listen; a listen is hidden when the policy says so. */
  private publishToOperator(operatorId: number): void {
    const active = [...this.bySupervisor.values()].filter((m) => m.call.operatorId === operatorId && m.stage !== "offered" && m.stage !== "ended" && m.startedAt !== undefined);
    const spoken = active.find((m) => m.stage === "barging") ?? active.find((m) => m.stage === "whispering");
    const shown = spoken ?? ((this.deps.showListening ?? true) ? active.find((m) => m.mode === "listen") : undefined);
    this.deps.tellOperator(operatorId, shown && { mode: shown.mode, supervisorName: this.deps.supervisorName(shown.supervisorId) });
  }

  private async end(m: Monitoring, reason: string): Promise<void> {
    if (m.stage === "ended") return;
    const wasLive = m.startedAt !== undefined;
    m.stage = "ended";
    clearTimeout(m.timer);
    if (this.bySupervisor.get(m.supervisorId) === m) this.bySupervisor.delete(m.supervisorId);
    if (reason !== "stopped" && reason !== "replaced") this.deps.tellSupervisor(m.supervisorId, m.callId, reason);
    if (wasLive) {
      const endedAt = this.deps.now();
      this.deps.log({
        at: new Date(endedAt),
        type: "call.monitored",
        callId: m.callId,
        operatorId: m.call.operatorId,
        queueId: m.call.queueId,
        data: { supervisorId: m.supervisorId, mode: m.mode, from: new Date(m.startedAt!).toISOString(), to: new Date(endedAt).toISOString(), reason },
      });
    }
    this.publishToOperator(m.call.operatorId);
    // The call's own end deletes its whole rtpengine session: nothing to undo there.
    if (reason === "call-ended") return;
    const ng = m.call.ng;
    const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
    if (m.mode === "barge") {
      // Back to the operator (a take-over offered but never answered changed nothing).
      if (wasLive) await quiet(m.call.takeOver!.end());
      return;
    }
    for (const [index, party] of [m.call.trunkTag, m.call.operatorTag].entries()) {
      await quiet(ng.request("unsubscribe", { "call-id": m.callId, "from-tag": party, "to-tag": m.earsTags[index]! }));
    }
    if (m.mouthTag && m.operatorEarTag) {
      await quiet(ng.request("unsubscribe", { "call-id": m.callId, "from-tag": m.mouthTag, "to-tag": m.operatorEarTag }));
      // 10.5 has no way to delete one published source; blocked, it forwards nothing even if a subscription lingers.
      await quiet(ng.blockMedia({ callId: m.callId, fromTag: m.mouthTag }));
    }
  }
}

function checkSdp(sdp: unknown): asserts sdp is string {
  if (typeof sdp !== "string" || sdp.length > MONITOR_MAX_SDP || !sdp.startsWith("v=0")) throw new MonitorError("invalid");
}
