/**
 * Call setup latency on loopback, from the server's point of view (goal: trunk INVITE in -> operator INVITE out,
 * p95 < 50 ms). SIPp calls number 1000 (trunk-call.xml, -rtp_echo); operators in a child process answer at once.
 * Two runs: one call at a time, then 10 at a time. Per call, CallController.onTiming gives when the trunk INVITE
 * reached the controller, when our 200 OK went to the trunk, and when the INVITE went to the operator.
 * SIPp's own INVITE -> 200 response time (the trunk's view, loop and kernel queueing included) is printed beside it.
 *
 * Run: npx tsx bench/calls/call-setup.ts   (SETUP_CALLS=200 by default, per run)
 */
import { pathToFileURL } from "node:url";
import { BENCH_DB, latency, setupIntervals, startCallBench, waitUntil } from "./call-bench";

const CALLS = Number(process.env.SETUP_CALLS ?? 200);
const RUNS = [
  { mode: "sequential", limit: 1, rate: 10, holdMs: 200 },
  { mode: "concurrent-10", limit: 10, rate: 20, holdMs: 1000 },
];
const GOAL_P95_MS = 50;
/** The distribution issue's goal: from the queue event to the operator's INVITE leaving the server. */
const GOAL_QUEUE_P99_MS = 10;

export async function main(): Promise<void> {
  const bench = await startCallBench({ operators: 24 });
  try {
    for (const run of RUNS) {
      bench.timings.clear();
      const started = Date.now();
      const sipp = await bench.trunkCalls({ calls: CALLS, rate: run.rate, limit: run.limit, holdMs: run.holdMs, timeoutS: 100 });
      await waitUntil("every call record to close", async () => (await bench.openCalls()) === 0, 15_000);
      await waitUntil("every operator to be free", async () => (await bench.fleetStats()).inCall === 0, 15_000);
      const { toOperator, toAnswer, queueToOperator } = setupIntervals(bench.timings);
      const queueLatency = latency(queueToOperator);
      const toOperatorLatency = latency(toOperator);
      console.log(
        JSON.stringify({
          name: "calls/setup",
          database: BENCH_DB,
          mode: run.mode,
          calls: CALLS,
          concurrency: run.limit,
          holdMs: run.holdMs,
          seconds: Math.round((Date.now() - started) / 100) / 10,
          sipp: { exitCode: sipp.code, created: sipp.created, successful: sipp.successful, failed: sipp.failed },
          inviteInToOperatorInvite: toOperatorLatency,
          inviteInToTrunk200: latency(toAnswer),
          queueEntryToOperatorInvite: queueLatency,
          trunkSideInviteTo200: latency(sipp.responseTimesMs),
          goalInviteInToOperatorInviteP95Ms: GOAL_P95_MS,
          goalMet: toOperatorLatency.p95Ms < GOAL_P95_MS,
          goalQueueEntryToOperatorInviteP99Ms: GOAL_QUEUE_P99_MS,
          queueGoalMet: queueLatency.p99Ms < GOAL_QUEUE_P99_MS,
        }),
      );
      if (sipp.code !== 0) console.error(sipp.tail);
    }
    console.log(JSON.stringify({ name: "calls/setup-outcomes", ...(await bench.outcomes()), rtpengineSessionsAtEnd: await bench.rtpengine().sessions() }));
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
