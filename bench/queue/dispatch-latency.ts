/**
 * Event-to-dispatch-decision latency with 1,000 operators, 500 waiting callers and 20 queues (goal: p99 < 1 ms).
 *
 * Every operator is busy and 500 callers wait; each round ends a random call (the operator is freed and must pick
 * the best caller across its queues), answers the resulting offer, and adds a caller to keep 500 waiting.
 * Run: npx tsx bench/queue/dispatch-latency.ts
 */
import { pathToFileURL } from "node:url";
import { DispatchEngine } from "../../server/queue/dispatch-engine.js";
import type { EngineEvent } from "../../server/queue/engine-events.js";
import { percentile, rng, round } from "./bench-stats.js";

const OPERATORS = 1_000;
const QUEUES = 20;
const WAITING = 500;
const ROUNDS = 20_000;

export function main(): void {
  const random = rng(42);
  const engine = new DispatchEngine({
    queues: Array.from({ length: QUEUES }, (_, i) => ({
      id: `q${i}`,
      wrapUpMs: 0,
      weight: i % 3,
      positionAnnounceEveryMs: 30_000,
      periodicAnnounceEveryMs: 60_000,
      maxWaitMs: 3_600_000,
    })),
    operators: Array.from({ length: OPERATORS }, (_, i) => ({
      id: `o${i}`,
      memberships: [0, 1, 2].map((k) => ({ queueId: `q${(i + k * 7) % QUEUES}` })),
    })),
  });
  let now = 0;
  let callSeq = 0;
  const active: string[] = [];
  const samples: Record<string, number[]> = { "call-ended": [], "caller-entered": [], "offer-answered": [] };
  const handle = (event: EngineEvent, measure: boolean) => {
    const start = process.hrtime.bigint();
    const effects = engine.handle(event, now);
    const ns = Number(process.hrtime.bigint() - start);
    if (measure) samples[event.type]?.push(ns / 1e6);
    return effects;
  };
  const enter = (measure: boolean) => {
    const effects = handle(
      { type: "caller-entered", callId: `c${callSeq++}`, queueId: `q${Math.floor(random() * QUEUES)}`, callerNumber: "+1", priority: random() < 0.05 ? 5 : 0 },
      measure,
    );
    answerOffers(effects, measure);
  };
  const answerOffers = (effects: ReturnType<DispatchEngine["handle"]>, measure: boolean) => {
    for (const e of effects) {
      if (e.type !== "offer") continue;
      handle({ type: "offer-answered", callId: e.callId, operatorId: e.operatorId }, measure);
      active.push(e.callId);
    }
  };
  for (let i = 0; i < OPERATORS; i++) {
    for (const type of ["operator-logged-in", "socket-connected", "sip-registered"] as const) handle({ type, operatorId: `o${i}` }, false);
  }
  while (active.length < OPERATORS || engine.state.calls.size - active.length < WAITING) {
    now += 1;
    enter(false);
  }
  for (let round = 0; round < ROUNDS; round++) {
    now += 10;
    const index = Math.floor(random() * active.length);
    const callId = active[index]!;
    active[index] = active[active.length - 1]!;
    active.pop();
    answerOffers(handle({ type: "call-ended", callId }, true), true);
    enter(true);
  }
  for (const [event, values] of Object.entries(samples)) {
    values.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        name: `dispatch-latency/${event}`,
        operators: OPERATORS,
        queues: QUEUES,
        waiting: WAITING,
        samples: values.length,
        p50Ms: round(percentile(values, 0.5), 4),
        p99Ms: round(percentile(values, 0.99), 4),
        maxMs: round(values.at(-1) ?? Number.NaN, 4),
        goalP99Ms: 1,
      }),
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
