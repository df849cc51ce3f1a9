/**
 * A batch of call record writes through the database store (coalesced statements, server/calls/call-records.ts)
 * leaves the same rows as the same writes applied one by one, on both database engines: the calls' fields and offer
 * counts, and the event log in the order it was logged; replayed (a spill file after a crash), the same again.
 */
import { asc, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { callEvents, callRecords } from "../../../db/schema";
import type { Db } from "../../../db/client";
import { insertCallbackRequest } from "../../../db/queries/callback-requests";
import { appendEvents, incrementOffers, insertCallOnce, updateCall } from "../../../db/queries/calls";
import { databaseRecordStore, type RecordWrite } from "../../../server/calls/call-records";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

/** The reference: one write applied alone, as the store did before batches were coalesced. */
async function applyWrite(db: Db, write: RecordWrite): Promise<void> {
  switch (write.op) {
    case "insert-call":
      return insertCallOnce(db, write.call);
    case "update-call":
      return updateCall(db, write.id, write.patch);
    case "increment-offers":
      return incrementOffers(db, write.id);
    case "append-events":
      return appendEvents(db, write.events);
    case "insert-callback-request":
      await insertCallbackRequest(db, write.request);
      return;
  }
}

const at = (s: number) => new Date(Date.UTC(2026, 10, 30, 10, 0, s));

/** Two calls of a surge, as the controller writes them, for ids `<prefix>-a` and `<prefix>-b` (UUIDs). */
function batch(prefix: string): RecordWrite[] {
  const a = `${prefix}-0000-4000-8000-00000000000a`;
  const b = `${prefix}-0000-4000-8000-00000000000b`;
  const insert = (id: string, s: number): RecordWrite => ({
    op: "insert-call",
    call: { id, sipCallId: `${id}@trunk`, callerNumber: "+15550001111", callerName: null, dialedNumber: "1000", numberId: null, queueId: null, arrivedAt: at(s), slThresholdS: 20, shortAbandonS: 5 },
  });
  const event = (id: string, type: string, s: number): RecordWrite => ({ op: "append-events", events: [{ at: at(s), type, callId: id, data: { n: s } }] });
  return [
    insert(a, 0),
    event(a, "call.arrived", 0),
    { op: "update-call", id: a, patch: { queuedAt: at(0) } },
    insert(b, 1),
    event(b, "call.arrived", 1),
    { op: "increment-offers", id: a },
    event(a, "call.offered", 2),
    { op: "update-call", id: b, patch: { queuedAt: at(1) } },
    { op: "increment-offers", id: a },
    { op: "update-call", id: a, patch: { answeredAt: at(3), outcome: "answered", endReason: undefined } },
    { op: "append-events", events: [{ at: at(4), type: "operator.state", data: { from: "offered", to: "on-call" } }] },
    { op: "update-call", id: a, patch: { endedAt: at(9), endedBy: "caller", endReason: "caller-hung-up", holdMs: 1200 } },
    { op: "increment-offers", id: b },
    { op: "update-call", id: b, patch: { outcome: "abandoned", endedAt: at(9) } },
    event(b, "call.finished", 9),
  ];
}

describe.each(DATABASE_KINDS)("call record batches on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  /** The rows the writes of `prefix` left, without the generated ids and the prefix. */
  async function rows(prefix: string) {
    const ids = [`${prefix}-0000-4000-8000-00000000000a`, `${prefix}-0000-4000-8000-00000000000b`];
    const strip = (id: string | null) => id?.slice(prefix.length);
    const calls = await database.db.select().from(callRecords).where(inArray(callRecords.id, ids)).orderBy(asc(callRecords.arrivedAt));
    const events = await database.db.select().from(callEvents).orderBy(asc(callEvents.id));
    return {
      calls: calls.map((c) => ({ ...c, id: strip(c.id), sipCallId: strip(c.sipCallId) })),
      events: events
        .filter((e) => e.callId === null ? (e.data as { batch?: string }).batch === prefix : ids.includes(e.callId))
        .map(({ id: _id, ...e }) => ({ ...e, callId: strip(e.callId), data: { ...(e.data as object), batch: undefined } })),
    };
  }

  it("coalesced, leave the rows the writes one by one leave", async () => {
    const tag = (writes: RecordWrite[], prefix: string) =>
      writes.map((w) => (w.op === "append-events" ? { ...w, events: w.events.map((e) => (e.callId ? e : { ...e, data: { ...e.data, batch: prefix } })) } : w));
    const oneByOne = tag(batch("11111111"), "11111111");
    for (const write of oneByOne) await database.db.transaction((tx) => applyWrite(tx, write));
    const coalesced = tag(batch("22222222"), "22222222");
    await databaseRecordStore(database.db).apply(coalesced);

    const expected = await rows("11111111");
    expect(expected.calls.map((c) => [c.offers, c.outcome, c.endReason])).toEqual([
      [2, "answered", "caller-hung-up"],
      [1, "abandoned", null],
    ]);
    expect(await rows("22222222")).toEqual(expected);

    // Replayed (a spill file after a crash): the inserts are ignored, the rest applies again, the same both ways.
    for (const write of oneByOne) await database.db.transaction((tx) => applyWrite(tx, write));
    await databaseRecordStore(database.db).apply(coalesced);
    const replayed = await rows("11111111");
    expect(replayed.calls.map((c) => c.offers)).toEqual([4, 2]);
    expect(await rows("22222222")).toEqual(replayed);
  });
});
