/**
 * Concurrent bridged calls, searched by steps: for each N of CONCURRENT_STEPS (default "100,200,300,400,500"), SIPp dials
 * trunk-call.xml at CONCURRENT_RATE calls/s (default 20) up to N at once; N operators in child processes (DTLS-SRTP
 * legs as Chromium negotiates them, see operator-fleet.ts) answer one call each and send 20 ms G.711 frames; SIPp
 * echoes the media it receives (-rtp_echo), so audio flows operator -> rtpengine -> trunk -> rtpengine -> operator.
 * Once every call is bridged, the step is measured for HOLD_S seconds (default 60) with every call up.
 *
 * Per step (one JSON line, name "calls/concurrent/step"):
 * - failed: SIPp's failed calls + calls never bridged + operator peer connections that failed, were not connected
 *   (ICE + DTLS) when the window started or ended, or took longer than MEDIA_CONNECT_LIMIT_MS (5 s) to connect; the
 *   window starts when every leg connected, or that limit after the last call was bridged;
 * - mediaConnectMs: the legs' media set-up times (200 OK to connected) by bucket, and the p99's bucket bound;
 * - lossPct.operatorEnd: packets missing at the operators, from the RTP sequence numbers of what rtpengine sent them
 *   (RFC 3550 §A.3), i.e. the trunk -> operator direction; lossPct.roundTrip: 1 - echoed back / sent, the operator's
 *   voice to the trunk and back, an upper bound of the loss at the trunk end (the operator -> trunk direction); both
 *   counted at the operators' sockets from the clear RTP headers, and sample.decryptedPct the share of what arrived
 *   that SRTP decrypted;
 * - CPU % of one core for this Node process (the server: Hotline runs in-process, operators and SIPp elsewhere), for
 *   rtpengine, and for the load generator (operator fleets) apart, each also per 100 calls; RSS of each;
 * - the codec the operator legs ended up with, and the DTLS role they took.
 * The step "held" when failed is 0, both losses are under 0.5 % and the generator sent at least 98 % of the frames
 * due (sample.offeredPct: beyond that the generator, not Hotline, set the load); the search stops at the first step that did not
 * hold (CONCURRENT_KEEP_GOING=1 runs every step). The last line, name "calls/concurrent", repeats the largest step
 * that held (calls 0 when none did), with the list of steps.
 *
 * Run: npm run bench calls/concurrent   (CONCURRENT_STEPS=10,20 HOLD_S=10 for a quick check)
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { round } from "../queue/bench-stats";
import { MEDIA_CONNECT_BUCKETS_MS, bucketQuantile } from "./media-connect";
import { BENCH_DB, BENCH_INJECT_DTMF, childPids, latency, procUsage, setupIntervals, startCallBench, udpDrops, waitUntil, type CallBench } from "./call-bench";

const STEPS = (process.env.CONCURRENT_STEPS ?? "100,200,300,400,500").split(",").map(Number).filter((n) => n > 0);
const HOLD_S = Number(process.env.HOLD_S ?? 60);
const RATE = Number(process.env.CONCURRENT_RATE ?? 20);
const KEEP_GOING = process.env.CONCURRENT_KEEP_GOING === "1";
/**
 * Media set-up time (200 OK to ICE + DTLS connected, ms) beyond which an operator leg counts as failed: a caller who
 * hears nothing for that long hangs up. It is also how long the step waits for the last legs before its window.
 */
const MEDIA_CONNECT_LIMIT_MS = 5_000;
// Slow legs are counted from the set-up time buckets: the limit must be one of their bounds.
if (!(MEDIA_CONNECT_BUCKETS_MS as readonly number[]).includes(MEDIA_CONNECT_LIMIT_MS)) throw new Error("MEDIA_CONNECT_LIMIT_MS is not a bucket bound");
/**
 * Share of the frames the calls' microphones should have sent (50 a second per call up) that the generator did send,
 * below which a step did not hold (percent): a saturated generator falls behind and offers less than the step's load.
 */
const MIN_OFFERED_PCT = 98;
/** Loss above which a step did not hold (percent). */
const MAX_LOSS_PCT = 0.5;

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

export async function main(): Promise<void> {
  const started = Date.now();
  const bench = await startCallBench({ operators: Math.max(...STEPS) });
  const results: Array<Awaited<ReturnType<typeof step>>> = [];
  try {
    for (const calls of STEPS) {
      const result = await step(bench, calls);
      console.log(JSON.stringify(result));
      results.push(result);
      if (!result.held && !KEEP_GOING) break;
    }
    const best = results.filter((r) => r.held).at(-1);
    console.log(
      JSON.stringify({
        ...(best ?? { calls: 0, failed: Number.NaN, legs: bench.legs }),
        name: "calls/concurrent",
        steps: results.map((r) => ({ calls: r.calls, failed: r.failed, lossPct: r.lossPct, offeredPct: r.sample.offeredPct, held: r.held })),
        totalS: round((Date.now() - started) / 1000, 1),
      }),
    );
  } finally {
    await bench.stop();
  }
}

async function step(bench: CallBench, calls: number) {
  bench.timings.clear();
  await waitUntil("every operator to be free", async () => (await bench.fleetStats()).inCall === 0, 30_000);
  const outcomes0 = await bench.outcomes();
  const rampS = calls / RATE;
  const holdMs = (rampS + HOLD_S + 8) * 1000;
  const before = await bench.fleetStats();
  // One SIPp per 100 calls: each echoes through its own socket and thread (see TrunkCallsOptions.trunks).
  const sippRun = bench.trunkCalls({ calls, rate: RATE, limit: calls, holdMs, timeoutS: Math.ceil(holdMs / 1000 + rampS + 60), trunks: Math.ceil(calls / 100) });
  const t0 = Date.now();
  let bridged = true;
  await waitUntil("every call to be bridged", async () => (await bench.fleetStats()).inCall === calls, (rampS + 20) * 1000).catch(() => (bridged = false));
  const bridgedAfterS = (Date.now() - t0) / 1000;
  // ICE + DTLS finish after the 200 OK: wait for the last legs (bounded) before the window starts.
  const c0 = Date.now();
  await waitUntil("every operator leg to connect", async () => {
    const s = await bench.fleetStats();
    return s.inCallConnected === s.inCall;
  }, MEDIA_CONNECT_LIMIT_MS).catch(() => {});
  const connectWaitS = (Date.now() - c0) / 1000;

  const rtpenginePid = bench.rtpengine().pid!;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const fleetCpu = () => bench.fleetPids.reduce((s, pid) => s + procUsage(pid).cpuMs, 0);
  const cpu0 = process.cpuUsage();
  const rtp0 = procUsage(rtpenginePid).cpuMs;
  const fleet0 = fleetCpu();
  const media0 = await bench.fleetStats();
  const dropOwners = { hotline: [process.pid], rtpengine: [rtpenginePid], generator: bench.fleetPids, trunk: childPids("sipp") };
  const drops0 = udpDrops(dropOwners);
  const w0 = performance.now();
  let nodeRssMax = 0;
  let rtpengineRssMax = 0;
  let fleetRssMax = 0;
  let callsUpMin = media0.inCall;
  loop.enable();
  const windowMs = HOLD_S * 1000;
  while (performance.now() - w0 < windowMs) {
    await new Promise((r) => setTimeout(r, 1_000));
    nodeRssMax = Math.max(nodeRssMax, process.memoryUsage().rss);
    rtpengineRssMax = Math.max(rtpengineRssMax, procUsage(rtpenginePid).rssBytes);
    fleetRssMax = Math.max(fleetRssMax, bench.fleetPids.reduce((s, pid) => s + procUsage(pid).rssBytes, 0));
    callsUpMin = Math.min(callsUpMin, (await bench.fleetStats()).inCall);
  }
  loop.disable();
  const elapsedMs = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  const rtpengineCpuMs = procUsage(rtpenginePid).cpuMs - rtp0;
  const fleetCpuMs = fleetCpu() - fleet0;
  const media1 = await bench.fleetStats();
  const drops1 = udpDrops(dropOwners);

  const sipp = await sippRun;
  await waitUntil("every call record to close", async () => (await bench.openCalls()) === 0, 30_000).catch(() => {});
  const outcomes1 = await bench.outcomes();
  let sessions = await bench.rtpengine().sessions();
  await waitUntil("rtpengine to drop every session", async () => (sessions = await bench.rtpengine().sessions()) === 0, 15_000).catch(() => {});
  const after = await bench.fleetStats();
  const { toOperator } = setupIntervals(bench.timings);

  const pct = (ms: number) => round((ms / elapsedMs) * 100, 1);
  const per100 = (ms: number) => round((ms / elapsedMs) * 100 * (100 / calls), 2);
  const received = media1.rtpReceived - media0.rtpReceived;
  const expected = media1.rtpExpected - media0.rtpExpected;
  const sent = media1.rtpSent - media0.rtpSent;
  const echoed = media1.echoedBack - media0.echoedBack;
  const decrypted = media1.rtpDecrypted - media0.rtpDecrypted;
  const operatorEnd = expected > 0 ? round(Math.max(0, (1 - received / expected) * 100), 3) : Number.NaN;
  const roundTrip = sent > 0 ? round(Math.max(0, (1 - echoed / sent) * 100), 3) : Number.NaN;
  const neverBridged = calls - media0.inCall;
  // A call whose operator leg never connected (ICE + DTLS) carries no audio: failed, whatever SIP says.
  const notConnected = Math.max(media0.inCall - media0.inCallConnected, media1.inCall - media1.inCallConnected);
  const pcFailed = after.pcFailed - before.pcFailed;
  const sippFailed = Number.isNaN(sipp.failed) ? calls : sipp.failed;
  const connectMs = countsSince(before.connectMs, media1.connectMs);
  const slowConnect = Object.entries(connectMs).filter(([bucket]) => !(Number(bucket) <= MEDIA_CONNECT_LIMIT_MS)).reduce((n, [, v]) => n + v, 0);
  const failed = sippFailed + neverBridged + pcFailed + notConnected + slowConnect;
  const newOutcomes = Object.fromEntries(Object.entries(outcomes1).map(([k, v]) => [k, v - (outcomes0[k] ?? 0)]).filter(([, v]) => v !== 0));
  // Plain RTP legs (BENCH_LEGS=rtp) do not track sequence numbers: the round trip alone decides for them.
  // 20 ms frames: 50 a second per call, over the calls up during the window (at least callsUpMin, at most calls).
  const offeredPct = round((sent / ((callsUpMin * elapsedMs) / 20)) * 100, 1);
  const held = failed === 0 && roundTrip < MAX_LOSS_PCT && !(operatorEnd >= MAX_LOSS_PCT) && offeredPct >= MIN_OFFERED_PCT;
  return {
    name: "calls/concurrent/step",
    calls,
    failed,
    held,
    lossPct: { operatorEnd, roundTrip },
    legs: bench.legs,
    codec: countsSince(before.codecs, media1.codecs),
    dtlsRole: countsSince(before.dtlsRoles, media1.dtlsRoles),
    srtpProfile: countsSince(before.srtpProfiles, media1.srtpProfiles),
    injectDtmf: BENCH_INJECT_DTMF,
    database: BENCH_DB,
    holdS: HOLD_S,
    ratePerS: RATE,
    allBridged: bridged,
    bridgedAfterS: round(bridgedAfterS, 1),
    callsUpMin,
    sipp: { exitCode: sipp.code, attempted: sipp.created, succeeded: sipp.successful, failed: sipp.failed },
    neverBridged,
    pcFailed,
    notConnected,
    notConnectedStates: media1.notConnected,
    mediaConnectMs: { ...connectMs, p99UpToMs: bucketQuantile(connectMs, 0.99) },
    slowConnect,
    connectWaitS: round(connectWaitS, 1),
    records: newOutcomes,
    setupInviteInToOperatorInvite: latency(toOperator),
    sample: {
      seconds: round(elapsedMs / 1000, 1),
      nodeCpuPct: pct((cpu.user + cpu.system) / 1000),
      nodeCpuPctPer100Calls: per100((cpu.user + cpu.system) / 1000),
      rtpengineCpuPct: pct(rtpengineCpuMs),
      rtpengineCpuPctPer100Calls: per100(rtpengineCpuMs),
      generatorCpuPct: pct(fleetCpuMs),
      generatorCpuPctPer100Calls: per100(fleetCpuMs),
      nodeRssMaxMb: mb(nodeRssMax),
      rtpengineRssMaxMb: mb(rtpengineRssMax),
      generatorRssMaxMb: mb(fleetRssMax),
      // The histogram records whole 1 ms timer intervals: the delay is what exceeds the 1 ms.
      eventLoopDelayP99Ms: round(Math.max(0, loop.percentile(99) / 1e6 - 1), 1),
      eventLoopDelayMaxMs: round(Math.max(0, loop.max / 1e6 - 1), 1),
      operatorRtpOutPerS: Math.round((sent / elapsedMs) * 1000),
      // Of the frames the operators' microphones were due to send (50/s per call up), the share sent.
      offeredPct,
      operatorRtpInPerS: Math.round((received / elapsedMs) * 1000),
      operatorEchoedBackPerS: Math.round((echoed / elapsedMs) * 1000),
      // Of the packets that reached the operators, the share their SRTP receiver decrypted and authenticated.
      decryptedPct: received > 0 ? round((decrypted / received) * 100, 2) : Number.NaN,
      // Datagrams dropped at full socket receive buffers during the sample, by the process owning the socket.
      udpDrops: Object.fromEntries(Object.entries(drops1).map(([k, v]) => [k, v - (drops0[k] ?? 0)])),
    },
    rtpengineSessionsAtEnd: sessions,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

/** Per-key counts added between two cumulative readings (the fleets count codecs, roles and profiles over all calls). */
function countsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v !== 0));
}
