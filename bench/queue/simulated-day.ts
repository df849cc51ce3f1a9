/**
 * A simulated day per strategy: 20,000 calls, 100 operators, 4 queues, arrivals shaped over 12 hours with morning
 * and afternoon peaks, random talk times, answer delays, some declines and no-answers, breaks, impatient callers.
 *
 * Reports fairness (answered calls per staffed operator-hour: max/min ratio and Gini), ASA, abandon rate, service
 * level, and the share of callers who ever waited while an eligible operator idled (goal 0, checked with
 * checkInvariants after every event). Run: npx tsx bench/queue/simulated-day.ts
 */
import { pathToFileURL } from "node:url";
import { DispatchEngine } from "../../server/queue/dispatch-engine.js";
import type { Effect } from "../../server/queue/engine-effects.js";
import type { EngineEvent } from "../../server/queue/engine-events.js";
import { checkInvariants } from "../../server/queue/invariants.js";
import { OperatorStatus, isStaffed } from "../../server/queue/operator-state.js";
import type { Strategy } from "../../server/queue/queue-settings.js";
import { SortedList } from "../../server/queue/sorted-list.js";
import { exponential, gini, rng, round } from "./bench-stats.js";

const CALLS = 20_000;
const OPERATORS = 100;
const QUEUES = ["sales", "support", "billing", "vip"];
const DAY_MS = 12 * 3_600_000;
const STRATEGIES: Strategy[] = ["longest-idle", "round-robin", "fewest-calls", "least-talk-time", "ring-all", "skills"];

/** Relative arrival rate over the day (0..1 of DAY_MS): two peaks on a base load. */
function arrivalShape(x: number): number {
  return 0.35 + Math.exp(-(((x - 0.25) / 0.08) ** 2)) + 0.8 * Math.exp(-(((x - 0.65) / 0.1) ** 2));
}

interface Pending {
  at: number;
  seq: number;
  event: EngineEvent;
}

export function simulateDay(strategy: Strategy, seed = 7): Record<string, number | string> {
  const random = rng(seed);
  const engine = new DispatchEngine(
    {
      queues: QUEUES.map((id) => ({
        id,
        strategy,
        wrapUpMs: 15_000,
        ringTimeoutMs: 15_000,
        retryDelayMs: 5_000,
        tierDelaysMs: [0, 20_000],
        maxOnBreak: 8,
        weight: id === "vip" ? 2 : 0,
        positionAnnounceEveryMs: 60_000,
      })),
      operators: Array.from({ length: OPERATORS }, (_, i) => ({
        id: `o${i}`,
        memberships: QUEUES.filter((_, q) => q === i % QUEUES.length || random() < 0.35).map((queueId, k) => ({
          queueId,
          tier: k === 0 ? 1 : 2,
        })),
      })),
    },
    0,
  );
  const agenda = new SortedList<Pending>((a, b) => a.at - b.at || a.seq - b.seq);
  let seq = 0;
  const at = (time: number, event: EngineEvent) => agenda.insert({ at: time, seq: seq++, event });

  for (let i = 0; i < OPERATORS; i++) {
    const operatorId = `o${i}`;
    for (const type of ["operator-logged-in", "socket-connected", "sip-registered"] as const) at(0, { type, operatorId });
    for (const breakAt of [0.3, 0.7]) {
      const start = (breakAt + (random() - 0.5) * 0.2) * DAY_MS;
      at(start, { type: "pause-requested", operatorId, reason: "break" });
      at(start + 10 * 60_000 + random() * 10 * 60_000, { type: "resume-requested", operatorId });
    }
  }
  for (let made = 0; made < CALLS; ) {
    const x = random();
    if (random() * 2.2 > arrivalShape(x)) continue;
    const callId = `c${made++}`;
    const arrive = x * DAY_MS;
    const queueId = QUEUES[Math.floor(random() * QUEUES.length)]!;
    at(arrive, { type: "caller-entered", callId, queueId, callerNumber: `+${made}` });
    // Patience: the hang-up is sent only if the caller is still unanswered by then.
    at(arrive + exponential(random, 240_000), { type: "caller-hung-up", callId });
  }

  const answered = new Set<string>();
  const ended = new Set<string>();
  const callsByOperator = new Map<string, number>();
  const staffedMs = new Map<string, number>();
  const staffedSince = new Map<string, number>();
  const starved = new Set<string>();
  let waitSum = 0;
  let withinSl = 0;
  let abandoned = 0;
  let violations = 0;
  let events = 0;

  const onEffects = (effects: readonly Effect[], now: number) => {
    for (const e of effects) {
      if (e.type === "offer") {
        const roll = random();
        const delay = 1_000 + random() * 5_000;
        if (roll < 0.03) at(now + delay, { type: "offer-declined", callId: e.callId, operatorId: e.operatorId });
        else if (roll > 0.02 + 0.03) at(now + delay, { type: "offer-answered", callId: e.callId, operatorId: e.operatorId });
        // else: no answer, the engine's ring timeout fires.
      } else if (e.type === "operator-state-changed") {
        const was = isStaffed(e.previous);
        const is = isStaffed(e.status);
        if (!was && is) staffedSince.set(e.operatorId, now);
        if (was && !is) {
          staffedMs.set(e.operatorId, (staffedMs.get(e.operatorId) ?? 0) + now - (staffedSince.get(e.operatorId) ?? now));
        }
      } else if (e.type === "record") {
        const r = e.entry;
        if (r.kind === "call-answered") {
          answered.add(r.callId);
          callsByOperator.set(r.operatorId, (callsByOperator.get(r.operatorId) ?? 0) + 1);
          waitSum += r.waitedMs;
          if (r.withinServiceLevel) withinSl++;
          at(now + 30_000 + exponential(random, 150_000), { type: "call-ended", callId: r.callId });
        } else if (r.kind === "call-finished") {
          ended.add(r.callId);
          if (r.outcome === "abandoned") abandoned++;
        }
      }
    }
  };
  const step = (event: EngineEvent, now: number) => {
    events++;
    onEffects(engine.handle(event, now), now);
    for (const problem of checkInvariants(engine.state)) {
      violations++;
      const match = /call (\S+) waits while/.exec(problem);
      if (match?.[1] !== undefined) starved.add(match[1]);
    }
  };

  const started = performance.now();
  let now = 0;
  for (;;) {
    const next = agenda.first();
    const deadline = engine.nextDeadline();
    if (next === undefined && deadline === undefined) break;
    if (deadline !== undefined && (next === undefined || deadline <= next.at)) {
      now = Math.max(now, deadline);
      step({ type: "timer" }, now);
      continue;
    }
    agenda.remove(next!);
    now = Math.max(now, next!.at);
    const event = next!.event;
    if (event.type === "caller-hung-up" && (answered.has(event.callId) || ended.has(event.callId))) continue;
    step(event, now);
  }
  for (const [operatorId, since] of staffedSince) {
    const op = engine.state.operators.get(operatorId);
    if (op !== undefined && op.status !== OperatorStatus.Offline && op.status !== OperatorStatus.Paused) {
      staffedMs.set(operatorId, (staffedMs.get(operatorId) ?? 0) + now - since);
    }
  }
  const rates = [...engine.state.operators.keys()].map((id) => {
    const hours = (staffedMs.get(id) ?? 0) / 3_600_000;
    return hours > 0 ? (callsByOperator.get(id) ?? 0) / hours : 0;
  });
  const min = Math.min(...rates);
  const max = Math.max(...rates);
  return {
    name: `simulated-day/${strategy}`,
    calls: CALLS,
    operators: OPERATORS,
    answered: answered.size,
    abandonRate: round(abandoned / CALLS),
    asaSeconds: round(waitSum / Math.max(1, answered.size) / 1_000, 1),
    serviceLevel20s: round(withinSl / Math.max(1, answered.size)),
    callsPerStaffedHourMax: round(max, 2),
    callsPerStaffedHourMin: round(min, 2),
    callsPerStaffedHourMaxMinRatio: round(max / Math.max(min, 1e-9), 2),
    gini: round(gini(rates)),
    waitingWhileEligibleIdleShare: round(starved.size / CALLS, 5),
    invariantViolations: violations,
    callsLeftInEngine: engine.state.calls.size,
    events,
    wallMs: Math.round(performance.now() - started),
  };
}

export function main(): void {
  for (const strategy of STRATEGIES) console.log(JSON.stringify(simulateDay(strategy)));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
