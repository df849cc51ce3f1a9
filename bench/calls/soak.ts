/**
 * Soak: SOAK_CALLS concurrent calls (default 100) with continuous churn for SOAK_MINUTES (default 30): SIPp starts a
 * new call every SOAK_HOLD_S / SOAK_CALLS s (each call held SOAK_HOLD_S, default 30 s), so calls keep ending and
 * arriving at the target concurrency; operators (DTLS-SRTP legs, 10 % more than the calls) answer them.
 *
 * Reported (one JSON line, name "calls/soak"):
 * - rssGrowthPct: this process's RSS (the server) at the end of the load against the end of the warm-up
 *   (SOAK_WARMUP_S, default a quarter of the run, at most 5 minutes), and heapGrowthPct the same for the V8 heap
 *   after a full GC at both points;
 * - leaks, once every call ended and the SIP transactions' timers ran out (RFC 3261 §17: Timer J / D, 32 s): the
 *   B2BUA's transactions and dialogs (trunk and operator legs) from the health report (`/api/health`'s sip part),
 *   the timers of this process (Node's active resource list), and rtpengine sessions (the media pool's count and
 *   rtpengine's own `list`), each minus what there was before the first call.
 *
 * Run: npm run bench calls/soak   (SOAK_MINUTES=1 SOAK_CALLS=20 SOAK_HOLD_S=10 for a quick check)
 */
import { pathToFileURL } from "node:url";
import { round } from "../queue/bench-stats";
import { BENCH_DB, activeTimers, forceGc, procUsage, startCallBench, waitUntil, type CallBench } from "./call-bench";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const CALLS = Number(process.env.SOAK_CALLS ?? 100);
const HOLD_S = Number(process.env.SOAK_HOLD_S ?? 30);
const WARMUP_S = Number(process.env.SOAK_WARMUP_S ?? Math.min(300, (MINUTES * 60) / 4));
/** How long SIP transactions may outlive their calls (Timer J/D: 64 × T1 = 32 s) before they count as leaked. */
const TRANSACTION_LINGER_MS = 40_000;

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

interface Counts {
  transactions: number;
  dialogs: number;
  calls: number;
  timers: number;
  mediaSessions: number;
  rtpengineSessions: number;
}

async function counts(bench: CallBench): Promise<Counts> {
  const report = await bench.harness.hotline.services.health.report();
  const sip = report.parts["sip"] as
    | { transactions?: { client?: number; server?: number }; trunkLegs?: number; operatorLegs?: number; calls?: number }
    | undefined;
  const media = report.parts["media"] as { sessions?: unknown } | undefined;
  const sessions = media?.sessions;
  const mediaSessions =
    typeof sessions === "number" ? sessions
    : Array.isArray(sessions) ? sessions.reduce((s: number, n: unknown) => s + (typeof n === "number" ? n : 0), 0)
    : sessions && typeof sessions === "object" ? Object.values(sessions).reduce((s: number, n: unknown) => s + (typeof n === "number" ? n : 0), 0)
    : Number.NaN;
  return {
    // `untrusted` is a subset of the server transactions (those from sources not on the trunk allow-list).
    transactions: (sip?.transactions?.client ?? Number.NaN) + (sip?.transactions?.server ?? Number.NaN),
    dialogs: (sip?.trunkLegs ?? Number.NaN) + (sip?.operatorLegs ?? Number.NaN),
    calls: sip?.calls ?? Number.NaN,
    timers: activeTimers(),
    mediaSessions,
    rtpengineSessions: await bench.rtpengine().sessions(),
  };
}

export async function main(): Promise<void> {
  const started = Date.now();
  const bench = await startCallBench({ operators: Math.ceil(CALLS * 1.1) });
  try {
    await new Promise((r) => setTimeout(r, 1_000));
    const before = await counts(bench);
    const rate = CALLS / HOLD_S;
    const runS = MINUTES * 60;
    const total = Math.ceil(rate * runS);
    const t0 = performance.now();
    const sippRun = bench.trunkCalls({ calls: total, rate, limit: CALLS, holdMs: HOLD_S * 1000, timeoutS: Math.ceil(runS + HOLD_S + 120), trunks: Math.ceil(CALLS / 100) });
    const rtpenginePid = bench.rtpengine().pid!;

    const samples: Array<{ s: number; rss: number }> = [];
    let warm: { rss: number; heap: number; rtpengineRss: number } | undefined;
    let callsUpMin = Infinity;
    let callsUpMax = 0;
    // Sample every 5 s until the last call starts (then concurrency falls).
    const loadEndS = runS;
    while ((performance.now() - t0) / 1000 < loadEndS) {
      await new Promise((r) => setTimeout(r, 5_000));
      const s = (performance.now() - t0) / 1000;
      samples.push({ s, rss: process.memoryUsage().rss });
      if (s > HOLD_S) {
        const up = (await bench.fleetStats()).inCall;
        callsUpMin = Math.min(callsUpMin, up);
        callsUpMax = Math.max(callsUpMax, up);
      }
      if (!warm && s >= WARMUP_S) {
        forceGc();
        warm = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, rtpengineRss: procUsage(rtpenginePid).rssBytes };
      }
    }
    forceGc();
    const end = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed, rtpengineRss: procUsage(rtpenginePid).rssBytes };
    const media = await bench.fleetStats();

    const sipp = await sippRun;
    await waitUntil("every call record to close", async () => (await bench.openCalls()) === 0, 60_000).catch(() => {});
    let after = await counts(bench);
    const quietAt = Date.now();
    await waitUntil(
      "transactions, dialogs and sessions to drain",
      async () => {
        after = await counts(bench);
        return after.transactions <= before.transactions && after.dialogs <= before.dialogs && after.rtpengineSessions <= before.rtpengineSessions && after.timers <= before.timers;
      },
      TRANSACTION_LINGER_MS,
    ).catch(() => {});
    const drainS = (Date.now() - quietAt) / 1000;
    const outcomes = await bench.outcomes();
    const growth = (a: number, b: number) => round(((b - a) / a) * 100, 2);
    console.log(
      JSON.stringify({
        name: "calls/soak",
        minutes: MINUTES,
        rssGrowthPct: warm ? growth(warm.rss, end.rss) : Number.NaN,
        heapGrowthPct: warm ? growth(warm.heap, end.heap) : Number.NaN,
        leakedTransactions: after.transactions - before.transactions,
        leakedDialogs: after.dialogs - before.dialogs,
        leakedTimers: after.timers - before.timers,
        leakedMediaSessions: Math.max(after.mediaSessions - before.mediaSessions, after.rtpengineSessions - before.rtpengineSessions),
        // Calls whose record is not "answered": with operators to spare, every caller should reach one.
        unanswered: Object.entries(outcomes).reduce((n, [outcome, count]) => (outcome === "answered" ? n : n + count), 0),
        legs: bench.legs,
        database: BENCH_DB,
        calls: CALLS,
        holdS: HOLD_S,
        ratePerS: round(rate, 2),
        warmupS: WARMUP_S,
        callsUp: { min: callsUpMin === Infinity ? 0 : callsUpMin, max: callsUpMax },
        sipp: { exitCode: sipp.code, attempted: sipp.created, succeeded: sipp.successful, failed: sipp.failed },
        records: outcomes,
        pcFailed: media.pcFailed,
        // Over whole calls: the packets in flight when each call hangs up count as lost (≈ one round trip per call).
        lossPctWholeCalls: {
          operatorEnd: media.rtpExpected > 0 ? round(Math.max(0, (1 - media.rtpReceived / media.rtpExpected) * 100), 3) : Number.NaN,
          roundTrip: media.rtpSent > 0 ? round(Math.max(0, (1 - media.echoedBack / media.rtpSent) * 100), 3) : Number.NaN,
        },
        memory: {
          rssWarmMb: warm ? mb(warm.rss) : Number.NaN,
          rssEndMb: mb(end.rss),
          heapUsedWarmMb: warm ? mb(warm.heap) : Number.NaN,
          heapUsedEndMb: mb(end.heap),
          rtpengineRssWarmMb: warm ? mb(warm.rtpengineRss) : Number.NaN,
          rtpengineRssEndMb: mb(end.rtpengineRss),
          rssSamplesMb: samples.filter((_, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0).map((x) => mb(x.rss)),
        },
        before,
        after,
        drainS: round(drainS, 1),
        totalS: round((Date.now() - started) / 1000, 1),
      }),
    );
    if (sipp.code !== 0) console.error(sipp.tail);
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
