/**
 * The engine's invariants as one checkable function. Tests call it after every event; it is O(state), so it is
 * not for production hot paths.
 */
import type { EngineState } from "./engine-state.js";
import { OperatorStatus, isReady, isStaffed } from "./operator-state.js";
import { tierDelayMs } from "./queue-settings.js";
import { compareCallers, compareIdle } from "./strategy-order.js";

/** Returns a description of each broken invariant; empty when the state is consistent. */
export function checkInvariants(state: EngineState): string[] {
  const problems: string[] = [];
  const fail = (message: string): void => {
    problems.push(message);
  };
  const { operators, calls, queues, now } = state;

  for (const op of operators.values()) {
    const where = `operator ${op.id} (${op.status})`;
    const offered = op.status === OperatorStatus.Offered;
    if (offered !== (op.offer !== undefined)) fail(`${where}: offered status and held offer disagree`);
    if (op.offer !== undefined) {
      const call = calls.get(op.offer.callId);
      if (call?.status !== "offered" || !call.offers.has(op.id)) fail(`${where}: offer of a call not ringing it`);
    }
    if (op.status === OperatorStatus.OnCall) {
      const call = op.callId === undefined ? undefined : calls.get(op.callId);
      if (call?.status !== "connected" || call.operatorId !== op.id) fail(`${where}: on-call without its call (ghost agent)`);
    }
    if ((op.status === OperatorStatus.Available || offered) && !isReady(op.presence)) fail(`${where}: not ready`);
    if (op.status === OperatorStatus.Available && op.pause !== undefined) fail(`${where}: available while paused`);
    if (op.status === OperatorStatus.Paused && op.pause === undefined) fail(`${where}: paused without a pause`);
    if (op.status === OperatorStatus.Offline && isReady(op.presence)) fail(`${where}: offline while ready`);
    const shouldBeIdle = op.status === OperatorStatus.Available;
    for (const queueId of op.memberships.keys()) {
      const q = queues.get(queueId);
      if (q === undefined) continue;
      const entry = op.idleEntries.get(queueId);
      const indexed = entry !== undefined && q.idle.indexOf(entry) >= 0;
      if (indexed !== shouldBeIdle) fail(`${where}: idle index of ${queueId} is ${indexed ? "stale" : "missing"}`);
    }
  }

  for (const call of calls.values()) {
    const where = `call ${call.id} (${call.status})`;
    const q = queues.get(call.queueId);
    if (q === undefined) {
      fail(`${where}: unknown queue`);
      continue;
    }
    const listed = q.waiting.indexOf(call) >= 0;
    if (listed !== (call.status === "waiting")) fail(`${where}: waiting list membership wrong`);
    if ((call.status === "offered") !== call.offers.size > 0) fail(`${where}: offers do not match status`);
    for (const operatorId of call.offers) {
      if (operators.get(operatorId)?.offer?.callId !== call.id) fail(`${where}: ${operatorId} does not hold the offer`);
    }
    if (call.status === "connected") {
      const op = call.operatorId === undefined ? undefined : operators.get(call.operatorId);
      if (op?.status !== OperatorStatus.OnCall || op.callId !== call.id) fail(`${where}: operator not on this call`);
    }
  }

  for (const [queueId, q] of queues) {
    const where = `queue ${queueId}`;
    const waiting = q.waiting.values();
    for (let i = 1; i < waiting.length; i++) {
      if (compareCallers(waiting[i - 1]!, waiting[i]!) >= 0) fail(`${where}: waiting list out of order at ${i}`);
    }
    const idle = q.idle.values();
    for (let i = 1; i < idle.length; i++) {
      if (compareIdle(idle[i - 1]!, idle[i]!) >= 0) fail(`${where}: idle list out of order at ${i}`);
    }
    let loggedIn = 0;
    let staffed = 0;
    let onBreak = 0;
    for (const operatorId of q.members) {
      const op = operators.get(operatorId);
      if (op === undefined) continue;
      if (op.presence.loggedIn) loggedIn++;
      if (isStaffed(op.status)) staffed++;
      if (op.pause !== undefined && state.options.limitedPauseReasons.includes(op.pause.reason)) onBreak++;
    }
    if (loggedIn !== q.loggedInCount || staffed !== q.staffedCount) fail(`${where}: presence counters drifted`);
    if (onBreak !== q.onBreakCount) fail(`${where}: break slots counted ${q.onBreakCount}, taken ${onBreak}`);
    // Nobody waits while an eligible operator idles: member, tier reached, not in a retry delay for this caller.
    for (const call of waiting) {
      for (const entry of idle) {
        const until = call.cooldowns.get(entry.operatorId);
        const cooling = until !== undefined && until > now;
        if (!cooling && tierDelayMs(q.settings, entry.tier) <= now - call.queuedAt) {
          fail(`${where}: call ${call.id} waits while ${entry.operatorId} idles`);
        }
      }
    }
  }
  return problems;
}

/** Throws with every broken invariant; convenient in tests. */
export function assertInvariants(state: EngineState): void {
  const problems = checkInvariants(state);
  if (problems.length > 0) throw new Error(`engine invariants broken:\n${problems.join("\n")}`);
}
