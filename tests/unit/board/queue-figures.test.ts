/**
 * Today's board figures (server/board): a scripted day gives the figures db/schema.ts defines; random sequences of
 * record writes give the same figures live as rebuilt from the rows they leave (what boot does); midnight in the
 * hotline's zone starts a new day.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RecordWrite } from "../../../server/calls/call-records";
import { BoardState } from "../../../server/board/board-state";
import { dayOf } from "../../../server/board/queue-figures";
import type { CallRecord } from "../../../db/schema";

const ZONE = "Europe/Paris";
// 2026-03-10 09:00 in Paris.
const T0 = Date.UTC(2026, 2, 10, 8, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);

const insert = (id: string, s: number, queueId = 1): RecordWrite => ({
  op: "insert-call",
  call: { id, sipCallId: id, callerNumber: `+3361000${id}`, dialedNumber: "100", queueId, arrivedAt: at(s), slThresholdS: 20, shortAbandonS: 5 },
});
const event = (type: string, s: number, fields: Partial<{ callId: string; queueId: number; operatorId: number; data: Record<string, unknown> }>): RecordWrite => ({
  op: "append-events",
  events: [{ at: at(s), type, callId: fields.callId ?? null, queueId: fields.queueId ?? null, operatorId: fields.operatorId ?? null, data: fields.data ?? {} }],
});
const patch = (id: string, p: Record<string, unknown>): RecordWrite => ({ op: "update-call", id, patch: p });
const opState = (operatorId: number, from: string, to: string, s: number) => event("operator.state", s, { operatorId, data: { from, to, presence: { loggedIn: to !== "offline" } } });

/** What the controller writes for a call that waits `wait` s, is answered by operator 7, talks `talk` s, wraps up 10 s. */
function answeredCall(id: string, start: number, wait: number, talk: number, hold = 0): RecordWrite[] {
  const a = start + wait;
  return [
    insert(id, start),
    patch(id, { queuedAt: at(start) }),
    event("call.caller-entered", start, { callId: id, queueId: 1, data: { queueId: "1", priority: 0 } }),
    patch(id, { answeredAt: at(a), operatorId: 7 }),
    event("call.answered", a, { callId: id, queueId: 1, operatorId: 7 }),
    ...(hold > 0 ? [event("call.hold", a + 1, { callId: id }), event("call.unhold", a + 1 + hold, { callId: id }), patch(id, { holdMs: hold * 1000 })] : []),
    patch(id, { outcome: "answered", endedAt: at(a + talk) }),
    event("call.finished", a + talk, { callId: id, queueId: 1 }),
    patch(id, { wrapUpEndedAt: at(a + talk + 10) }),
  ];
}
function abandonedCall(id: string, start: number, wait: number): RecordWrite[] {
  return [
    insert(id, start),
    patch(id, { queuedAt: at(start) }),
    event("call.caller-entered", start, { callId: id, queueId: 1, data: { queueId: "1", priority: 0 } }),
    patch(id, { outcome: "abandoned", endedAt: at(start + wait) }),
    event("call.finished", start + wait, { callId: id, queueId: 1 }),
  ];
}

function run(writes: readonly RecordWrite[]): BoardState {
  const board = new BoardState(ZONE, T0);
  board.setQueues([{ id: 1, name: "Support", slThresholdS: 20 }], new Map([[7, [1]]]));
  for (const w of writes) board.applyWrite(w, timeOf(w));
  return board;
}
const timeOf = (w: RecordWrite) => (w.op === "insert-call" ? w.call.arrivedAt.getTime() : w.op === "append-events" ? w.events[0]!.at.getTime() : T0);

/** The database's side: the rows and events the same writes leave (inserts, patches as `set`, events appended). */
function tableOf(writes: readonly RecordWrite[]) {
  const rows = new Map<string, CallRecord>();
  const events: Array<{ id: number; at: Date; type: string; callId: string | null; queueId: number | null; operatorId: number | null; data: Record<string, unknown> }> = [];
  for (const w of writes) {
    if (w.op === "insert-call") {
      rows.set(w.call.id, { operatorId: null, queuedAt: null, answeredAt: null, endedAt: null, wrapUpEndedAt: null, holdMs: 0, outcome: "in_progress", queueId: null, ...w.call } as unknown as CallRecord);
    } else if (w.op === "update-call") {
      const row = rows.get(w.id);
      if (row) Object.assign(row, w.patch);
    } else if (w.op === "append-events") {
      for (const e of w.events) events.push({ id: events.length + 1, at: e.at, type: e.type, callId: e.callId ?? null, queueId: e.queueId ?? null, operatorId: e.operatorId ?? null, data: e.data ?? {} });
    }
  }
  // As db/queries/board.ts reads them: in log order (time, then id); a consultation's leg is no call of the day.
  const inOrder = [...events].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id);
  return { rows: [...rows.values()].filter((r) => !r.consultOf), events: inOrder.filter((e) => e.type === "operator.state"), callEvents: inOrder };
}

function rebuild(writes: readonly RecordWrite[]): BoardState {
  const board = new BoardState(ZONE, T0);
  board.setQueues([{ id: 1, name: "Support", slThresholdS: 20 }], new Map([[7, [1]]]));
  const { rows, events, callEvents } = tableOf(writes);
  for (const row of rows) board.loadRecord(row);
  for (const e of events) board.loadOperatorEvent(e);
  board.loadCallEvents(callEvents);
  return board;
}

describe("today's queue figures", () => {
  it("counts a scripted morning as db/schema.ts defines it", () => {
    const writes = [
      opState(7, "offline", "available", 0),
      ...answeredCall("a", 10, 5, 60, 20), // answered in 5 s, 60 s talk incl. 20 s hold
      ...answeredCall("b", 200, 30, 100), // answered after the 20 s threshold
      ...abandonedCall("c", 400, 3), // short abandon
      ...abandonedCall("d", 500, 40), // abandon
    ];
    const board = run(writes);
    const today = board.figures.queueFigures(1);
    expect(today).toEqual({
      offered: 4,
      answered: 2,
      answeredWithinSl: 1,
      abandoned: 1,
      shortAbandons: 1,
      serviceLevel: 1 / 3,
      asaMs: 17_500,
      ahtMs: ((60 + 10) * 1000 + (100 + 10) * 1000) / 2,
      longestWaitMs: 40_000,
    });
    const [op] = board.figures.operatorFigures();
    expect(op).toMatchObject({ operatorId: 7, handled: 2, talkMs: (60 - 20 + 100) * 1000 });
    const slots = board.figures.queueSlots(1);
    const nineAm = (T0 - dayOf(T0, ZONE).start) / (15 * 60_000);
    expect(slots.offered[nineAm]).toBe(4);
    expect(slots.abandoned[nineAm]).toBe(1);
    expect(slots.withinSl[nineAm]).toBe(1);
  });

  it("credits each operator of a transferred call with their own segment, live and rebuilt (hold excluded)", () => {
    const id = "t";
    const writes = [
      insert(id, 0),
      patch(id, { queuedAt: at(0) }),
      patch(id, { answeredAt: at(5), operatorId: 7 }),
      event("call.answered", 5, { callId: id, queueId: 1, operatorId: 7 }),
      // Operator 7 talks 20 s, then blind-transfers to operator 8, who talks 11 s with a 3 s desk hold.
      event("call.transferred", 25, { callId: id, queueId: 1, operatorId: 7, data: { toOperatorId: "8" } }),
      event("call.answered", 30, { callId: id, queueId: 1, operatorId: 8 }),
      event("call.held", 32, { callId: id, operatorId: 8 }),
      event("call.resumed", 35, { callId: id, operatorId: 8, data: { heldMs: 3000 } }),
      patch(id, { holdMs: 3000 }),
      patch(id, { outcome: "answered", endedAt: at(44) }),
      event("call.finished", 44, { callId: id, queueId: 1 }),
    ];
    const expected = [
      { operatorId: 7, handled: 1, talkMs: 20_000, holdMs: 0 },
      { operatorId: 8, handled: 1, talkMs: 11_000, holdMs: 3000 },
    ];
    const parts = (b: BoardState) => b.figures.operatorFigures().map(({ operatorId, handled, talkMs, holdMs }) => ({ operatorId, handled, talkMs, holdMs })).sort((a, b2) => a.operatorId - b2.operatorId);
    const live = run(writes);
    expect(parts(live)).toEqual(expected);
    expect(parts(rebuild(writes))).toEqual(expected);
    // Operator 8's answer is pushed when it happens, before the call ends.
    const board = run(writes.slice(0, 5));
    expect(board.applyWrite(writes[5]!, T0 + 30_000).operators).toBe(true);
    expect(parts(board)).toEqual([{ ...expected[0], operatorId: 7 }, { operatorId: 8, handled: 1, talkMs: 0, holdMs: 0 }]);
  });

  it("pushes the operators' figures when a call's parts change, not at a hold while its segment goes on", () => {
    const writes = answeredCall("h", 0, 5, 60, 20);
    const board = run(writes.slice(0, 4));
    const operatorsChanged = (w: RecordWrite) => board.applyWrite(w, timeOf(w)).operators;
    expect(writes.slice(4).map((w) => (w.op === "append-events" ? [w.events[0]!.type, operatorsChanged(w)] : (operatorsChanged(w), w.op)))).toEqual([
      ["call.answered", true],
      ["call.hold", false],
      ["call.unhold", false],
      "update-call",
      "update-call",
      ["call.finished", true],
      "update-call",
    ]);
    expect(board.figures.operatorFigures()).toEqual([expect.objectContaining({ operatorId: 7, handled: 1, talkMs: 40_000, holdMs: 20_000 })]);
    // After its end the call's parts are final: a stray hold changes nothing.
    expect(operatorsChanged(event("call.hold", 70, { callId: "h" }))).toBe(false);
    expect(board.figures.operatorFigures()).toEqual([expect.objectContaining({ operatorId: 7, handled: 1, talkMs: 40_000, holdMs: 20_000 })]);
  });

  it("credits an outbound call to its operator as reports do, and a consultation's leg to nobody", () => {
    const outbound = (id: string, consultOf?: string): RecordWrite[] => [
      { op: "insert-call", call: { id, direction: "outbound", sipCallId: id, callerNumber: "100", dialedNumber: "+33612", operatorId: 7, queueId: 1, arrivedAt: at(0), slThresholdS: 0, shortAbandonS: 0, ...(consultOf && { consultOf }) } },
      patch(id, { outcome: "answered", answeredAt: at(4), endedAt: at(64) }),
    ];
    const writes = [...outbound("o"), ...outbound("k", "00000000-0000-0000-0000-000000000001")];
    for (const board of [run(writes), rebuild(writes)]) {
      expect(board.figures.operatorFigures()).toEqual([expect.objectContaining({ operatorId: 7, handled: 1, talkMs: 60_000 })]);
      expect(board.figures.queueFigures(1).offered).toBe(0);
    }
  });

  it("shows waiting callers in queue order, then the call in progress with its hold", () => {
    const writes = [
      insert("x", 0),
      patch("x", { queuedAt: at(0) }),
      event("call.caller-entered", 0, { callId: "x", queueId: 1, data: { queueId: "1", priority: 0 } }),
      insert("v", 5),
      patch("v", { queuedAt: at(5) }),
      event("call.caller-entered", 5, { callId: "v", queueId: 1, data: { queueId: "1", priority: 2 } }),
    ];
    const board = run(writes);
    const panel = board.panel(1, T0 + 6000)!;
    expect(panel.waitingCount).toBe(2);
    expect(panel.waiting.map((w) => [w.callId, w.position, w.vip])).toEqual([["v", 1, true], ["x", 2, false]]);
    board.applyWrite(event("call.answered", 8, { callId: "x", queueId: 1, operatorId: 7 }), T0 + 8000);
    board.applyWrite(event("call.hold", 9, { callId: "x" }), T0 + 9000);
    const after = board.panel(1, T0 + 9000)!;
    expect(after.waiting.map((w) => w.callId)).toEqual(["v"]);
    expect(after.calls).toEqual([{ callId: "x", callerNumber: "+3361000x", operatorId: 7, answeredAt: T0 + 8000, holdMs: 0, heldSince: T0 + 9000 }]);
  });

  it("counts operators of the queue by state", () => {
    const board = run([opState(7, "offline", "available", 0)]);
    board.setQueues([{ id: 1, name: "Support", slThresholdS: 20 }], new Map([[7, [1]], [8, [1]], [9, [2]]]));
    board.applyWrite(opState(8, "offline", "paused", 1), T0 + 1000);
    board.applyWrite(opState(9, "offline", "available", 1), T0 + 1000);
    expect(board.panel(1, T0 + 2000)!.staff).toEqual({ loggedIn: 2, available: 1, onCall: 0, wrapUp: 0, paused: 1 });
  });

  it("measures occupancy from operator states, and starts again at midnight in the zone", () => {
    const board = run([opState(7, "offline", "available", 0), opState(7, "available", "on-call", 60), opState(7, "on-call", "wrap-up", 120), opState(7, "wrap-up", "available", 150)]);
    expect(board.figures.operatorFigures()[0]).toMatchObject({ busyMs: 90_000, idleMs: 60_000, current: "idle" });
    const midnight = dayOf(T0, ZONE).end;
    expect(new Date(midnight).toISOString()).toBe("2026-03-10T23:00:00.000Z");
    board.applyWrite(insert("late", 0), midnight + 1);
    expect(board.figures.rollOver(midnight + 1)).toBe(false);
    expect(board.figures.operatorFigures()[0]).toMatchObject({ busyMs: 0, idleMs: 0, handled: 0, current: "idle", since: midnight });
    expect(board.figures.queueFigures(1).offered).toBe(0);
  });

  it("gives the same figures live as rebuilt from the rows the writes leave (random days)", () => {
    const callArb = fc.record({
      start: fc.integer({ min: 0, max: 30_000 }),
      wait: fc.integer({ min: 0, max: 120 }),
      fate: fc.constantFrom("answered", "abandoned", "timed_out"),
      talk: fc.integer({ min: 1, max: 600 }),
      hold: fc.integer({ min: 0, max: 30 }),
      queueId: fc.constantFrom(1, 2),
    });
    fc.assert(
      fc.property(fc.array(callArb, { maxLength: 30 }), (calls) => {
        const writes: RecordWrite[] = [];
        calls.forEach((c, i) => {
          const id = `c${i}`;
          if (c.fate === "answered") writes.push(...answeredCall(id, c.start, c.wait, c.talk, Math.min(c.hold, c.talk - 1)));
          else if (c.fate === "abandoned") writes.push(...abandonedCall(id, c.start, c.wait));
          else writes.push(insert(id, c.start, c.queueId), patch(id, { queuedAt: at(c.start) }), patch(id, { outcome: "timed_out", endedAt: at(c.start + c.wait) }));
        });
        const live = run(writes);
        const rebuilt = rebuild(writes);
        for (const q of [1, 2]) {
          expect(live.figures.queueFigures(q)).toEqual(rebuilt.figures.queueFigures(q));
          expect(live.figures.queueSlots(q)).toEqual(rebuilt.figures.queueSlots(q));
        }
        const byId = (b: BoardState) => b.figures.operatorFigures().sort((a, b2) => a.operatorId - b2.operatorId);
        expect(byId(live).map(({ handled, talkMs, holdMs }) => ({ handled, talkMs, holdMs }))).toEqual(byId(rebuilt).map(({ handled, talkMs, holdMs }) => ({ handled, talkMs, holdMs })));
      }),
      { numRuns: 200 },
    );
  });
});

describe("board updates as deltas", () => {
  it("rebuild the panel a board holds from its snapshot and every delta after it, with fewer bytes", async () => {
    const { panelDelta, applyPanelDelta } = await import("../../../server/board/board-delta");
    const board = run([]);
    let pushed: Parameters<typeof panelDelta>[1];
    let held = board.panel(1, T0)!;
    let fullBytes = 0;
    let deltaBytes = 0;
    const calls = [...answeredCall("a", 10, 5, 60), ...abandonedCall("b", 1000, 40), ...answeredCall("c", 2000, 25, 30)];
    for (const w of calls) {
      board.applyWrite(w, timeOf(w));
      const view = board.panel(1, timeOf(w) || T0)!;
      const { delta, pushed: next } = panelDelta(view, pushed);
      pushed = next;
      held = applyPanelDelta(held, delta, timeOf(w) || T0)!;
      expect(held.slots).toEqual(view.slots);
      expect(held.today).toEqual(view.today);
      expect(held.calls).toEqual(view.calls);
      expect(held.waiting).toEqual(view.waiting);
      fullBytes += JSON.stringify(view).length;
      deltaBytes += JSON.stringify(delta).length;
    }
    expect(deltaBytes).toBeLessThan(fullBytes / 2);
  });
});
