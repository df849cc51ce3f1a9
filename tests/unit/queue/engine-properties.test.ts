/**
 * Property-based tests: random centers, random event sequences, random timing; every invariant is checked after
 * every event, and every caller must end exactly once.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DispatchEngine } from "../../../server/queue/dispatch-engine.js";
import type { EngineConfig } from "../../../server/queue/dispatch-engine.js";
import type { Effect } from "../../../server/queue/engine-effects.js";
import type { EngineEvent, OperatorSignal } from "../../../server/queue/engine-events.js";
import { checkInvariants } from "../../../server/queue/invariants.js";
import { OperatorStatus } from "../../../server/queue/operator-state.js";
import type { QueueSettingsInput, Strategy } from "../../../server/queue/queue-settings.js";

const STRATEGIES: Strategy[] = ["longest-idle", "round-robin", "fewest-calls", "least-talk-time", "ring-all", "skills"];
const SIGNALS: OperatorSignal[] = [
  "operator-logged-in",
  "operator-logged-out",
  "socket-connected",
  "socket-disconnected",
  "sip-registered",
  "sip-unregistered",
  "resume-requested",
  "wrap-up-finished",
  "shift-started",
  "shift-ended",
];

const queueArb = (index: number, queueCount: number): fc.Arbitrary<QueueSettingsInput> =>
  fc.record({
    id: fc.constant(`q${index}`),
    strategy: fc.constantFrom(...STRATEGIES),
    weight: fc.integer({ min: 0, max: 3 }),
    ringTimeoutMs: fc.integer({ min: 1_000, max: 20_000 }),
    retryDelayMs: fc.integer({ min: 0, max: 10_000 }),
    wrapUpMs: fc.integer({ min: 0, max: 20_000 }),
    maxWaitMs: fc.option(fc.integer({ min: 1_000, max: 120_000 }), { nil: undefined }),
    maxWaitAction: fc.oneof(
      fc.constant({ type: "callback" as const }),
      fc.constant({ type: "hang-up" as const, announcement: "max-wait" as const }),
      fc.integer({ min: 0, max: queueCount }).map((q) => ({ type: "overflow" as const, queueId: `q${q}` })),
    ),
    maxQueueLength: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    joinWhen: fc.constantFrom("always" as const, "logged-in" as const, "staffed" as const),
    leaveWhen: fc.constantFrom("never" as const, "none-logged-in" as const, "none-staffed" as const),
    positionAnnounceEveryMs: fc.option(fc.integer({ min: 5_000, max: 60_000 }), { nil: undefined }),
    periodicAnnounceEveryMs: fc.option(fc.integer({ min: 5_000, max: 60_000 }), { nil: undefined }),
    tierDelaysMs: fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1, maxLength: 3 }),
    maxMissedOffers: fc.integer({ min: 0, max: 3 }),
    maxOnBreak: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  });

const configArb: fc.Arbitrary<EngineConfig> = fc
  .record({ queues: fc.integer({ min: 1, max: 4 }), operators: fc.integer({ min: 1, max: 8 }) })
  .chain(({ queues, operators }) =>
    fc.record({
      queues: fc.tuple(...Array.from({ length: queues }, (_, i) => queueArb(i, queues))),
      operators: fc.tuple(
        ...Array.from({ length: operators }, (_, i) =>
          fc.record({
            id: fc.constant(`o${i}`),
            memberships: fc.uniqueArray(
              fc.record({ queueId: fc.integer({ min: 0, max: queues - 1 }).map((q) => `q${q}`), tier: fc.integer({ min: 1, max: 3 }) }),
              { minLength: 1, maxLength: queues, selector: (m) => m.queueId },
            ),
          }),
        ),
      ),
      maxPauseMs: fc.constant({ break: 30_000, lunch: 90_000 }),
    }),
  );

/** Events over small id spaces, so they collide often (answers for the right offer, hang-ups of live calls). */
type Step = { dt: number; pick: number; kind: number; a: number; b: number; text: number };
const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 40_000 })),
  pick: fc.nat(),
  kind: fc.integer({ min: 0, max: 19 }),
  a: fc.nat(),
  b: fc.nat(),
  text: fc.integer({ min: 0, max: 4 }),
});

function toEvent(step: Step, engine: DispatchEngine, config: EngineConfig, nextCall: () => string): EngineEvent {
  const ops = config.operators ?? [];
  const queues = config.queues ?? [];
  const operatorId = ops[step.a % ops.length]!.id;
  const offered = engine.operatorView(operatorId)?.offeredCallId;
  const liveCalls = [...engine.state.calls.keys()];
  const someCall = liveCalls[step.b % Math.max(1, liveCalls.length)] ?? "c-none";
  const reasons = ["break", "lunch", "training", "missed-calls", "custom"];
  switch (step.kind) {
    case 0:
    case 1:
    case 2:
      return {
        type: "caller-entered",
        callId: nextCall(),
        queueId: queues[step.b % queues.length]!.id,
        callerNumber: `+${step.text}`,
        priority: step.text === 4 ? 5 : undefined,
      };
    case 3:
      return { type: "caller-hung-up", callId: someCall };
    case 4:
    case 5:
      return { type: "offer-answered", callId: offered ?? someCall, operatorId };
    case 6:
      return { type: "offer-declined", callId: offered ?? someCall, operatorId };
    case 7:
      return { type: "offer-timed-out", callId: offered ?? someCall, operatorId };
    case 8: {
      const view = engine.operatorView(operatorId);
      return { type: "operator-leg-failed", callId: view?.callId ?? someCall, operatorId };
    }
    case 9:
      return { type: "call-ended", callId: engine.operatorView(operatorId)?.callId ?? someCall };
    case 10:
      return { type: "pause-requested", operatorId, reason: reasons[step.text]! };
    case 11:
      return { type: "timer" };
    case 12:
      // An admin changes the pause policy while operators are on breaks.
      return {
        type: "pause-policy-configured",
        limitedPauseReasons: reasons.filter((_, i) => ((step.b >> i) & 1) === 1),
        maxPauseMs: { break: 1_000 + (step.pick % 60_000), custom: 5_000 },
      };
    case 17:
    case 18: {
      // Blind transfer by whoever talks to the caller: to a queue, or to another operator (often not available).
      const callId = engine.operatorView(operatorId)?.callId ?? someCall;
      const to =
        step.kind === 17 ? { queueId: queues[step.b % queues.length]!.id }
        : step.text === 4 ? { external: `06${step.pick % 100}` }
        : { operatorId: ops[step.pick % ops.length]!.id };
      return { type: "call-transferred", callId, operatorId, to };
    }
    case 19:
      // The external party of a transfer to a number answered or not (often for a call that is not with one).
      return { type: "external-transfer-ended", callId: someCall, answered: step.text < 2 };
    default:
      return { type: SIGNALS[step.pick % SIGNALS.length]!, operatorId };
  }
}

function finishedIds(effects: readonly Effect[]): string[] {
  return effects.flatMap((e) => (e.type === "record" && e.entry.kind === "call-finished" ? [e.entry.callId] : []));
}

describe("engine properties", () => {
  it("keeps every invariant after every event, and ends every caller exactly once", () => {
    fc.assert(
      fc.property(configArb, fc.array(stepArb, { minLength: 1, maxLength: 150 }), (config, steps) => {
        const engine = new DispatchEngine(config, 0);
        let now = 0;
        let counter = 0;
        const entered = new Set<string>();
        const finished = new Set<string>();
        const observe = (effects: readonly Effect[]): void => {
          for (const e of effects) {
            if (e.type === "record" && e.entry.kind === "caller-entered") entered.add(e.entry.callId);
            if (e.type === "operator-state-changed" && e.status === OperatorStatus.Offered) {
              expect(e.previous).toBe(OperatorStatus.Available);
            }
          }
          for (const id of finishedIds(effects)) {
            expect(finished.has(id), `call ${id} finished twice`).toBe(false);
            expect(engine.state.calls.has(id)).toBe(false);
            finished.add(id);
          }
          const problems = checkInvariants(engine.state);
          expect(problems).toEqual([]);
        };
        // Everyone starts ready, so there is traffic to dispatch.
        for (const op of config.operators ?? []) {
          for (const type of ["operator-logged-in", "socket-connected", "sip-registered"] as const) {
            observe(engine.handle({ type, operatorId: op.id }, now));
          }
        }
        for (const step of steps) {
          now += step.dt;
          // Half the time fire deadlines exactly when due, half the time let the timer be late.
          if (step.pick % 2 === 0) {
            for (let d = engine.nextDeadline(); d !== undefined && d <= now; d = engine.nextDeadline()) {
              observe(engine.handle({ type: "timer" }, d));
            }
          }
          observe(engine.handle(toEvent(step, engine, config, () => `c${counter++}`), now));
        }
        // Every caller still in the engine hangs up: afterwards every caller has ended exactly once, none remain.
        for (const callId of [...engine.state.calls.keys()]) observe(engine.handle({ type: "caller-hung-up", callId }, now));
        expect(engine.state.calls.size).toBe(0);
        expect([...finished].sort()).toEqual([...entered].sort());
      }),
      { numRuns: 300 },
    );
  });

  it("longest-idle always offers the longest idle eligible operator", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(stepArb, { minLength: 1, maxLength: 120 }),
        (operatorCount, steps) => {
          const config: EngineConfig = {
            queues: [{ id: "q0", strategy: "longest-idle", retryDelayMs: 0, wrapUpMs: 3_000 }],
            operators: Array.from({ length: operatorCount }, (_, i) => ({ id: `o${i}`, memberships: [{ queueId: "q0" }] })),
          };
          const engine = new DispatchEngine(config, 0);
          let now = 0;
          let counter = 0;
          const check = (event: EngineEvent, at: number): void => {
            // Candidates: idle before the event, plus those who become idle during it, in effect order.
            const idle = new Map<string, number>();
            for (const op of engine.state.operators.values()) {
              if (op.status === OperatorStatus.Available) idle.set(op.id, op.idleSince);
            }
            // A transfer that was not answered goes back to the operator who made it when they are free, whoever has
            // been idle longest (the caller knows them): that offer is the one exception.
            const transferredBy = new Map([...engine.state.calls.values()].map((call) => [call.id, call.transferredBy]));
            const effects = engine.handle(event, at);
            for (const e of effects) {
              if (e.type === "offer" && transferredBy.get(e.callId) === e.operatorId) {
                idle.delete(e.operatorId);
                continue;
              }
              if (e.type === "operator-state-changed") {
                if (e.status === OperatorStatus.Available) {
                  idle.set(e.operatorId, engine.state.operators.get(e.operatorId)!.idleSince);
                } else if (e.status !== OperatorStatus.Offered) {
                  idle.delete(e.operatorId);
                }
              }
              if (e.type === "offer") {
                const mine = idle.get(e.operatorId);
                expect(mine).toBeDefined();
                for (const other of idle.values()) expect(mine!).toBeLessThanOrEqual(other);
                idle.delete(e.operatorId);
              }
            }
            expect(checkInvariants(engine.state)).toEqual([]);
          };
          for (const op of config.operators ?? []) {
            for (const type of ["operator-logged-in", "socket-connected", "sip-registered"] as const) check({ type, operatorId: op.id }, now);
          }
          for (const step of steps) {
            now += step.dt;
            check(toEvent(step, engine, config, () => `c${counter++}`), now);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
