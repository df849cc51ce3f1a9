/**
 * A supervisor changes an operator's queues for the day (issue 12): the queue engine gets the day's memberships at
 * once, the usual ones again when the day ends in the hotline's zone; the board's action validates, stores, re-syncs
 * and logs. Real database (PGlite), the engine replaced by the events it would receive.
 */
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import type { NewCallEvent } from "../../../db/queries/calls";
import { setMemberDay } from "../../../db/queries/member-days";
import { createQueue, setQueueMember } from "../../../db/queries/queues";
import { createUser } from "../../../db/queries/users";
import { setQueuesForDay, type DayQueuesDeps } from "../../../server/board/operator-actions";
import { EngineConfig } from "../../../server/calls/engine-config";
import type { EngineEvent } from "../../../server/queue";
import { openTestDatabase } from "../../support/databases";

const ZONE = "Europe/Paris";

describe("queues for the day", () => {
  let database: Database;
  let support: number;
  let sales: number;
  let amina: number;
  let sofia: number;
  let now = DateTime.fromISO("2026-12-01T10:00:00", { zone: ZONE }).toMillis();
  const events: EngineEvent[] = [];
  let config: EngineConfig;
  const membershipsOf = (userId: number) =>
    events.filter((e): e is Extract<EngineEvent, { type: "operator-configured" }> => e.type === "operator-configured" && e.operatorId === String(userId)).at(-1)?.memberships;

  beforeAll(async () => {
    database = await openTestDatabase("pglite");
    support = (await createQueue(database.db, "Support")).id;
    sales = (await createQueue(database.db, "Sales")).id;
    amina = (await createUser(database.db, { username: "amina", displayName: "Amina", passwordHash: "x", role: "operator" })).id;
    sofia = (await createUser(database.db, { username: "sofia", displayName: "Sofia", passwordHash: "x", role: "supervisor" })).id;
    await setQueueMember(database.db, support, amina, 1);
    config = new EngineConfig(database.db, (e) => events.push(e), { update: () => undefined }, { clock: { now: () => now }, zone: ZONE });
    await config.sync();
  });
  afterAll(async () => {
    config.close();
    await database.close();
  });

  it("applies the day's queues at once and the usual ones from the next day on", async () => {
    expect(membershipsOf(amina)).toEqual([{ queueId: String(support), tier: 1 }]);
    await setMemberDay(database.db, config.currentDay(), amina, [{ queueId: support, level: null }, { queueId: sales, level: 2 }], sofia, "sales short-staffed");
    await config.sync();
    expect(membershipsOf(amina)).toEqual([{ queueId: String(sales), tier: 2 }]);
    expect(config.operatorQueues(amina)).toEqual({
      changed: true,
      queues: expect.arrayContaining([
        { id: support, name: "Support", usual: 1, today: null },
        { id: sales, name: "Sales", usual: null, today: 2 },
      ]),
    });
    // 23:59 in Paris is still today; the day ends at local midnight (22:59 UTC is 23:59 in Paris in winter).
    now = DateTime.fromISO("2026-12-01T23:59:00", { zone: ZONE }).toMillis();
    await config.sync();
    expect(membershipsOf(amina)).toEqual([{ queueId: String(sales), tier: 2 }]);
    now = DateTime.fromISO("2026-12-02T00:00:01", { zone: ZONE }).toMillis();
    await config.sync();
    expect(membershipsOf(amina)).toEqual([{ queueId: String(support), tier: 1 }]);
    expect(config.operatorQueues(amina).changed).toBe(false);
  });

  it("the board's action validates, stores, re-syncs and logs; an empty list restores the usual queues", async () => {
    const logged: NewCallEvent[] = [];
    let failSave = false;
    const deps: DayQueuesDeps = {
      knows: (id) => id === amina,
      queueExists: (id) => id === support || id === sales,
      day: () => config.currentDay(),
      save: async (day, userId, queues, by, note) => {
        if (failSave) throw new Error("database down");
        await setMemberDay(database.db, day, userId, queues, by, note);
      },
      resync: () => config.sync(),
      log: (e) => logged.push(e),
      now: () => now,
    };
    expect(await setQueuesForDay(deps, sofia, { userId: amina, queues: [{ queueId: sales, level: 1 }], note: " " })).toEqual({ ok: false, error: "invalid" });
    expect(await setQueuesForDay(deps, sofia, { userId: amina, queues: [{ queueId: sales, level: 10 }], note: "x" })).toEqual({ ok: false, error: "invalid" });
    expect(await setQueuesForDay(deps, sofia, { userId: amina, queues: [{ queueId: sales, level: 1 }, { queueId: sales, level: 2 }], note: "x" })).toEqual({ ok: false, error: "invalid" });
    expect(await setQueuesForDay(deps, sofia, { userId: 999, queues: [], note: "x" })).toEqual({ ok: false, error: "unknown-operator" });
    expect(await setQueuesForDay(deps, sofia, { userId: amina, queues: [{ queueId: 999, level: 1 }], note: "x" })).toEqual({ ok: false, error: "unknown-queue" });
    failSave = true;
    expect(await setQueuesForDay(deps, sofia, { userId: amina, queues: [{ queueId: sales, level: 1 }], note: "x" })).toEqual({ ok: false, error: "failed" });
    failSave = false;
    expect(logged).toEqual([]);
    expect(membershipsOf(amina)).toEqual([{ queueId: String(support), tier: 1 }]);

    expect(await setQueuesForDay(deps, sofia, { userId: amina, queues: [{ queueId: support, level: 2 }, { queueId: sales, level: 1 }], note: "cover sales" })).toEqual({ ok: true });
    expect(membershipsOf(amina)).toEqual([
      { queueId: String(support), tier: 2 },
      { queueId: String(sales), tier: 1 },
    ]);
    expect(await setQueuesForDay(deps, sofia, { userId: amina, queues: [], note: "sales is fine again" })).toEqual({ ok: true });
    expect(membershipsOf(amina)).toEqual([{ queueId: String(support), tier: 1 }]);
    expect(logged.map((e) => [e.type, e.operatorId, e.data])).toEqual([
      ["board.operator-action", amina, { by: sofia, action: "queues", note: "cover sales", day: "2026-12-02", queues: [{ queueId: support, level: 2 }, { queueId: sales, level: 1 }] }],
      ["board.operator-action", amina, { by: sofia, action: "queues-usual", note: "sales is fine again", day: "2026-12-02", queues: [] }],
    ]);
  });
});
