/**
 * What each operator's desk and the supervisors' board show of an operator: composed of facts kept apart, so none
 * has to be recomputed when another changes: the routing state (engine effects), a pause asked for but not started
 * (engine effects), whether they are inside a shift (the shift scheduler), and the call they are on (held,
 * consulting). Views touched by one event are published once, at its end ({@link OperatorViews.publish}).
 */
import type { Effect } from "../queue";
import type { BoardOperator, OperatorStateView } from "../realtime/events";

/** The routing state of an operator as the engine last reported it. */
type BaseStateView = Omit<OperatorStateView, "pendingPause" | "onShift" | "call">;

export class OperatorViews {
  private readonly states = new Map<string, BaseStateView>();
  private readonly pendingPauses = new Map<string, NonNullable<OperatorStateView["pendingPause"]>>();
  private shiftStatus = new Map<string, boolean>();
  private readonly calls = new Map<string, NonNullable<OperatorStateView["call"]>>();
  private readonly changed = new Set<string>();

  constructor(private readonly publishTo: (userId: number, view: OperatorStateView) => void) {}

  /** The engine's `operator-state-changed`. */
  stateChanged(effect: Extract<Effect, { type: "operator-state-changed" }>): void {
    this.states.set(effect.operatorId, { status: effect.status, reason: effect.reason, since: effect.since, presence: { ...effect.presence } });
    this.changed.add(effect.operatorId);
  }

  /** The engine's `pause-request-changed`. */
  pauseRequestChanged(effect: Extract<Effect, { type: "pause-request-changed" }>): void {
    if (effect.request) this.pendingPauses.set(effect.operatorId, effect.request);
    else this.pendingPauses.delete(effect.operatorId);
    this.changed.add(effect.operatorId);
  }

  /** Who is inside a shift, for operators who have shifts (the others are absent from `status`). */
  setShiftStatus(status: ReadonlyMap<string, boolean>): void {
    for (const operatorId of new Set([...this.shiftStatus.keys(), ...status.keys()])) {
      if (this.shiftStatus.get(operatorId) !== status.get(operatorId)) this.changed.add(operatorId);
    }
    this.shiftStatus = new Map(status);
  }

  /** The operator's call as the desk shows it (held, consulting), or undefined when they are on none. */
  setCall(operatorId: string, call: OperatorStateView["call"]): void {
    const before = this.calls.get(operatorId);
    if (before?.id === call?.id && before?.state === call?.state && before?.recorded === call?.recorded) return;
    if (call) this.calls.set(operatorId, call);
    else this.calls.delete(operatorId);
    this.changed.add(operatorId);
  }

  view(operatorId: string): OperatorStateView | undefined {
    const base = this.states.get(operatorId);
    if (base === undefined) return undefined;
    const pendingPause = this.pendingPauses.get(operatorId);
    const onShift = this.shiftStatus.get(operatorId);
    const call = this.calls.get(operatorId);
    return { ...base, ...(pendingPause && { pendingPause }), ...(onShift !== undefined && { onShift }), ...(call && { call }) };
  }

  all(): BoardOperator[] {
    return [...this.states.keys()].map((id) => ({ userId: Number(id), ...this.view(id)! }));
  }

  /** Operators whose routing status is not offline (shutdown logs them out). */
  online(): string[] {
    return [...this.states].filter(([, view]) => view.status !== "offline").map(([id]) => id);
  }

  /** Publishes every view changed since the last call, once each. */
  publish(): void {
    for (const operatorId of this.changed) {
      const view = this.view(operatorId);
      if (view !== undefined) this.publishTo(Number(operatorId), view);
    }
    this.changed.clear();
  }
}
