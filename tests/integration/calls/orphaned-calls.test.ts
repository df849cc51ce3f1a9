import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { and, eq } from "drizzle-orm";
import { appendEvents, closeOperatorStatesAfterRestart, closeOrphanedCalls, findCall, insertCall, listCallEvents, updateCall } from "../../../db/queries/calls";
import { createUser } from "../../../db/queries/users";
import { callEvents } from "../../../db/schema";
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

  it("leave no operator on a call or available in the log: each gets an offline event at the last sign of life", async () => {
    const user = (name: string) => createUser(database.db, { username: name, displayName: name, role: "operator", passwordHash: "x" });
    const [talking, idle, gone] = [await user("talking"), await user("idle"), await user("gone")];
    const state = (at: string, operatorId: number, from: string, to: string) => ({ at: new Date(at), type: "operator.state", operatorId, data: { from, to } });
    await appendEvents(database.db, [
      state("2026-11-03T09:00:00Z", talking.id, "available", "offered"),
      state("2026-11-03T09:00:05Z", talking.id, "offered", "on-call"),
      state("2026-11-03T09:01:00Z", idle.id, "paused", "available"),
      state("2026-11-03T09:02:00Z", gone.id, "available", "offline"),
      { at: new Date("2026-11-03T09:30:00Z"), type: "call.dtmf" },
    ]);
    expect(await closeOperatorStatesAfterRestart(database.db, new Date("2026-11-03T12:00:00Z"))).toBe(2);
    const closing = await database.db
      .select()
      .from(callEvents)
      .where(and(eq(callEvents.type, "operator.state"), eq(callEvents.at, new Date("2026-11-03T09:30:00Z"))));
    expect(closing.map((e) => [e.operatorId, e.data]).sort()).toEqual(
      [
        [talking.id, { from: "on-call", to: "offline", reason: "restarted" }],
        [idle.id, { from: "available", to: "offline", reason: "restarted" }],
      ].sort(),
    );
    expect(await closeOperatorStatesAfterRestart(database.db, new Date("2026-11-03T12:00:00Z"))).toBe(0);
  });
});
