/**
 * N concurrent answered calls (default 100) held HOLD_S seconds (default 20): SIPp dials trunk-call.xml at 20 calls/s
 * up to N at once; N operators in a child process answer one call each and send 20 ms PCMU packets; SIPp echoes
 * the media it receives (-rtp_echo), so audio flows operator -> rtpengine -> trunk -> rtpengine -> operator.
 *
 * Reported: calls attempted/succeeded/failed (SIPp's exit code and -trace_stat counters, and the call records in the
 * database as the ground truth), setup latency (CallController.onTiming), CPU % (of one core) and RSS of this Node
 * process (the server; operators and SIPp run elsewhere) and of the rtpengine child, sampled once all calls are
 * bridged, the event loop delay then, the media that made the round trip, and rtpengine's sessions left at the end.
 *
 * Run: npx tsx bench/calls/concurrent-calls.ts   (CONCURRENT_CALLS=100 HOLD_S=20)
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { round } from "../queue/bench-stats";
import { BENCH_DB, latency, procUsage, setupIntervals, startCallBench, waitUntil } from "./call-bench";

const CALLS = Number(process.env.CONCURRENT_CALLS ?? 100);
const HOLD_S = Number(process.env.HOLD_S ?? 20);
const RATE = 20;

export async function main(): Promise<void> {
  const started = Date.now();
  const bench = await startCallBench({ operators: CALLS });
  const setupS = (Date.now() - started) / 1000;
  try {
    const rampS = CALLS / RATE;
    const rampCpu0 = process.cpuUsage();
    const rampT0 = performance.now();
    const sippRun = bench.trunkCalls({ calls: CALLS, rate: RATE, limit: CALLS, holdMs: HOLD_S * 1000, timeoutS: Math.ceil(rampS + HOLD_S + 30) });
    let bridged = true;
    await waitUntil("every call to be bridged", async () => (await bench.fleetStats()).inCall === CALLS, (rampS + 15) * 1000).catch(() => (bridged = false));
    const bridgedAfterS = (Date.now() - started) / 1000 - setupS;
    const rampCpu = process.cpuUsage(rampCpu0);
    const rampNodeCpuPct = round(((rampCpu.user + rampCpu.system) / 1000 / (performance.now() - rampT0)) * 100, 1);

    // Sample while every call is up: from now until ~3 s before the first caller hangs up (at most 10 s).
    const windowMs = Math.max(1_000, Math.min(10_000, (HOLD_S - rampS - 3) * 1000));
    const rtpenginePid = bench.rtpengine().pid!;
    const loop = monitorEventLoopDelay({ resolution: 1 });
    const cpu0 = process.cpuUsage();
    const rtp0 = procUsage(rtpenginePid);
    const fleetCpu0 = bench.fleetPid ? procUsage(bench.fleetPid).cpuMs : Number.NaN;
    const media0 = await bench.fleetStats();
    const t0 = performance.now();
    let nodeRssMax = 0;
    let rtpengineRssMax = 0;
    loop.enable();
    while (performance.now() - t0 < windowMs) {
      await new Promise((r) => setTimeout(r, 500));
      nodeRssMax = Math.max(nodeRssMax, process.memoryUsage().rss);
      rtpengineRssMax = Math.max(rtpengineRssMax, procUsage(rtpenginePid).rssBytes);
    }
    loop.disable();
    const elapsedMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const rtp1 = procUsage(rtpenginePid);
    const fleetCpu1 = bench.fleetPid ? procUsage(bench.fleetPid).cpuMs : Number.NaN;
    const media1 = await bench.fleetStats();
    const callsUp = media1.inCall;

    const sipp = await sippRun;
    await waitUntil("every call record to close", async () => (await bench.openCalls()) === 0, 20_000).catch(() => {});
    const outcomes = await bench.outcomes();
    let sessions = await bench.rtpengine().sessions();
    await waitUntil("rtpengine to drop every session", async () => (sessions = await bench.rtpengine().sessions()) === 0, 10_000).catch(() => {});
    const { toOperator, toAnswer } = setupIntervals(bench.timings);
    const pct = (ms: number) => round((ms / elapsedMs) * 100, 1);
    const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
    console.log(
      JSON.stringify({
        name: "calls/concurrent",
        database: BENCH_DB,
        calls: CALLS,
        holdS: HOLD_S,
        ratePerS: RATE,
        media: "sipp -rtp_echo; operators send 20 ms PCMU",
        allBridged: bridged,
        bridgedAfterS: round(bridgedAfterS, 1),
        nodeCpuPctDuringRamp: rampNodeCpuPct,
        sipp: { exitCode: sipp.code, attempted: sipp.created, succeeded: sipp.successful, failed: sipp.failed },
        records: { total: Object.values(outcomes).reduce((s, n) => s + n, 0), ...outcomes },
        offersPerOperator: { min: media1.offersMin, max: media1.offersMax },
        setupInviteInToOperatorInvite: latency(toOperator),
        setupInviteInToTrunk200: latency(toAnswer),
        trunkSideInviteTo200: latency(sipp.responseTimesMs),
        sample: {
          seconds: round(elapsedMs / 1000, 1),
          callsUp,
          nodeCpuPct: pct((cpu.user + cpu.system) / 1000),
          nodeRssMaxMb: mb(nodeRssMax),
          rtpengineCpuPct: pct(rtp1.cpuMs - rtp0.cpuMs),
          rtpengineRssMaxMb: mb(rtpengineRssMax),
          // The histogram records whole 1 ms timer intervals: the delay is what exceeds the 1 ms.
          eventLoopDelayP99Ms: round(Math.max(0, loop.percentile(99) / 1e6 - 1), 1),
          eventLoopDelayMaxMs: round(Math.max(0, loop.max / 1e6 - 1), 1),
          operatorFleetCpuPct: pct(fleetCpu1 - fleetCpu0),
          operatorRtpOutPerS: Math.round(((media1.rtpSent - media0.rtpSent) / elapsedMs) * 1000),
          operatorRtpInPerS: Math.round(((media1.rtpReceived - media0.rtpReceived) / elapsedMs) * 1000),
          operatorEchoedBackPerS: Math.round(((media1.echoedBack - media0.echoedBack) / elapsedMs) * 1000),
        },
        rtpengineSessionsAtEnd: sessions,
        totalS: round((Date.now() - started) / 1000, 1),
      }),
    );
    if (sipp.code !== 0) console.error(sipp.tail);
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
