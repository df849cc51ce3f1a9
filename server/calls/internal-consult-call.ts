/**
 * The internal call of a consultation with a colleague (attended transfer to another operator, issue 9): the
 * consulting operator's second SIP session (their `X-Hotline-Consult` INVITE, answered by us as a UAS: the
 * `TrunkLeg` the B2BUA built for it) bridged to the colleague's softphone (an {@link OperatorLeg}: we are the UAC over
 * their WebSocket, RFC 3261 §13.2, RFC 7118), media through ITS OWN rtpengine call: browser to browser, WebRTC on
 * both sides (a plain-RTP offerer, the scripted test operator, gets plain RTP both ways). Nothing here touches the
 * caller's rtpengine call: re-INVITEing a Chromium leg onto another rtpengine call does not work, and offering from an
 * operator's tag inside the caller's call crashed rtpengine 10.5 (see server/calls/session/consultation.ts).
 *
 * States ({@link INTERNAL_CONSULT_TRANSITIONS}): `dialling` -> `ringing` (the colleague's 180, relayed as 180) ->
 * `answered` (their 200: rtpengine's answer goes to the consulting operator in our 200) -> `ended`. Endings: either
 * side hangs up (BYE to the other; CANCEL while it rings), the colleague refuses (their status is relayed: 486 stays
 * 486) or does not answer within the ring time (480), media fails (503/488), or {@link InternalConsultCall.hangup}.
 * The result is reported once ({@link InternalConsultEvents.ended}).
 * @module
 */
import { EventEmitter } from "node:events";
import { createResponse } from "../sip";
import type { Logger } from "../logger";
import type { NgClient } from "../media/ng-client";
import { browserLegOptions, finishBrowserSdp, finishTrunkSdp, trunkLegOptions } from "../media/leg-profiles";
import type { TrunkLeg } from "../telephony/trunk-leg";
import type { OperatorLeg } from "../telephony/operator-leg";
import { contactHeader } from "../telephony/sip-dialog";
import { OFFER_HEADERS } from "../realtime/events";
import { isWebRtcSdp } from "./outbound-media";
import { mediaRefusal } from "./media-refusal";

export type InternalConsultState = "dialling" | "ringing" | "answered" | "ended";

/** Legal next states. */
export const INTERNAL_CONSULT_TRANSITIONS: Readonly<Record<InternalConsultState, readonly InternalConsultState[]>> = {
  dialling: ["ringing", "answered", "ended"],
  ringing: ["answered", "ended"],
  answered: ["ended"],
  ended: [],
};

/** How the internal call ended: `reason` is `bye` (the colleague hung up), `operator-…`, a SIP status, `ring-timeout`… */
export interface InternalConsultResult {
  answered: boolean;
  reason: string;
}

export interface InternalConsultEvents {
  state: [InternalConsultState];
  ended: [InternalConsultResult];
}

/** The part of an operator leg this call uses (a fake in unit tests). */
export type ColleagueLeg = Pick<OperatorLeg, "localTag" | "send" | "cancel" | "hangup" | "on" | "ended">;

export interface InternalConsultOptions {
  /** The consulting operator's INVITE (their second session), answered by us. */
  leg: TrunkLeg;
  /** The colleague's softphone, not yet invited. */
  colleague: ColleagueLeg;
  /** The consulting operator's name, shown on the colleague's desk ("consultation from …"). */
  fromName: string;
  /** The caller's call id, told to the colleague's desk (`X-Hotline-Call-Id`). */
  callId: string;
  /** rtpengine for {@link mediaCallId}, a call id of this consultation alone. */
  ng: NgClient;
  mediaCallId: string;
  /** How long the colleague's softphone may ring (ms). */
  ringTimeoutMs: number;
  logger: Logger;
}

export class InternalConsultCall extends EventEmitter<InternalConsultEvents> {
  private current: InternalConsultState = "dialling";
  private ringTimer: NodeJS.Timeout | undefined;
  private readonly webRtc: boolean;

  constructor(private readonly options: InternalConsultOptions) {
    super();
    this.webRtc = isWebRtcSdp(options.leg.offerSdp);
  }

  get state(): InternalConsultState {
    return this.current;
  }

  private readonly onLegEnded = (reason: string) => this.finish({ reason: `operator-${reason}` });

  /** Offers media to the colleague and sends their INVITE. */
  async start(): Promise<void> {
    const { leg, colleague, ng, mediaCallId } = this.options;
    leg.on("ended", this.onLegEnded);
    this.ringTimer = setTimeout(() => this.finish({ reason: "ring-timeout" }, 480), this.options.ringTimeoutMs);
    this.ringTimer.unref();
    colleague.on("ringing", () => this.ringing());
    colleague.on("answered", (sdp) => void this.answered(sdp));
    colleague.on("failed", (status) => this.finish({ reason: String(status) }, status === 486 || status === 600 ? 486 : 480));
    colleague.on("ended", () => this.finish({ reason: "bye" }));
    let sdp: string;
    try {
      const options = this.webRtc ? browserLegOptions("offer", { injectDtmf: false }) : trunkLegOptions("offer", { injectDtmf: false });
      const reply = await ng.offer({ callId: mediaCallId, fromTag: leg.remoteTag, sdp: leg.offerSdp, options });
      sdp = this.webRtc ? finishBrowserSdp(reply.sdp) : finishTrunkSdp(reply.sdp);
    } catch (error) {
      this.options.logger.warn("internal consultation: media offer failed", { error: String(error) });
      return this.finish({ reason: "media-failed" }, 503);
    }
    if (this.current === "ended") return;
    const from = this.options.fromName;
    colleague.send(
      sdp,
      [
        [OFFER_HEADERS.callId, this.options.callId],
        [OFFER_HEADERS.caller, from],
        [OFFER_HEADERS.consultFrom, encodeURIComponent(from)],
      ],
      from,
    );
  }

  /** Ends the call from our side: CANCEL or BYE to the colleague, BYE (or 480) to the consulting operator. */
  hangup(reason = "local"): void {
    this.finish({ reason }, 480);
  }

  private move(to: InternalConsultState): void {
    if (!INTERNAL_CONSULT_TRANSITIONS[this.current].includes(to)) throw new Error(`internal consultation: ${this.current} -> ${to}`);
    this.current = to;
    this.emit("state", to);
  }

  private ringing(): void {
    if (this.current !== "dialling") return;
    this.move("ringing");
    const { leg } = this.options;
    const headers: Array<[string, string]> = [["Contact", contactHeader(leg.dialog?.init.local ?? { hostport: "hotline.invalid", transport: "WS" })]];
    leg.transaction.respond(createResponse(leg.invite, 180, { toTag: leg.localTag, headers }));
  }

  private async answered(colleagueSdp: string): Promise<void> {
    if (this.current === "ended") return;
    const { leg, colleague, ng, mediaCallId } = this.options;
    let sdp: string;
    try {
      const options = this.webRtc ? browserLegOptions("answer", { injectDtmf: false }) : trunkLegOptions("answer", { injectDtmf: false });
      const reply = await ng.answer({ callId: mediaCallId, fromTag: leg.remoteTag, toTag: colleague.localTag, sdp: colleagueSdp, options });
      sdp = this.webRtc ? finishBrowserSdp(reply.sdp) : finishTrunkSdp(reply.sdp);
    } catch (error) {
      this.options.logger.warn("internal consultation: media answer failed", { error: String(error) });
      return this.finish({ reason: "media-failed" }, mediaRefusal(error).status);
    }
    if ((this.current as InternalConsultState) === "ended") return;
    clearTimeout(this.ringTimer);
    this.move("answered");
    leg.answer(sdp);
  }

  /** Ends both sides (once) and reports; `rejectWith` answers the consulting operator's INVITE when not answered. */
  private finish(result: Omit<InternalConsultResult, "answered">, rejectWith = 480): void {
    if (this.current === "ended") return;
    clearTimeout(this.ringTimer);
    const answered = this.current === "answered";
    this.move("ended");
    const { leg, colleague, ng, mediaCallId } = this.options;
    leg.off("ended", this.onLegEnded);
    if (!colleague.ended) colleague.cancel();
    if (!leg.ended) {
      if (answered) leg.hangup("local");
      else leg.reject(rejectWith);
    }
    void ng.delete({ callId: mediaCallId }).catch(() => undefined);
    this.emit("ended", { ...result, answered });
  }
}
