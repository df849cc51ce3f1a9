/**
 * What the server process's memory consists of, with MEMORY_CALLS bridged calls (default 100, DTLS-SRTP legs). The
 * process is Hotline's call side as the other call benchmarks run it (tests/support/hotline-harness: `web: "none"`,
 * so no Next.js; PGlite; rtpengine and the operators in other processes), under tsx like `npm start`.
 *
 * Three points, each after a full GC: modules loaded (before anything starts), idle (database open, rtpengine up,
 * operators registered), and with every call bridged. At each: process.memoryUsage(), and at the last also V8's heap
 * by space, the size of PGlite's WebAssembly memory (its Emscripten HEAPU8), and /proc/self/smaps grouped by mapping
 * (the node binary and shared libraries, malloc's [heap], anonymous mappings, the largest of these listed). One JSON
 * line, name "calls/memory"; sizes in MB.
 *
 * Run: npm run bench calls/memory   (MEMORY_CALLS=20 for a quick check)
 */
import { readFileSync } from "node:fs";
import v8 from "node:v8";
import { pathToFileURL } from "node:url";
import { round } from "../queue/bench-stats";
import { BENCH_DB, forceGc, procUsage, startCallBench, waitUntil } from "./call-bench";

const CALLS = Number(process.env.MEMORY_CALLS ?? 100);
const HOLD_S = Number(process.env.MEMORY_HOLD_S ?? 30);

const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

function usage() {
  forceGc();
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
}

/**
 * RSS of this process's mappings from /proc/self/smaps, grouped (files by name, [heap], [stack], anonymous), and the
 * largest anonymous mappings with their permissions and virtual size: PGlite's WebAssembly memory is the one whose
 * size equals `wasmBytes`; V8's code space (rwx) holds the compiled WebAssembly and JavaScript.
 */
function smaps(wasmBytes: number | undefined) {
  const groups: Record<string, number> = {};
  const anonymous: Array<{ perms: string; sizeMb: number; rssMb: number; what?: string }> = [];
  let name = "";
  let perms = "";
  let sizeKb = 0;
  let anonymousExecutable = 0;
  let anonymousSmall = 0;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      perms = head[1] ?? "";
      name = head[2] ?? "";
      continue;
    }
    const size = /^Size:\s+(\d+) kB/.exec(line);
    if (size) sizeKb = Number(size[1]);
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const bytes = Number(rss[1]) * 1024;
    const group = name === "" ? "anonymous" : name.startsWith("[") ? name : name.split("/").at(-1)!;
    groups[group] = (groups[group] ?? 0) + bytes;
    if (name === "" && perms.includes("x")) anonymousExecutable += bytes;
    else if (name === "" && bytes <= 2 ** 20) anonymousSmall += bytes;
    if (name === "" && bytes > 2 ** 20) {
      const isWasm = wasmBytes !== undefined && sizeKb * 1024 === wasmBytes;
      anonymous.push({ perms, sizeMb: mb(sizeKb * 1024), rssMb: mb(bytes), ...(isWasm && { what: "PGlite WebAssembly memory" }) });
    }
  }
  const sorted = Object.entries(groups).sort((a, b) => b[1] - a[1]);
  const byGroup: Record<string, number> = Object.fromEntries(sorted.slice(0, 6).map(([k, v]) => [k, mb(v)]));
  byGroup["other mappings"] = mb(sorted.slice(6).reduce((s, [, v]) => s + v, 0));
  return {
    byGroup,
    // Executable anonymous mappings: V8's compiled code (JavaScript and WebAssembly).
    anonymousExecutableMb: mb(anonymousExecutable),
    // Anonymous mappings of 1 MB or less resident: mostly V8 heap pages (256 kB each) and thread stacks.
    anonymousSmallMb: mb(anonymousSmall),
    largestAnonymous: anonymous.sort((a, b) => b.rssMb - a.rssMb).slice(0, 8) };
}

export async function main(): Promise<void> {
  const loaded = usage();
  const bench = await startCallBench({ operators: CALLS });
  try {
    await new Promise((r) => setTimeout(r, 2_000));
    const idle = usage();
    const rampS = CALLS / 20;
    const sippRun = bench.trunkCalls({ calls: CALLS, rate: 20, limit: CALLS, holdMs: (rampS + HOLD_S) * 1000, timeoutS: Math.ceil(rampS * 2 + HOLD_S + 60), trunks: Math.ceil(CALLS / 100) });
    let bridged = true;
    await waitUntil("every call to be bridged", async () => (await bench.fleetStats()).inCall === CALLS, (rampS + 20) * 1000).catch(() => (bridged = false));
    await new Promise((r) => setTimeout(r, 3_000));
    const callsUp = (await bench.fleetStats()).inCall;
    const busy = usage();
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, { used: mb(s.space_used_size), size: mb(s.space_size) }]),
    );
    const heap = v8.getHeapStatistics();
    const client = (bench.harness.hotline.services.database.db as unknown as { $client?: { mod?: { HEAPU8?: Uint8Array } } }).$client;
    const pgliteWasm = client?.mod?.HEAPU8?.buffer.byteLength;
    const mappings = smaps(pgliteWasm);
    const rtpengine = procUsage(bench.rtpengine().pid!).rssBytes;
    const sipp = await sippRun;
    console.log(
      JSON.stringify({
        name: "calls/memory",
        calls: CALLS,
        callsUp,
        allBridged: bridged,
        legs: bench.legs,
        database: BENCH_DB,
        web: "none (no Next.js in this process)",
        modulesLoaded: loaded,
        idle,
        withCalls: busy,
        perCallKb: {
          rss: round(((busy.rss - idle.rss) * 1024) / Math.max(1, callsUp), 1),
          heapUsed: round(((busy.heapUsed - idle.heapUsed) * 1024) / Math.max(1, callsUp), 1),
        },
        heapSpaces: spaces,
        heap: { mallocedMb: mb(heap.malloced_memory), peakMallocedMb: mb(heap.peak_malloced_memory), externalMb: mb(heap.external_memory), contexts: heap.number_of_native_contexts },
        pgliteWasmMemoryMb: pgliteWasm === undefined ? null : mb(pgliteWasm),
        rssByMapping: mappings,
        rtpengineRssMb: mb(rtpengine),
        sipp: { exitCode: sipp.code, failed: sipp.failed },
      }),
    );
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
