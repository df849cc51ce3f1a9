/**
 * Outbound calls from the desk: the owner of every {@link OutboundCallSession}. It takes an operator's outbound
 * INVITE from the B2BUA ({@link OutboundCalls.onOutboundCall}), decides whether it may go out, and keeps the queue
 * engine and the call records in step:
 *
 * - **Who and where** ({@link OutboundPolicy}): the operator's number must match the allow-list, else 403; no trunk
 *   route configured -> 503; a callback (`X-Hotline-Callback: <id>`) must be claimed by this operator and open, and
 *   calls the request's number whatever the Request-URI says.
 * - **Busy for the queues**: an operator who is offered or on an inbound call, or in wrap-up, gets 486 (one call at a
 *   time); an available operator is paused with reason `outbound` for the call (the engine then offers them
 *   nothing) and resumed when it ends; a paused operator stays paused as they were.
 * - **After the call**: an answered call gives its operator after-call work as an inbound call does (wrap-up for the
 *   wrap-up time of the queue whose number was the caller ID, else the default; the desk's wrap-up form files topic,
 *   outcome and notes on the outbound record); an unanswered or failed attempt does not.
 * - **Records**: one call record (direction `outbound`, caller number = our caller ID, dialled number, operator,
 *   outcome answered/busy/no_answer/failed, answered and ended times: talk time = ended - answered) through the
 *   durable {@link CallRecords} writer; a callback attempt row for a callback, which closes the request when answered.
 *
 * - **Consultation** (attended transfer, issue 9): an INVITE that also carries `X-Hotline-Consult: <call id>` is the
 *   operator's second session while their caller holds ({@link ConsultPort}): the number is the consultation's
 *   (checked against the allow-list again), the operator is on a call already (no 486, no pause), the caller ID is
 *   the caller's queue's, and the call session completes it by re-INVITEing the trunk leg onto the caller's media
 *   ({@link OutboundCallSession.handOver}) or cancels it (BYE both legs). Its record (direction `outbound`,
 *   `consult_of` = the inbound call) is no outbound call: the call log, reports, board and callback work list leave it
 *   out; the inbound call's timeline shows it (`call.consultation` placed / ended, with the record's id). A consultation
 *   of a colleague rings their softphone instead, as an internal call ({@link InternalConsultCall}, no trunk, not
 *   recorded as a call), the colleague paused (`outbound`) meanwhile.
 *
 * {@link OutboundCalls.placeTrunkCall} is the API for other features (a transfer to an external number or a
 * directory contact): it checks the same allow-list and places only the trunk leg.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "../logger";
import type { CallRecords } from "../calls/call-records";
import { OutboundCallSession, type OutboundResult, type TrunkTarget } from "../calls/outbound-call-session";
export { outcomeOf } from "../calls/outbound-call-session";
import { OutboundMedia } from "../calls/outbound-media";
import { InternalConsultCall, type ColleagueLeg } from "../calls/internal-consult-call";
import type { ExternalDialler } from "../calls/external-party";
import type { ConsultClaim } from "../calls/call-session";
import type { NgClient } from "../media/ng-client";
import type { OperatorStateView } from "../realtime/events";
import type { EngineEvent } from "../queue";
import type { OutboundCallHandler, TrunkLeg } from "../telephony/b2bua";
import type { B2bua } from "../telephony/b2bua";
import { OutboundCall, type OutboundCallEvents } from "../telephony/outbound-call";
import type { SipDialog } from "../telephony/sip-dialog";
import type { WsIdentity } from "../telephony/registrar";
import type { OutboundPolicy } from "./outbound-policy";
import { resolveDestination, type TrunkRoute } from "./trunk-route";

/** The part of the callback work list an outbound call needs (server/callbacks/callback-service.ts). */
export interface CallbackPort {
  /** The open request claimed by `operatorId`, with its number and queue; undefined otherwise. */
  claimed(requestId: number, operatorId: number): Promise<{ callerNumber: string; queueId: number | null } | undefined>;
  /** Logs the attempt; an answered one closes the request. */
  attempted(requestId: number, attempt: { callId: string; operatorId: number; at: Date; outcome: string }): Promise<void>;
}

/** Consultations waiting for the operator's INVITE (server/calls: `CallController.claimConsult`). */
export interface ConsultPort {
  claim(callId: string, operatorId: number): ConsultClaim | undefined;
}

export interface OutboundCallsDeps {
  b2bua: Pick<B2bua, "layer" | "localContact" | "watchUacDialog"> & Partial<Pick<B2bua, "sendReInvite">>;
  route: TrunkRoute | undefined;
  policy: OutboundPolicy;
  records: Pick<CallRecords, "enqueueWrite" | "writeCall" | "log" | "flushWithin">;
  /** rtpengine for a new call id, and its release. */
  media: { acquire(callId: string): NgClient; release(callId: string): void };
  engine: {
    state(userId: number): OperatorStateView | undefined;
    dispatch(event: EngineEvent): void;
    /**
     * An answered outbound call (not a consultation) ended: the operator's after-call work, for the wrap-up time of
     * `queueId` (server/calls: `CallController.outboundCallEnded`). Absent: the operator is resumed at once.
     */
    outboundCallEnded?(userId: number, callId: string, queueId: number | undefined): void;
  };
  callbacks?: CallbackPort;
  /** Absent: `X-Hotline-Consult` INVITEs are refused. */
  consults?: ConsultPort;
  /**
   * Colleagues' softphones, for a consultation of another operator: a new leg toward `userId`'s registered softphone
   * (undefined when not registered) and their name. Absent: such consultations are refused (503).
   */
  colleagues?: { leg(userId: number): ColleagueLeg | undefined; name(userId: number): string | undefined };
  now: () => number;
  logger: Logger;
  /** How long a trunk may ring (ms). Default 60 s. */
  ringTimeoutMs?: number;
  /** Fixed digest cnonce (tests). */
  cnonce?: () => string;
}

/** One live outbound call, by operator. */
interface Live {
  session: OutboundCallSession;
  recordId: string;
  pausedByUs: boolean;
  /** The queue whose number is the caller ID (its wrap-up time applies after the call). */
  callerIdQueue: number | undefined;
  consult: boolean;
}

export class OutboundCalls implements OutboundCallHandler {
  private readonly live = new Map<number, Live>();
  /** Colleagues being consulted (internal consultation calls), busy for the queues meanwhile. */
  private readonly consultTargets = new Set<number>();

  constructor(private readonly deps: OutboundCallsDeps) {}

  /** Outbound calls in progress. */
  get activeCalls(): number {
    return this.live.size;
  }

  /** B2BUA hook: an operator's `X-Hotline-Outbound` INVITE. */
  onOutboundCall(leg: TrunkLeg, identity: WsIdentity): void {
    void this.admit(leg, identity).catch((error: unknown) => {
      this.deps.logger.error("outbound call failed to start", { error: String(error) });
      leg.reject(500);
    });
  }

  private async admit(leg: TrunkLeg, identity: WsIdentity): Promise<void> {
    const { deps } = this;
    const operatorId = identity.userId;
    const callbackHeader = leg.invite.headers.get("X-Hotline-Callback");
    const callbackId = callbackHeader !== undefined && /^\d{1,9}$/.test(callbackHeader.trim()) ? Number(callbackHeader) : undefined;
    if (callbackHeader !== undefined && callbackId === undefined) return leg.reject(400, "Bad X-Hotline-Callback");
    const callback = callbackId !== undefined ? await deps.callbacks?.claimed(callbackId, operatorId) : undefined;
    if (callbackId !== undefined && !callback) return leg.reject(403, "Forbidden: callback not yours or closed");
    // The inbound call a consultation belongs to (its record id), when this INVITE is one.
    const consultOf = leg.invite.headers.get("X-Hotline-Consult")?.trim();
    const consult = consultOf !== undefined ? deps.consults?.claim(consultOf, operatorId) : undefined;
    if (consultOf !== undefined && !consult) return leg.reject(403, "Forbidden: no consultation waiting");
    if (consult?.colleague !== undefined) return this.admitColleague(leg, operatorId, consultOf!, consult, consult.colleague);
    const check = await deps.policy.check(consult?.number ?? callback?.callerNumber ?? leg.dialedNumber, identity.role);
    if (!check.ok) {
      deps.logger.warn("outbound call refused", { operatorId, reason: check.reason });
      return leg.reject(403, `Forbidden: ${check.reason}`);
    }
    if (!deps.route) return leg.reject(503, "No trunk for outbound calls");
    const status = deps.engine.state(operatorId)?.status;
    if (this.live.has(operatorId) || (!consult && (status === "offered" || status === "on-call" || status === "wrap-up"))) return leg.reject(486);
    if (leg.ended) return;

    const { number: callerId, queueId: callerIdQueue } = await deps.policy.callerIdOf(operatorId, consult?.queueId ?? callback?.queueId);
    const destination = await resolveDestination(deps.route);
    const mediaCallId = `out-${randomUUID()}`;
    const recordId = randomUUID();
    const ng = deps.media.acquire(mediaCallId);
    const media = new OutboundMedia(ng, mediaCallId, leg.remoteTag, leg.offerSdp);
    const session = new OutboundCallSession({
      leg,
      number: check.number,
      callerId,
      trunk: this.trunkTarget(destination),
      media,
      ringTimeoutMs: deps.ringTimeoutMs ?? 60_000,
      watchTrunkDialog: (dialog, onBye, sdp) => deps.b2bua.watchUacDialog(dialog, onBye, sdp),
      now: deps.now,
      logger: deps.logger,
      cnonce: deps.cnonce,
      // The desk files its wrap-up on this record (a consultation has none: the operator is on the caller's call).
      ...(!consult && { recordId }),
    });
    const pausedByUs = !consult && status === "available";
    // The engine offers a paused operator nothing: the outbound call keeps inbound calls away (see the module).
    if (pausedByUs) deps.engine.dispatch({ type: "pause-requested", operatorId: String(operatorId), reason: "outbound" });
    const startedAt = new Date(deps.now());
    this.live.set(operatorId, { session, recordId, pausedByUs, callerIdQueue, consult: consult !== undefined });
    session.once("ended", (result) => void this.ended(operatorId, result, { recordId, callbackId, mediaCallId, consultOf: consult && consultOf }));
    deps.records.enqueueWrite({
      op: "insert-call",
      call: {
        id: recordId,
        direction: "outbound",
        // The operator's dialog; the trunk's Call-ID is in the call.outbound event once sent.
        sipCallId: leg.sipCallId,
        callerNumber: callerId,
        dialedNumber: check.number,
        operatorId,
        // A dial-pad call belongs to the queue whose number it shows (its wrap-up lists that queue's topics).
        queueId: consult?.queueId ?? callback?.queueId ?? callerIdQueue ?? null,
        // A consultation's leg belongs to its inbound call: no outbound call in the log, reports or callbacks.
        ...(consult && { consultOf }),
        arrivedAt: startedAt,
        slThresholdS: 0,
        shortAbandonS: 0,
      },
    });
    if (consult) this.attachConsult(consult, session);
    await session.start();
    deps.records.log({
      at: startedAt,
      type: "call.outbound",
      callId: recordId,
      operatorId,
      data: { number: check.number, pattern: check.pattern, trunkCallId: session.trunkCallId ?? null, ...(callbackId !== undefined && { callbackId }), ...(consultOf !== undefined && { consultOf }) },
    });
    if (consult) {
      deps.records.log({ at: startedAt, type: "call.consultation", callId: consultOf!, operatorId, data: { step: "placed", consultCallId: recordId, number: check.number } });
    }
  }

  /**
   * A consultation of a colleague (issue 9): no trunk, no allow-list; the colleague's softphone rings as an internal
   * call ({@link InternalConsultCall}, its own rtpengine call). The colleague must still be `available` (else 486);
   * meanwhile they are paused with reason `outbound`, as for an outbound call, so the engine offers them no queue
   * call ({@link isOnCall} is true for them too), and resumed when the internal call ends. Not recorded as a call.
   */
  private admitColleague(leg: TrunkLeg, operatorId: number, callId: string, consult: ConsultClaim, colleagueId: number): void {
    const { deps } = this;
    if (this.live.has(operatorId) || this.consultTargets.has(colleagueId) || deps.engine.state(colleagueId)?.status !== "available") return leg.reject(486);
    const colleague = deps.colleagues?.leg(colleagueId);
    if (!colleague) return leg.reject(deps.colleagues ? 480 : 503);
    const mediaCallId = `consult-${randomUUID()}`;
    const call = new InternalConsultCall({
      leg,
      colleague,
      fromName: deps.colleagues?.name(operatorId) ?? `#${operatorId}`,
      callId,
      ng: deps.media.acquire(mediaCallId),
      mediaCallId,
      ringTimeoutMs: deps.ringTimeoutMs ?? 60_000,
      logger: deps.logger,
    });
    this.consultTargets.add(colleagueId);
    deps.engine.dispatch({ type: "pause-requested", operatorId: String(colleagueId), reason: "outbound" });
    const listeners = consult.attach({
      end: () => call.hangup("consult-ended"),
      reoffer: () => Promise.resolve({ status: 481, sdp: undefined }),
    });
    call.on("state", (state) => state === "answered" && listeners.answered());
    call.once("ended", (result) => {
      this.consultTargets.delete(colleagueId);
      deps.media.release(mediaCallId);
      // Resumed synchronously: a completed consultation transfers the caller to this colleague right after.
      if (deps.engine.state(colleagueId)?.reason === "outbound") deps.engine.dispatch({ type: "resume-requested", operatorId: String(colleagueId) });
      deps.records.log({ at: new Date(deps.now()), type: "call.consult-internal-ended", callId, operatorId, data: { operatorTarget: colleagueId, answered: result.answered, reason: result.reason } });
      listeners.ended(result.reason === "bye" ? "target-hung-up" : `consult-${result.reason}`);
    });
    void call.start();
  }

  /**
   * Gives a consultation's call session the placed call: `end()` hangs up both legs (BYE/CANCEL), `reoffer(sdp)`
   * re-INVITEs the answered trunk leg (RFC 3261 §14.1) and, when it accepts, hands it over (this session ends with
   * reason `transferred`, the trunk dialog stays up and its BYE now reaches the call session).
   */
  private attachConsult(consult: ConsultClaim, session: OutboundCallSession): void {
    let handed: { hangup(): void } | undefined;
    let handing = false;
    let release = () => {};
    const listeners = consult.attach({
      end: () => {
        if (!handed) return session.hangup("consult-ended");
        handed.hangup();
        release();
      },
      reoffer: async (offer) => {
        const dialog = session.trunkDialog;
        const send = this.deps.b2bua.sendReInvite?.bind(this.deps.b2bua);
        if (!dialog || !send) return { status: 481, sdp: undefined };
        const reply = await send(dialog, offer);
        if (reply.status >= 300) return reply;
        handing = true;
        handed = session.handOver();
        release = this.deps.b2bua.watchUacDialog(
          dialog,
          () => {
            release();
            listeners.hungUp();
          },
          offer,
        );
        return reply;
      },
    });
    session.on("state", (state) => state === "answered" && listeners.answered());
    session.once("ended", (result) => !handing && listeners.ended(result.reason === "bye" ? "target-hung-up" : `consult-${result.reason}`));
  }

  private trunkTarget(destination: TrunkTarget["destination"]): TrunkTarget {
    const route = this.deps.route!;
    return { layer: this.deps.b2bua.layer, local: this.deps.b2bua.localContact(route.transport), destination, domain: route.domain, credentials: route.credentials };
  }

  private async ended(
    operatorId: number,
    result: OutboundResult,
    call: { recordId: string; callbackId: number | undefined; mediaCallId: string; consultOf: string | undefined },
  ): Promise<void> {
    const { deps } = this;
    const live = this.live.get(operatorId);
    this.live.delete(operatorId);
    deps.media.release(call.mediaCallId);
    // After-call work for an answered call (issue 9), as after an inbound one; none after an unanswered attempt, nor
    // after a consultation (the operator is still on the caller's call).
    const wrapUp = live !== undefined && !live.consult && result.outcome === "answered" && result.answeredAt !== undefined && deps.engine.outboundCallEnded;
    if (wrapUp) {
      deps.engine.outboundCallEnded!(operatorId, call.recordId, live.callerIdQueue);
    } else if (live?.pausedByUs && deps.engine.state(operatorId)?.reason === "outbound") {
      deps.engine.dispatch({ type: "resume-requested", operatorId: String(operatorId) });
    }
    deps.records.writeCall(call.recordId, {
      outcome: result.outcome,
      endedAt: new Date(result.endedAt),
      endedBy: result.endedBy,
      endReason: result.reason,
      ...(result.answeredAt !== undefined && { answeredAt: new Date(result.answeredAt) }),
    });
    deps.records.log({ at: new Date(result.endedAt), type: "call.ended", callId: call.recordId, operatorId, data: { outcome: result.outcome, reason: result.reason } });
    if (call.consultOf !== undefined) {
      deps.records.log({ at: new Date(result.endedAt), type: "call.consultation", callId: call.consultOf, operatorId, data: { step: "ended", consultCallId: call.recordId, outcome: result.outcome, reason: result.reason } });
    }
    if (call.callbackId === undefined || !deps.callbacks) return;
    // The attempt refers to the record: the record's insert must be in the database first.
    await deps.records.flushWithin(5_000);
    await deps.callbacks
      .attempted(call.callbackId, { callId: call.recordId, operatorId, at: new Date(result.endedAt), outcome: result.outcome })
      .catch((error: unknown) => deps.logger.error("callback attempt not logged", { callbackId: call.callbackId, error: String(error) }));
  }

  /** True while `operatorId` has an outbound call (ringing out or talking). */
  isOnCall(operatorId: number): boolean {
    return this.live.has(operatorId) || this.consultTargets.has(operatorId);
  }

  /** The operator's softphone is gone (unregistered, socket closed): their outbound call ends. */
  operatorGone(operatorId: number): void {
    this.live.get(operatorId)?.session.hangup("operator-gone");
  }

  /** Ends every outbound call (shutdown). */
  close(): void {
    for (const live of [...this.live.values()]) live.session.hangup("shutdown");
  }

  /**
   * The port call sessions use for blind transfers to external numbers (server/calls/external-party.ts): the
   * allow-list as for any operator (the transferring operator staffs the desk), then {@link placeTrunkCall} with the
   * caller ID of the caller's queue (its hotline number).
   */
  externalDialler(): ExternalDialler {
    return {
      check: (number) => this.deps.policy.check(number, "operator"),
      place: async ({ number, operatorId, queueId, sdp, events }) => {
        let release = () => {};
        let dialog: SipDialog | undefined;
        const placed = await this.placeTrunkCall({
          number,
          role: "operator",
          operatorId,
          queueId,
          sdp,
          events: {
            onAnswered: (answer, answered) => {
              dialog = answered;
              events.answered(answer);
            },
            onFailed: (failure) => events.failed(failure.status),
          },
          onBye: () => {
            release();
            events.hungUp();
          },
        });
        if (!placed.ok) return placed;
        release = placed.release;
        return {
          ok: true,
          call: {
            end: () => {
              placed.call.hangup();
              placed.release();
            },
            reoffer: async (offer) => {
              const send = this.deps.b2bua.sendReInvite?.bind(this.deps.b2bua);
              if (!dialog || !send) return { status: 481, sdp: undefined };
              const reply = await send(dialog, offer);
              // The provider's session refreshes are answered with what it has now.
              if (reply.status < 300) release = this.deps.b2bua.watchUacDialog(dialog, () => events.hungUp(), offer);
              return reply;
            },
          },
        };
      },
    };
  }

  /**
   * The trunk leg alone, for other call features (blind or attended transfer to an external number or a directory
   * contact): checks `number` against the allow-list for `role`, then sends the INVITE with `sdp` (the offer toward
   * the trunk: plain RTP G.711, e.g. rtpengine's output with `trunkLegOptions("offer")`) from the caller ID of
   * `queueId` (or the operator's first queue), and reports through `events` (see {@link OutboundCall}). Once
   * answered, the trunk's BYE reaches `onBye` and its session refreshes are answered with `sdp` (B2BUA hook).
   * Resolves with the call (`cancel()` while it rings, `hangup()` after) and `release()` (call it when the call is
   * over, to unhook the dialog), or a refusal: `not-allowed`, `not-a-number`, `forbidden-role` (toll-fraud guard) or
   * `no-trunk`. The caller owns media and records; {@link outcomeOf} names a failure's outcome.
   */
  async placeTrunkCall(args: {
    number: string;
    role: WsIdentity["role"];
    operatorId: number;
    queueId?: number | null;
    sdp: string;
    events: OutboundCallEvents;
    onBye?: () => void;
  }): Promise<{ ok: true; call: OutboundCall; number: string; release: () => void } | { ok: false; reason: string }> {
    const check = await this.deps.policy.check(args.number, args.role);
    if (!check.ok) return check;
    if (!this.deps.route) return { ok: false, reason: "no-trunk" };
    const callerId = await this.deps.policy.callerId(args.operatorId, args.queueId);
    const target = this.trunkTarget(await resolveDestination(this.deps.route));
    let release = () => {};
    const call = new OutboundCall({
      ...target,
      number: check.number,
      sdp: args.sdp,
      fromUser: callerId,
      headers: [["P-Asserted-Identity", `<sip:${callerId}@${target.domain}>`]],
      events: {
        ...args.events,
        onAnswered: (sdp, dialog) => {
          release = this.deps.b2bua.watchUacDialog(dialog, () => args.onBye?.(), args.sdp);
          args.events.onAnswered?.(sdp, dialog);
        },
      },
      cnonce: this.deps.cnonce,
    });
    call.start();
    return { ok: true, call, number: check.number, release: () => release() };
  }
}
