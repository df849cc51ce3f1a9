/** Test harness: an engine with a movable clock, collected effects and invariants checked after every event. */
import { expect } from "vitest";
import { DispatchEngine } from "../../../server/queue/dispatch-engine.js";
import type { EngineConfig } from "../../../server/queue/dispatch-engine.js";
import type { Effect, RecordEntry } from "../../../server/queue/engine-effects.js";
import type { EngineEvent } from "../../../server/queue/engine-events.js";
import { checkInvariants } from "../../../server/queue/invariants.js";

export class Harness {
  readonly engine: DispatchEngine;
  now = 0;
  readonly log: Effect[] = [];

  constructor(config: EngineConfig) {
    this.engine = new DispatchEngine(config, 0);
  }

  send(event: EngineEvent): Effect[] {
    const effects = this.engine.handle(event, this.now);
    this.log.push(...effects);
    expect(checkInvariants(this.engine.state)).toEqual([]);
    return effects;
  }

  /** Moves the clock, firing every deadline on the way exactly when it is due. */
  advance(ms: number): Effect[] {
    const target = this.now + ms;
    const out: Effect[] = [];
    for (let next = this.engine.nextDeadline(); next !== undefined && next <= target; next = this.engine.nextDeadline()) {
      this.now = Math.max(this.now, next);
      out.push(...this.send({ type: "timer" }));
    }
    this.now = target;
    return out;
  }

  /** Logs in, connects and registers an operator. */
  ready(...operatorIds: string[]): Effect[] {
    const out: Effect[] = [];
    for (const operatorId of operatorIds) {
      out.push(...this.send({ type: "operator-logged-in", operatorId }));
      out.push(...this.send({ type: "socket-connected", operatorId }));
      out.push(...this.send({ type: "sip-registered", operatorId }));
    }
    return out;
  }

  call(callId: string, queueId = "q", extra: Partial<Extract<EngineEvent, { type: "caller-entered" }>> = {}): Effect[] {
    // A real number, so a "callback" action can note it (an anonymous caller is only told it could not be).
    return this.send({ type: "caller-entered", callId, queueId, callerNumber: "+15550100", ...extra });
  }

  status(operatorId: string): string | undefined {
    return this.engine.operatorView(operatorId)?.status;
  }

  records(kind: RecordEntry["kind"]): RecordEntry[] {
    return this.log.flatMap((e) => (e.type === "record" && e.entry.kind === kind ? [e.entry] : []));
  }
}

/** The operators offered a call, in order. */
export function offers(effects: readonly Effect[]): { callId: string; operatorId: string }[] {
  return effects.flatMap((e) => (e.type === "offer" ? [{ callId: e.callId, operatorId: e.operatorId }] : []));
}

export function ofType<T extends Effect["type"]>(effects: readonly Effect[], type: T): Extract<Effect, { type: T }>[] {
  return effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}
