/**
 * The hours runtime against a real database (PGlite): queues open and close at each boundary of their numbers'
 * schedules, from one timer (fake timers and clock here), and the route tells the call path what callers hear.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DateTime } from "luxon";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import type { Database } from "../../../db/client";
import { addHotlineNumber, createQueue } from "../../../db/queries/queues";
import type { Queue } from "../../../db/schema";
import { addException, saveSchedule, setNumberHours } from "../../../server/hours/hours-service";
import { HoursRuntime } from "../../../server/hours/hours-runtime";
import { PromptCatalog } from "../../../server/hours/prompt-catalog";
import { silentLogger } from "../../../server/logger";
import { openTestDatabase } from "../../support/databases";

const zone = "Europe/Paris";
const at = (local: string) => DateTime.fromISO(local, { zone }).toMillis();
let database: Database;
let queue: Queue;
let other: Queue;
let soundsDir: string;

beforeAll(async () => {
  database = await openTestDatabase("pglite");
  const db = database.db;
  queue = await createQueue(db, "Support");
  other = await createQueue(db, "Night");
  await addHotlineNumber(db, "100", queue.id);
  await addHotlineNumber(db, "200", other.id);
  expect((await saveSchedule(db, { name: "Office", weekly: "mon-fri 09:00-18:00", zone })).ok).toBe(true);
  expect((await addException(db, { schedule: "Office", kind: "closure", from: "2026-12-08", reason: "Strike" })).ok).toBe(true);
  expect((await setNumberHours(db, "100", { schedule: "Office", language: "fr" })).ok).toBe(true);
  expect((await setNumberHours(db, "200", { schedule: "Office", closedAction: "queue:Support" })).ok).toBe(true);
  soundsDir = mkdtempSync(path.join(tmpdir(), "hotline-hours-"));
});
afterAll(async () => {
  await database.close();
  rmSync(soundsDir, { recursive: true, force: true });
});
afterEach(() => vi.useRealTimers());

it("closes and opens the queues at the schedule's boundaries with one timer, and routes callers by the number's state", async () => {
  vi.useFakeTimers({ now: at("2026-12-07T17:59") }); // a Monday
  const changes: Array<[string, number, boolean]> = [];
  const hours = new HoursRuntime({
    clock: { now: () => Date.now() },
    zone: "UTC",
    soundsDir,
    catalog: new PromptCatalog(soundsDir),
    logger: silentLogger,
    setQueueOpen: (queueId, open) => changes.push([DateTime.fromMillis(Date.now(), { zone }).toFormat("ccc HH:mm"), queueId, open]),
    synthesize: async () => {
      throw new Error("no speech in this test");
    },
  });
  await hours.reload(database.db, [queue, other]);
  expect(changes).toEqual([
    ["Mon 17:59", queue.id, true],
    ["Mon 17:59", other.id, true],
  ]);

  await vi.advanceTimersByTimeAsync(60_000);
  expect(changes.slice(2)).toEqual([
    ["Mon 18:00", queue.id, false],
    ["Mon 18:00", other.id, false],
  ]);
  // Tuesday is a strike day: the next boundary is Wednesday 09:00.
  expect(hours.route(1)).toMatchObject({ language: "fr", closed: { prompts: ["closed-now", "opens-wednesday", "at-09-00", "goodbye"], endReason: "closed" } });
  // Closed with `queue:Support`: the caller goes to that queue (closed too: the engine turns them away).
  expect(hours.route(2)).toMatchObject({ closed: undefined, queue: { queueId: queue.id, queueName: "Support" } });

  await vi.advanceTimersByTimeAsync(at("2026-12-09T09:00") - Date.now());
  expect(changes.slice(4)).toEqual([
    ["Wed 09:00", queue.id, true],
    ["Wed 09:00", other.id, true],
  ]);
  expect(hours.route(1)?.closed).toBeUndefined();
  hours.stop();
  await vi.advanceTimersByTimeAsync(at("2026-12-09T18:30") - Date.now());
  expect(changes).toHaveLength(6);
});
