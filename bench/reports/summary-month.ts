/**
 * A month of 50,000 calls in embedded PGlite (the default database), then the timings of the report queries:
 * the summary (`GET /api/reports/summary`), the whole report page (every grouping plus Erlang C per hour), and a
 * deep keyset page of the call log. Goal: the summary of a month under one second.
 * Run: npm run bench reports
 */
import os from "node:os";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { openDatabase } from "../../db/client";
import { listCallLog } from "../../db/queries/call-log";
import { appendEvents, type NewCallEvent } from "../../db/queries/calls";
import { addHotlineNumber, createQueue } from "../../db/queries/queues";
import { createUser } from "../../db/queries/users";
import { callRecords } from "../../db/schema";
import { buildCallReport, reportSummary } from "../../server/reports/call-report";
import { periodOfDays } from "../../server/reports/period";
import { rng } from "../queue/bench-stats.js";

const CALLS = 50_000;
const ZONE = "Europe/Paris";
const MONTH_START = Date.parse("2026-10-31T23:00:00Z");
const DAYS = 30;
const OPERATORS = 20;
const TOPICS = ["billing", "access", "delivery", "complaint", "other"];

/**
 * Best of `runs` timings of `work`: wall-clock ms, and this process's CPU ms (PGlite runs in-process, so CPU time is
 * the query's cost even on a machine busy with other work, where wall time is not).
 */
async function time(work: () => Promise<unknown>, runs = 3): Promise<{ wallMs: number; cpuMs: number }> {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    await work();
    const used = process.cpuUsage(startCpu);
    wall = Math.min(wall, performance.now() - start);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  return { wallMs: Math.round(wall), cpuMs: Math.round(cpu) };
}

export async function main(): Promise<void> {
  const database = await openDatabase({ kind: "pglite", dataDir: null });
  const db = database.db;
  const random = rng(13);
  const queues = [await createQueue(db, "support"), await createQueue(db, "sales")];
  await addHotlineNumber(db, "2000", queues[0]!.id, "Poster");
  await addHotlineNumber(db, "2001", queues[1]!.id, "Radio");
  const operators = [];
  for (let i = 0; i < OPERATORS; i += 1) operators.push(await createUser(db, { username: `op${i}`, displayName: `Operator ${i}`, role: "operator", passwordHash: "x" }));

  const loadStart = performance.now();
  let batch: Array<typeof callRecords.$inferInsert> = [];
  for (let i = 0; i < CALLS; i += 1) {
    const day = Math.floor(random() * DAYS);
    const arrivedAt = new Date(MONTH_START + day * 86_400_000 + (8 + random() * 10) * 3_600_000);
    const queue = queues[i % 2]!;
    const waitS = Math.floor(random() * random() * 180);
    const queuedAt = new Date(arrivedAt.getTime() + 2000);
    const fate = random();
    const base = { callerNumber: `+3361${String(i).padStart(7, "0")}`, dialedNumber: i % 2 ? "2001" : "2000", queueId: queue.id, arrivedAt, slThresholdS: 20, shortAbandonS: 5 };
    if (fate < 0.03) batch.push({ ...base, endedAt: arrivedAt, outcome: "closed", endedBy: "system" });
    else if (fate < 0.15) batch.push({ ...base, queuedAt, endedAt: new Date(queuedAt.getTime() + waitS * 1000), outcome: "abandoned", endedBy: "caller" });
    else {
      const answeredAt = new Date(queuedAt.getTime() + waitS * 1000);
      const endedAt = new Date(answeredAt.getTime() + (60 + random() * 400) * 1000);
      batch.push({
        ...base,
        queuedAt,
        answeredAt,
        endedAt,
        wrapUpEndedAt: new Date(endedAt.getTime() + 20_000),
        holdMs: Math.floor(random() * 30_000),
        offers: 1,
        operatorId: operators[Math.floor(random() * OPERATORS)]!.id,
        outcome: "answered",
        endedBy: "caller",
        topic: TOPICS[Math.floor(random() * TOPICS.length)]!,
        outcomeDetail: random() < 0.1 ? "could-not-help" : "answered-on-the-spot",
      });
    }
    if (batch.length === 1000) {
      await db.insert(callRecords).values(batch);
      batch = [];
    }
  }
  const events: NewCallEvent[] = [];
  for (let day = 0; day < DAYS; day += 1) {
    for (const operator of operators) {
      const start = MONTH_START + day * 86_400_000 + 8 * 3_600_000;
      events.push({ at: new Date(start), type: "operator.state", operatorId: operator.id, data: { to: "available" } });
      events.push({ at: new Date(start + 10 * 3_600_000), type: "operator.state", operatorId: operator.id, data: { to: "offline" } });
    }
  }
  await appendEvents(db, events);
  await db.execute(sql`analyze`);
  const loadMs = Math.round(performance.now() - loadStart);

  const period = periodOfDays("2026-11-01", "2026-11-30", ZONE);
  const summary1 = await time(() => reportSummary(db, period));
  const summaryQueue = await time(() => reportSummary(db, period, "sales"));
  const report = await time(() => buildCallReport(db, period));
  let cursor: string | null = null;
  for (let i = 0; i < 40; i += 1) cursor = (await listCallLog(db, {}, { sort: "arrived", order: "desc", limit: 500, cursor })).nextCursor;
  const deepPage = await time(() => listCallLog(db, {}, { sort: "arrived", order: "desc", limit: 50, cursor }));
  const summary = await reportSummary(db, period);
  console.log(
    JSON.stringify({
      name: "reports/summary-month",
      engine: "pglite",
      calls: CALLS,
      loadMs,
      summaryMs: summary1.wallMs,
      summaryCpuMs: summary1.cpuMs,
      summaryQueueMs: summaryQueue.wallMs,
      summaryQueueCpuMs: summaryQueue.cpuMs,
      fullReportMs: report.wallMs,
      fullReportCpuMs: report.cpuMs,
      callLogPage401Ms: deepPage.wallMs,
      summaryUnderOneSecond: Math.min(summary1.wallMs, summary1.cpuMs) < 1000,
      loadAverage: Number(os.loadavg()[0]!.toFixed(1)),
      offered: summary.offered,
      serviceLevel: Number(summary.serviceLevel?.toFixed(3)),
    }),
  );
  await database.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
