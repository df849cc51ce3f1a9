import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { appendEvents, closeOrphanedCalls, findCall, insertCall, listCallEvents, updateCall } from "../../../db/queries/calls";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

describe.each(DATABASE_KINDS)("calls left open by a process that died, on %s", (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  it("are closed at the next start, at the time of their last event", async () => {
    const base = { callerNumber: "+1555", dialedNumber: "1000", slThresholdS: 20, shortAbandonS: 5, sipCallId: "x" };
    const talking = await insertCall(database.db, { ...base, arrivedAt: new Date("2026-11-02T10:00:00Z") });
    const queued = await insertCall(database.db, { ...base, arrivedAt: new Date("2026-11-02T10:01:00Z") });
    await updateCall(database.db, talking.id, { answeredAt: new Date("2026-11-02T10:00:10Z") });
    await appendEvents(database.db, [
      { at: new Date("2026-11-02T10:03:00Z"), type: "call.dtmf", callId: talking.id },
      { at: new Date("2026-11-02T10:01:30Z"), type: "call.caller-entered", callId: queued.id },
    ]);
    const now = new Date("2026-11-02T12:00:00Z");
    expect(await closeOrphanedCalls(database.db, now, "server restarted during the call")).toBe(2);
    expect(await findCall(database.db, talking.id)).toMatchObject({
      outcome: "answered",
      endedBy: "system",
      endReason: "server restarted during the call",
      endedAt: new Date("2026-11-02T10:03:00Z"),
    });
    expect(await findCall(database.db, queued.id)).toMatchObject({ outcome: "failed", endedAt: new Date("2026-11-02T10:01:30Z") });
    expect((await listCallEvents(database.db, queued.id)).map((e) => e.type)).toContain("call.closed-after-restart");
    expect(await closeOrphanedCalls(database.db, now, "again")).toBe(0);
  });
});
