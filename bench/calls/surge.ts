/**
 * A surge after an announcement on radio: SURGE_CALLS callers (default 1000) arrive at SURGE_RATE calls/s (default
 * 50) at number 1000, one queue served by SURGE_OPERATORS operators (default 20, DTLS-SRTP legs) who each talk
 * SURGE_TALK_MS (default 1000) and hang up. Hotline answers every caller at once (greeting, then hold music, the
 * queue's "still busy" announcement every SURGE_PERIODIC_S s, default 10); a caller waits until Hotline hangs up
 * after its operator's BYE, or gives up after SURGE_WAIT_S s (default 180) (surge-caller.xml).
 *
 * Reported (one JSON line, name "calls/surge"):
 * - failed: SIP failures (SIPp's failed calls) + callers Hotline did not answer; setupP99Ms: trunk INVITE in -> our
 *   200 OK out (CallController.onTiming), SIPp's INVITE -> 200 beside it;
 * - eventLoopP99Ms / max over the whole surge (this process is the server; operators and SIPp run elsewhere);
 * - announcements: every `play media` Hotline sent rtpengine is recorded (the ng client's playMedia, wrapped in this
 *   process); lateness of hold music after the greeting's end and of each periodic announcement after its period;
 * - servedInOrder: callers offered to an operator (the queue engine's offer) in the order their INVITEs arrived;
 *   outOfOrder counts callers offered before someone who called earlier and was already waiting; invitesOutOfOrder
 *   the same for the operator INVITEs' departures (after each offer's rtpengine round trip);
 * - memory: heap used and RSS after a full GC before the surge, peak RSS, and after it (all calls ended, this bench's
 *   own figures dropped, GC): 2 s after, and SURGE_SETTLE_S s after (default 35: SIP keeps finished transactions 32 s
 *   on UDP); the growth of V8's code space (compiled code, inside heap used) apart.
 *
 * Run: npm run bench calls/surge   (SURGE_CALLS=60 SURGE_RATE=20 SURGE_OPERATORS=5 for a quick check;
 * SURGE_HEAP_SNAPSHOTS=<dir> writes heap snapshots at the baseline and after the settle)
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { eq } from "drizzle-orm";
import { queues } from "../../db/schema";
import { round } from "../queue/bench-stats";
import { tracePhases } from "./setup-phases";
import { BENCH_DB, type CallSetup, forceGc, latency, procUsage, setupIntervals, startCallBench, waitUntil } from "./call-bench";

const CALLS = Number(process.env.SURGE_CALLS ?? 1000);
const RATE = Number(process.env.SURGE_RATE ?? 50);
const OPERATORS = Number(process.env.SURGE_OPERATORS ?? 20);
const TALK_MS = Number(process.env.SURGE_TALK_MS ?? 1000);
const PERIODIC_S = Number(process.env.SURGE_PERIODIC_S ?? 10);
const WAIT_S = Number(process.env.SURGE_WAIT_S ?? 180);
/** How long after the last call the memory is measured again (SURGE_SETTLE_S, default 35: past SIP's 32 s timers). */
const SETTLE_S = Number(process.env.SURGE_SETTLE_S ?? 35);
/** SURGE_HEAP_SNAPSHOTS=<dir>: V8 heap snapshots there at the baseline and after the settle (to see what stayed). */
const HEAP_SNAPSHOTS = process.env.SURGE_HEAP_SNAPSHOTS;

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Length of a canonical WAV file (44-byte header), ms. */
function wavMs(file: string): number {
  const header = Buffer.alloc(44);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, 44, 0);
  } finally {
    closeSync(fd);
  }
  return ((statSync(file).size - 44) / header.readUInt32LE(28)) * 1000;
}

/** V8's code space in use (bytes): compiled code, counted in heapUsed. */
function codeSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === "code_space")?.space_used_size ?? 0;
}

/**
 * Callers passed over: in `arrivals` (the callers in the order their INVITEs arrived), how many callers `at` reached
 * before someone who called earlier and was already waiting in the queue then (answered by Hotline), and by how much
 * at most (ms). A caller whose own media set-up was not done yet could not be offered: not counted.
 */
function inversions(arrivals: readonly CallSetup[], at: (t: CallSetup) => number | undefined): { count: number; maxMs: number } {
  let count = 0;
  let maxMs = 0;
  arrivals.forEach((later, i) => {
    const reached = at(later);
    if (reached === undefined) return;
    let passedOver = 0;
    for (const earlier of arrivals.slice(0, i)) {
      const earlierReached = at(earlier);
      if (earlier.answered === undefined || earlier.answered > reached || earlierReached === undefined || earlierReached <= reached) continue;
      passedOver = Math.max(passedOver, earlierReached - reached);
    }
    if (passedOver > 0) {
      count += 1;
      maxMs = Math.max(maxMs, passedOver);
    }
  });
  return { count, maxMs };
}

export async function main(): Promise<void> {
  const started = Date.now();
  const bench = await startCallBench({ operators: OPERATORS, talkMs: TALK_MS });
  try {
    const { hotline } = bench.harness;
    await hotline.services.database.db.update(queues).set({ periodicAnnounceEveryS: PERIODIC_S }).where(eq(queues.name, "Bench"));
    await hotline.telephony!.syncQueues();

    // Every sound Hotline asks rtpengine to play, by rtpengine call id.
    const plays = new Map<string, Array<{ sound: string; at: number; durationMs: number | undefined }>>();
    const client = hotline.telephony!.pool.instances[0]!.client;
    const playMedia = client.playMedia.bind(client);
    client.playMedia = async (params) => {
      const at = performance.now();
      const result = await playMedia(params);
      const file = "file" in params.source ? params.source.file : undefined;
      const sound = file ? basename(file, ".wav") : "other";
      const list = plays.get(params.callId) ?? [];
      // rtpengine 10.5 reports the duration of a file; else its data bytes over the WAV header's byte rate (offset 28).
      list.push({ sound, at, durationMs: result.durationMs ?? (file && existsSync(file) ? wavMs(file) : undefined) });
      plays.set(params.callId, list);
      return result;
    };

    const phases = tracePhases(client, hotline.telephony!.controller.records);
    bench.onTiming = (t) => phases.timing(t);

    // Warm-up: a few calls through the whole path, then the baseline.
    await bench.trunkCalls({ calls: Math.min(5, OPERATORS), rate: 5, limit: OPERATORS, holdMs: 0, timeoutS: 60, scenario: "surge-caller.xml", values: { waitMs: "30000" } });
    await waitUntil("warm-up calls to close", async () => (await bench.openCalls()) === 0, 30_000);
    plays.clear();
    phases.clear();
    bench.timings.clear();
    const outcomes0 = await bench.outcomes();
    await new Promise((r) => setTimeout(r, 2_000));
    forceGc();
    const baseline = process.memoryUsage();
    const codeBaseline = codeSpaceBytes();
    if (HEAP_SNAPSHOTS) writeHeapSnapshot(join(HEAP_SNAPSHOTS, "surge-baseline.heapsnapshot"));

    const loop = monitorEventLoopDelay({ resolution: 1 });
    const cpu0 = process.cpuUsage();
    const rtpenginePid = bench.rtpengine().pid!;
    const rtp0 = procUsage(rtpenginePid).cpuMs;
    const fleetCpu = () => bench.fleetPids.reduce((sum, pid) => sum + procUsage(pid).cpuMs, 0);
    const fleet0 = fleetCpu();
    const t0 = performance.now();
    loop.enable();
    let rssPeak = 0;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 500);
    const sipp = await bench.trunkCalls({
      calls: CALLS,
      rate: RATE,
      limit: CALLS,
      holdMs: 0,
      timeoutS: Math.ceil(CALLS / RATE + WAIT_S + 60),
      scenario: "surge-caller.xml",
      values: { waitMs: String(WAIT_S * 1000) },
    });
    const surgeS = (performance.now() - t0) / 1000;
    loop.disable();
    clearInterval(sampler);
    const cpu = process.cpuUsage(cpu0);
    const rtpengineCpuMs = procUsage(rtpenginePid).cpuMs - rtp0;
    const generatorCpuMs = fleetCpu() - fleet0;

    await waitUntil("every call record to close", async () => (await bench.openCalls()) === 0, 60_000).catch(() => {});
    let sessions = await bench.rtpengine().sessions();
    await waitUntil("rtpengine to drop every session", async () => (sessions = await bench.rtpengine().sessions()) === 0, 30_000).catch(() => {});
    const outcomes1 = await bench.outcomes();
    const outcomes = Object.fromEntries(Object.entries(outcomes1).map(([k, v]) => [k, v - (outcomes0[k] ?? 0)]).filter(([, v]) => v !== 0));

    // Setup and order, from the controller's milestones.
    const { toAnswer } = setupIntervals(bench.timings);
    const arrivals = [...bench.timings.values()].filter((t) => t.invite !== undefined).sort((a, b) => a.invite! - b.invite!);
    const offers = inversions(arrivals, (t) => t.operatorOffered);
    const invites = inversions(arrivals, (t) => t.operatorInvite);
    const served = arrivals.filter((t) => t.operatorInvite !== undefined).length;
    const answered = arrivals.filter((t) => t.answered !== undefined).length;

    // Announcements: music after the greeting's end, periodic after its period.
    const musicLate: number[] = [];
    const periodicLate: number[] = [];
    let greetings = 0;
    for (const list of plays.values()) {
      const greeting = list.find((p) => p.sound === "greeting");
      if (greeting) greetings += 1;
      const music = list.find((p) => p.sound === "hold-music");
      if (greeting?.durationMs !== undefined && music) musicLate.push(music.at - greeting.at - greeting.durationMs);
      const periodic = list.filter((p) => p.sound === "periodic");
      // The first periodic is due PERIODIC_S after the caller entered the queue (≈ the greeting's start).
      let previous = greeting?.at;
      for (const p of periodic) {
        if (previous !== undefined) periodicLate.push(p.at - previous - PERIODIC_S * 1000);
        previous = p.at;
      }
    }

    // What this bench kept of the surge goes before memory is read: only the server's own memory is measured.
    const setup = latency(toAnswer);
    const setupPhases = phases.report();
    const eventLoop = { p99: loop.percentile(99), max: loop.max };
    plays.clear();
    phases.clear();
    bench.timings.clear();
    arrivals.length = 0;
    loop.reset();
    await new Promise((r) => setTimeout(r, 2_000));
    forceGc();
    const soon = process.memoryUsage();
    // SIP keeps each finished transaction 64*T1 = 32 s on UDP (RFC 3261 §17.2.1 Timer L, §17.2.2 Timer J) to absorb
    // retransmissions: what the surge left is only gone after that.
    await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
    forceGc();
    const after = process.memoryUsage();
    const codeAfter = codeSpaceBytes();
    if (HEAP_SNAPSHOTS) writeHeapSnapshot(join(HEAP_SNAPSHOTS, "surge-after.heapsnapshot"));
    const fleet = await bench.fleetStats();

    const sippFailed = Number.isNaN(sipp.failed) ? CALLS : sipp.failed;
    console.log(
      JSON.stringify({
        name: "calls/surge",
        calls: CALLS,
        failed: sippFailed + (CALLS - answered),
        setupP99Ms: setup.p99Ms,
        eventLoopP99Ms: round(Math.max(0, eventLoop.p99 / 1e6 - 1), 1),
        eventLoopMaxMs: round(Math.max(0, eventLoop.max / 1e6 - 1), 1),
        legs: bench.legs,
        database: BENCH_DB,
        ratePerS: RATE,
        operators: OPERATORS,
        talkMs: TALK_MS,
        surgeS: round(surgeS, 1),
        sipp: { exitCode: sipp.code, attempted: sipp.created, succeeded: sipp.successful, failed: sipp.failed },
        answeredByHotline: answered,
        servedByOperator: served,
        operatorHangups: fleet.hangups,
        records: outcomes,
        setupInviteInToTrunk200: setup,
        setupPhases,
        trunkSideInviteTo200: latency(sipp.responseTimesMs),
        // The queue's order: callers offered to an operator in the order their INVITEs arrived.
        servedInOrder: offers.count === 0,
        outOfOrder: offers.count,
        maxInversionMs: round(offers.maxMs, 1),
        // The operator INVITEs' departures in the same terms: a few ms apart when two offers were in flight to
        // rtpengine at once and its replies crossed (the queue's order kept); more would mean a step held one back.
        invitesOutOfOrder: invites.count,
        invitesMaxInversionMs: round(invites.maxMs, 1),
        announcements: {
          greetings,
          musicAfterGreetingLateMs: latency(musicLate),
          periodicEveryS: PERIODIC_S,
          periodicPlayed: periodicLate.length,
          periodicLateMs: latency(periodicLate),
        },
        nodeCpuPct: round(((cpu.user + cpu.system) / 1000 / (surgeS * 1000)) * 100, 1),
        rtpengineCpuPct: round((rtpengineCpuMs / (surgeS * 1000)) * 100, 1),
        // The operators' softphones (werift: ICE, DTLS, SRTP in JavaScript) share the machine's cores with the server.
        generatorCpuPct: round((generatorCpuMs / (surgeS * 1000)) * 100, 1),
        memory: {
          heapUsedBaselineMb: mb(baseline.heapUsed),
          heapUsed2sAfterMb: mb(soon.heapUsed),
          settleS: SETTLE_S,
          heapUsedAfterMb: mb(after.heapUsed),
          rssBaselineMb: mb(baseline.rss),
          rssPeakMb: mb(rssPeak),
          rssAfterMb: mb(after.rss),
          // Machine code V8 compiled for the paths the surge made hot (part of heapUsed; not data of the surge).
          codeSpaceGrowthMb: mb(codeAfter - codeBaseline),
          // The heap's data (heapUsed less code) back within 5 % (or 5 MB) of its baseline: nothing of the surge stays
          // referenced.
          heapBackToBaseline:
            after.heapUsed - codeAfter <= (baseline.heapUsed - codeBaseline) * 1.05 ||
            after.heapUsed - codeAfter - (baseline.heapUsed - codeBaseline) < 5 * 2 ** 20,
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
