/**
 * The transfers of a connected call, asked of the engine (server/queue, the `call-transferred` event): blind transfer
 * to a queue, to a named operator or to an external number, and the two completions of an attended transfer (to the
 * colleague consulted, or to the external target joined). The engine answers during the dispatch itself: either a
 * `transfer-refused` effect ({@link CallTransfers.refused}, the reason is returned to the desk) or the operator's
 * release (the session's `transferredOut`: BYE to the operator's softphone, wrap-up). An external transfer is never
 * refused by the engine; its trunk call is the session's ({@link ExternalTransfer}).
 * @module
 */
import type { TransferTarget, EngineEvent } from "../../queue";
import type { ExternalCall } from "../external-party";
import type { ExternalTransfer } from "./external-transfer";
import type { CallRequestError, CallRequestResult, SessionLog } from "./session-ports";

/** What the transfers need of their call session. */
export interface CallTransfersPort {
  readonly callId: string;
  /** Feeds the queue engine a fact about this call; its effects are carried out before this returns. */
  dispatch(event: EngineEvent): void;
  /** The operator connected to the caller now, if any. */
  operatorId(): string | undefined;
  log: SessionLog;
  /** Calls to external numbers are possible: a trunk dialler, and media that can offer plain RTP. */
  externalPossible(): boolean;
  /** The caller goes to an external party: the session moves to `external`. */
  toExternal(): void;
  /** The external party of the call. */
  readonly external: Pick<ExternalTransfer, "ring" | "join">;
  /** The caller holds while the colleague's desk is offered the call: the session moves to `held`. */
  toColleague(): void;
  /** The next offer to `operatorId` is answered by their desk at once (undefined: none is). */
  autoAnswer(operatorId: string | undefined): void;
}

export class CallTransfers {
  /** Why the engine refused the transfer being dispatched (set during the dispatch). */
  private refusal: CallRequestError | undefined;

  constructor(private readonly port: CallTransfersPort) {}

  /**
   * Blind transfer by `operatorId` (to a queue, one operator, or a number). Accepted: the operator is released and
   * the caller waits with hold music for the next operator. Refused: nothing changes and the engine's reason is
   * returned; `not-on-this-call` when the engine ignored the request (the operator is still connected).
   */
  blind(operatorId: string, to: TransferTarget): CallRequestResult {
    this.refusal = undefined;
    this.port.dispatch({ type: "call-transferred", callId: this.port.callId, operatorId, to });
    const refusal = this.refusal;
    this.refusal = undefined;
    if (refusal) return { ok: false, error: refusal };
    return this.port.operatorId() === operatorId ? { ok: false, error: "not-on-this-call" } : { ok: true };
  }

  /** The engine refused the transfer being dispatched: the caller stays with the operator. Logged `call.transfer-refused`. */
  refused(reason: "queue-unavailable" | "operator-unavailable"): void {
    this.refusal = reason;
    const operatorId = this.port.operatorId();
    this.port.log("call.transfer-refused", { reason }, { operatorId: operatorId === undefined ? null : Number(operatorId) });
  }

  /**
   * Blind transfer to an external number (past the allow-list) through the trunk: the engine ends the operator's part
   * (wrap-up, segment, `call.transferred` with `toNumber`); the caller hears hold music while the party rings, then
   * is bridged to it ({@link ExternalTransfer.ring}). `external-transfer-unavailable` without a trunk route.
   */
  toNumber(operatorId: string, number: string): CallRequestResult {
    if (!this.port.externalPossible()) return { ok: false, error: "external-transfer-unavailable" };
    const asked = this.blind(operatorId, { external: number });
    if (asked.ok) {
      this.port.toExternal();
      this.port.external.ring(number, Number(operatorId));
    }
    return asked;
  }

  /** A completed consultation of a colleague: blind transfer to them, their desk answering the offer at once. */
  toColleague(operatorId: string, colleague: string): CallRequestResult {
    this.port.toColleague();
    this.port.autoAnswer(colleague);
    const result = this.blind(operatorId, { operatorId: colleague });
    if (!result.ok) this.port.autoAnswer(undefined);
    return result;
  }

  /** A completed consultation of a number: the engine ends the operator's part, the answered target `call` joins the caller. */
  handOver(operatorId: string, number: string, call: ExternalCall): CallRequestResult {
    const asked = this.blind(operatorId, { external: number });
    if (asked.ok) {
      this.port.toExternal();
      this.port.external.join(number, call);
    }
    return asked;
  }
}
