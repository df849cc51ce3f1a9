/**
 * The operator's hold of the caller, from the desk: the hold button ({@link DeskHold.hold}, {@link DeskHold.resume})
 * and the hold that a consultation puts the caller in ({@link DeskHold.forConsultation}, {@link DeskHold.back}).
 * Held, the caller hears hold music and neither side hears the other (the media's {@link CallMedia.holdCaller}:
 * nothing is renegotiated, RFC 3264's hold by re-INVITE is not used toward the caller), the operator's leg is marked
 * held, and the hold is timed into the record's hold time ({@link HoldTiming}). The desk's checks (is this the
 * operator of the call?) are the session's; this file checks the call's state.
 * @module
 */
import type { StateMachine } from "../../telephony/leg-state";
import type { CallMedia } from "../call-media";
import type { HoldTiming } from "./hold-timing";
import type { CallRequestResult, OperatorLegPort, SessionLog } from "./session-ports";
import type { CallSessionState } from "./session-state";

/** What the desk hold needs of its call session. */
export interface DeskHoldPort {
  /** The session's state machine (throws on an illegal move). */
  readonly fsm: Pick<StateMachine<CallSessionState>, "is" | "move">;
  /** The connected operator's leg (the session checked there is one). */
  operatorLeg(): OperatorLegPort;
  /** The call's media now. */
  media(): CallMedia;
  /** Runs a step on the call's media chain (skipped once the session finished; errors logged). */
  enqueueMedia(step: () => Promise<unknown>): void;
  queueId(): number;
  log: SessionLog;
}

export class DeskHold {
  constructor(
    private readonly timing: HoldTiming,
    private readonly port: DeskHoldPort,
  ) {}

  /** `operatorId` holds the caller (talking only: else `not-talking`). Logged as `call.held`. */
  hold(operatorId: string): CallRequestResult {
    if (!this.port.fsm.is("talking")) return { ok: false, error: "not-talking" };
    this.port.fsm.move("held");
    this.port.operatorLeg().setHeld(true);
    this.timing.deskHeld();
    this.port.log("call.held", undefined, { operatorId: Number(operatorId), queueId: this.port.queueId() });
    this.port.enqueueMedia(() => this.port.media().holdCaller());
    return { ok: true };
  }

  /** Back from {@link hold} (held only: else `not-held`): music stops, both sides hear each other. Logged as `call.resumed` with the hold's length. */
  resume(operatorId: string): CallRequestResult {
    if (!this.port.fsm.is("held")) return { ok: false, error: "not-held" };
    const heldMs = this.timing.deskResumed();
    this.port.fsm.move("talking");
    this.port.operatorLeg().setHeld(false);
    this.port.log("call.resumed", { heldMs }, { operatorId: Number(operatorId), queueId: this.port.queueId() });
    this.port.enqueueMedia(() => this.port.media().resumeCaller());
    return { ok: true };
  }

  /** The caller holds for a consultation (from talking or held): the session moves to `consulting`; a running hold goes on. */
  forConsultation(): void {
    const wasTalking = this.port.fsm.is("talking");
    if (!this.timing.deskHolding) this.timing.deskHeld();
    this.port.fsm.move("consulting");
    this.port.operatorLeg().setHeld(true);
    if (wasTalking) this.port.enqueueMedia(() => this.port.media().holdCaller());
  }

  /**
   * Back to the caller after a consultation, on the operator's first session (it never moved): `talking` (music
   * stops, both hear each other) after a cancel, `held` (music on, the desk shows `held`) after the target left.
   */
  back(to: "talking" | "held"): void {
    if (to === "talking") this.timing.deskResumed();
    this.port.fsm.move(to);
    this.port.operatorLeg().setHeld(to === "held");
    if (to === "talking") this.port.enqueueMedia(() => this.port.media().resumeCaller());
  }
}
