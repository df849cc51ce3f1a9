/**
 * Coalesced record batches (server/calls/call-records.ts, coalesceWrites): a batch's writes as few statements must
 * leave the call records and the event log exactly as applying the writes one by one, in order, would. Checked on a
 * model of the two tables (insert ignored when the id exists, updates skip undefined fields like Drizzle, events
 * refer to an existing call) over random batches shaped like the controller's: a call's insert comes before its
 * other writes, or the call was inserted by an earlier batch.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COALESCE_MAX_ROWS, coalesceWrites, type RecordStatement, type RecordWrite } from "../../../server/calls/call-records";

interface Tables {
  calls: Map<string, Record<string, unknown>>;
  events: Array<{ type: string; callId: string | null }>;
  callbacks: string[];
}

/** Applies a write (or statement) to the model; throws like a foreign key violation when a referenced call is missing. */
function applyTo(tables: Tables, write: RecordWrite | RecordStatement): void {
  const patch = (id: string, values: Record<string, unknown>, offersAdded: number) => {
    const row = tables.calls.get(id);
    if (!row) return; // UPDATE ... WHERE id = missing: no row
    for (const [key, value] of Object.entries(values)) if (value !== undefined) row[key] = value;
    row["offers"] = (row["offers"] as number) + offersAdded;
  };
  switch (write.op) {
    case "insert-call":
      if (!tables.calls.has(write.call.id)) tables.calls.set(write.call.id, { ...write.call, offers: 0 });
      return;
    case "insert-calls":
      // INSERT ... ON CONFLICT DO NOTHING RETURNING id, then the patches of the ids that existed as updates.
      for (const { call, patch: values, offers } of write.calls) {
        if (!tables.calls.has(call.id)) {
          const row: Record<string, unknown> = { ...call, offers };
          for (const [key, value] of Object.entries(values)) if (value !== undefined) row[key] = value;
          tables.calls.set(call.id, row);
        } else patch(call.id, values, offers);
      }
      return;
    case "update-call":
      return patch(write.id, write.patch, "offersAdded" in write ? write.offersAdded : 0);
    case "increment-offers":
      return patch(write.id, {}, 1);
    case "append-events":
      for (const event of write.events) {
        if (event.callId && !tables.calls.has(event.callId)) throw new Error(`call_events_call_id_fkey: ${event.callId}`);
        tables.events.push({ type: event.type, callId: event.callId ?? null });
      }
      return;
    case "insert-callback-request":
      if (!tables.calls.has(write.request.callId)) throw new Error(`callback_requests_call_id_fkey: ${write.request.callId}`);
      tables.callbacks.push(write.request.callId);
      return;
  }
}

const at = new Date(Date.UTC(2026, 10, 30, 10));
const insert = (id: string): RecordWrite => ({
  op: "insert-call",
  call: { id, sipCallId: `${id}@trunk`, callerNumber: "+15550001111", dialedNumber: "1000", arrivedAt: at, slThresholdS: 20, shortAbandonS: 5 },
});

/** Calls "old0".."old2" exist before the batch; "new0".."new4" may be inserted by it. */
const existing = () => new Map<string, Record<string, unknown>>(["old0", "old1", "old2"].map((id) => [id, { id, offers: 3, outcome: "in_progress" }]));
const ids = ["old0", "old1", "old2", "new0", "new1", "new2", "new3", "new4"];

const writeArb: fc.Arbitrary<RecordWrite> = fc.oneof(
  fc.record({
    op: fc.constant("update-call" as const),
    id: fc.constantFrom(...ids),
    patch: fc.record(
      {
        outcome: fc.constantFrom("answered" as const, "abandoned" as const, undefined),
        endReason: fc.constantFrom("caller-hung-up", "local", undefined),
        holdMs: fc.integer({ min: 0, max: 60_000 }),
        operatorId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.record({ op: fc.constant("increment-offers" as const), id: fc.constantFrom(...ids) }),
  fc.record({
    op: fc.constant("append-events" as const),
    events: fc.array(fc.record({ at: fc.constant(at), type: fc.constantFrom("call.arrived", "call.offered", "operator.state"), callId: fc.constantFrom(...ids, null) }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    op: fc.constant("insert-callback-request" as const),
    request: fc.record({ callId: fc.constantFrom(...ids), queueId: fc.constant(1), callerNumber: fc.constant("+15550001111"), reason: fc.constant("menu"), requestedAt: fc.constant(at) }),
  }),
);

/**
 * Puts each new call's insert before its first use (or anywhere, when the batch only inserts it), as the controller
 * does, and a replayed insert of an existing call anywhere.
 */
function controllerShaped(writes: RecordWrite[], insertSlots: number[]): RecordWrite[] {
  const out = [...writes];
  ["new0", "new1", "new2", "new3", "new4"].forEach((id, k) => {
    const firstUse = out.findIndex((w) => ("id" in w && w.id === id) || (w.op === "append-events" && w.events.some((e) => e.callId === id)) || (w.op === "insert-callback-request" && w.request.callId === id));
    const limit = firstUse < 0 ? out.length : firstUse;
    out.splice(insertSlots[k]! % (limit + 1), 0, insert(id));
  });
  // A replayed insert of a call that exists already (a spill file after a crash): ignored, its patches still apply.
  out.splice(insertSlots[5]! % (out.length + 1), 0, insert("old1"));
  return out;
}

function run(steps: ReadonlyArray<RecordWrite | RecordStatement>): Tables {
  const tables: Tables = { calls: existing(), events: [], callbacks: [] };
  for (const step of steps) applyTo(tables, step);
  return tables;
}

describe("coalesced record batches", () => {
  it("leave the records and the event log as the writes applied one by one would (random controller-shaped batches)", () => {
    fc.assert(
      fc.property(fc.array(writeArb, { maxLength: 60 }), fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), (writes, slots) => {
        const batch = controllerShaped(writes, slots);
        expect(run(coalesceWrites(batch))).toEqual(run(batch));
      }),
      { numRuns: 500 },
    );
  });

  it("make a new call's writes one row of the insert, an earlier call's one update, and every event one insert at the end", () => {
    const batch: RecordWrite[] = [
      insert("a"),
      { op: "append-events", events: [{ at, type: "call.arrived", callId: "a" }] },
      { op: "update-call", id: "a", patch: { queuedAt: at } },
      { op: "increment-offers", id: "a" },
      { op: "append-events", events: [{ at, type: "call.offered", callId: "a" }] },
      { op: "increment-offers", id: "a" },
      { op: "update-call", id: "a", patch: { outcome: "answered", endReason: undefined } },
      { op: "update-call", id: "a", patch: { endReason: "caller-hung-up" } },
      { op: "update-call", id: "old", patch: { holdMs: 1200 } },
      { op: "increment-offers", id: "old" },
      { op: "update-call", id: "old", patch: { outcome: "abandoned" } },
    ];
    expect(coalesceWrites(batch)).toEqual([
      {
        op: "insert-calls",
        calls: [{ call: (batch[0] as Extract<RecordWrite, { op: "insert-call" }>).call, patch: { queuedAt: at, outcome: "answered", endReason: "caller-hung-up" }, offers: 2 }],
      },
      { op: "update-call", id: "old", patch: { holdMs: 1200, outcome: "abandoned" }, offersAdded: 1 },
      { op: "append-events", events: [{ at, type: "call.arrived", callId: "a" }, { at, type: "call.offered", callId: "a" }] },
    ]);
  });

  it("split inserts and events into statements of at most COALESCE_MAX_ROWS rows, in order", () => {
    const n = COALESCE_MAX_ROWS * 2 + 1;
    const batch: RecordWrite[] = Array.from({ length: n }, (_, i) => [insert(`c${i}`), { op: "append-events" as const, events: [{ at, type: `e${i}`, callId: `c${i}` }] }]).flat();
    const statements = coalesceWrites(batch);
    expect(statements.map((s) => `${s.op}:${s.op === "insert-calls" ? s.calls.length : s.op === "append-events" ? s.events.length : 1}`)).toEqual([
      `insert-calls:${COALESCE_MAX_ROWS}`,
      `insert-calls:${COALESCE_MAX_ROWS}`,
      "insert-calls:1",
      `append-events:${COALESCE_MAX_ROWS}`,
      `append-events:${COALESCE_MAX_ROWS}`,
      "append-events:1",
    ]);
    expect(statements.flatMap((s) => (s.op === "append-events" ? s.events.map((e) => e.type) : []))).toEqual(Array.from({ length: n }, (_, i) => `e${i}`));
  });
});
