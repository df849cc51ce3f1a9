/**
 * Restart reconciliation: persisted operator states are a claim, surviving calls are a fact.
 *
 * After a crash the database may say an operator is on-call or ringing while the call is long gone: the "ghost
 * agent" who is never offered anything again. Reconciliation trusts only the calls the SIP/media layer confirms
 * and settles everyone else by presence and pause, then dispatches the surviving waiting callers.
 */
import { DispatchEngine } from "./dispatch-engine.js";
import type { EngineConfig, RestoreSnapshot } from "./dispatch-engine.js";
import type { Effect } from "./engine-effects.js";
import { OperatorStatus } from "./operator-state.js";

export interface ReconcileResult {
  engine: DispatchEngine;
  /** State changes and offers the adapters must carry out now. */
  effects: Effect[];
  /** Operators persisted as on-call or offered whose call did not survive. */
  ghosts: string[];
}

/** Builds a consistent engine from configuration, a persisted snapshot and the calls that survived. */
export function reconcile(config: EngineConfig, snapshot: RestoreSnapshot, now: number): ReconcileResult {
  const engine = new DispatchEngine({ ...config, operators: [] }, now);
  const connected = new Set(snapshot.calls.flatMap((c) => (c.operatorId === undefined ? [] : [c.operatorId])));
  const ghosts = snapshot.operators
    .filter((p) => (p.status === OperatorStatus.OnCall || p.status === OperatorStatus.Offered) && !connected.has(p.id))
    .map((p) => p.id);
  const effects = engine.restore(snapshot, now);
  return { engine, effects, ghosts };
}
