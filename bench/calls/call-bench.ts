/**
 * Shared rig of the call-path benchmarks: the real call side of Hotline on free ports (tests/support/hotline-harness:
 * PGlite, a supervised rtpengine, SIP on UDP), one queue "Bench" (wrap-up 0) behind number 1000, N operators
 * auto-answering from child processes (operator-fleet.ts: DTLS-SRTP legs by default, BENCH_LEGS=rtp for plain RTP;
 * BENCH_FLEETS child processes, default 1), SIPp as the trunk (trunk-call.xml, -rtp_echo), and the controller's
 * onTiming probe collecting each call's setup milestones. Everything on 127.0.0.1.
 *
 * BENCH_INJECT_DTMF=1 adds the `inject-DTMF` flag to every offer and answer Hotline sends rtpengine (wrapped in this
 * process, the server code is unchanged), as every call had it before it became on-demand (the first keypad digit,
 * see MediaBridge.sendDtmf): it shows what rtpengine's decode/re-encode for DTMF injection costs.
 * Without the flag (the default now) rtpengine forwards SIPp's echo unchanged, i.e. with the operator's OWN SSRC:
 * the operators count packets at their socket from the clear RTP header (webrtc-operator.ts), so the echo is
 * recognised by its SSRC, and what their SRTP receiver decrypted is reported apart (`rtpDecrypted`).
 * BENCH_FLEET_PROF=<dir> writes a V8 CPU profile of each operator fleet there (where the generator's CPU goes).
 *
 * rtpengine's port range: BENCH_RTP_PORTS="min-max"; by default 30000-39999, or, when HOTLINE_TEST_RTP_SHIFT is set
 * (parallel test runs on one machine), the 1,500 ports tests/support/net.ts gives this checkout (about 200 calls).
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { callRecords } from "../../db/schema";
import type { CallTiming } from "../../server/calls/call-controller";
import type { BencodeDict } from "../../server/media/bencode";
import type { NgClient } from "../../server/media/ng-client";
import { startHarness, type Harness } from "../../tests/support/hotline-harness";
import { testRtpPort } from "../../tests/support/net";
import { startPostgres } from "../../tests/support/postgres-server";
import { SIPP_SCENARIOS, runSipp } from "../../tests/support/sipp";
import { percentile, round } from "../queue/bench-stats";
import type { FleetStats, LegKind } from "./operator-fleet";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface CallSetup {
  invite?: number;
  answered?: number;
  /** The queue engine's first offer of the call to an operator. */
  operatorOffered?: number;
  /** The first INVITE to an operator. */
  operatorInvite?: number;
}

export interface SippRun {
  code: number;
  created: number;
  successful: number;
  failed: number;
  /** Trunk-side INVITE -> 200 OK response times (SIPp's rtd, ms, one per answered call). */
  responseTimesMs: number[];
  tail: string;
}

/** BENCH_DB=postgres: a throwaway PostgreSQL (tests/support/postgres-server, fsync off) instead of embedded PGlite. */
export const BENCH_DB = process.env.BENCH_DB === "postgres" ? "postgres" : "pglite";

/** The operators' legs: BENCH_LEGS=rtp for plain RTP, else what Chromium negotiates. */
export const BENCH_LEGS: LegKind = process.env.BENCH_LEGS === "rtp" ? "rtp" : "dtls-srtp";

/** True with BENCH_INJECT_DTMF=1: every offer and answer reaches rtpengine with `inject-DTMF`. */
export const BENCH_INJECT_DTMF = process.env.BENCH_INJECT_DTMF === "1";

/** Child processes the operators are spread over (the load generator may need more than one core's worth). */
const BENCH_FLEETS = Math.max(1, Number(process.env.BENCH_FLEETS ?? 1));

function rtpPorts(): { min: string; max: string } {
  const given = /^(\d+)-(\d+)$/.exec(process.env.BENCH_RTP_PORTS ?? "");
  if (given) return { min: given[1]!, max: given[2]! };
  if (process.env.HOTLINE_TEST_RTP_SHIFT) return { min: String(testRtpPort(20000)), max: String(testRtpPort(21499)) };
  return { min: "30000", max: "39999" };
}

export interface TrunkCallsOptions {
  calls: number;
  rate: number;
  limit: number;
  holdMs: number;
  timeoutS: number;
  scenario?: string;
  values?: Record<string, string>;
  /**
   * SIPp processes sharing the calls (default 1; BENCH_TRUNKS overrides): SIPp echoes every call's RTP through one
   * socket and one thread, whose 208 kB receive buffer (net.core.rmem_default) overflows when a busy 2-core machine
   * leaves the thread unscheduled for ~25 ms at 200 calls (measured: `udpDrops.trunk`). Several trunks each get
   * their own socket, buffer and thread, as several carrier links would.
   */
  trunks?: number;
}

export interface CallBench {
  harness: Harness;
  /** Setup milestones by trunk Call-ID, from CallController.onTiming. */
  timings: Map<string, CallSetup>;
  /** Also told every milestone (setup-phases.ts). */
  onTiming?: (timing: CallTiming) => void;
  fleetStats(): Promise<FleetStats>;
  /**
   * Runs SIPp's trunk-call.xml (or `scenario`, a file beside this one, with `[[key]]` replaced by `values`): `calls`
   * calls, at most `limit` at a time, `rate` new calls a second, held `holdMs`.
   */
  trunkCalls(options: TrunkCallsOptions): Promise<SippRun>;
  /** Call records by outcome, the ground truth. */
  outcomes(): Promise<Record<string, number>>;
  /** Records still in progress. */
  openCalls(): Promise<number>;
  rtpengine(): { pid: number | undefined; sessions(): Promise<number> };
  /** The operator fleets' process ids (their CPU is the load generator's, not the server's). */
  fleetPids: number[];
  legs: LegKind;
  stop(): Promise<void>;
}

/**
 * Starts the rig. `talkMs` > 0: each operator hangs up that long after answering (a queue drains); `wrapUpS` is the
 * queue's wrap-up (default 0); `queue` adds `queue set` options (e.g. announcements) to the Bench queue.
 */
export async function startCallBench(options: { operators: number; talkMs?: number; queueOptions?: string[] }): Promise<CallBench> {
  // Each call holds ~6 rtpengine ports (trunk, queue placeholder and operator branch, RTP + RTCP): a wide range.
  const postgres = BENCH_DB === "postgres" ? await startPostgres() : undefined;
  let harness: Harness;
  const ports = rtpPorts();
  try {
    harness = await startHarness({ RTP_PORT_MIN: ports.min, RTP_PORT_MAX: ports.max, ...(postgres && { DATABASE_URL: postgres.url }) });
  } catch (error) {
    await postgres?.stop();
    throw error;
  }
  const fleets: ChildProcess[] = [];
  try {
    await harness.cli("queue", "add", "Bench");
    await harness.cli("queue", "set", "Bench", "--wrap-up", "0", ...(options.queueOptions ?? []));
    await harness.cli("number", "add", "1000", "--queue", "Bench");
    const operators: Array<{ username: string; token: string }> = [];
    for (let i = 0; i < options.operators; i += 4) {
      const batch = Array.from({ length: Math.min(4, options.operators - i) }, async (_, k) => {
        const username = `bench${i + k}`;
        const password = `${username}-password`;
        await harness.cli("user", "add", username, "--role", "operator", "--password", password);
        await harness.cli("queue", "member", "Bench", username);
        const login = await harness.hotline.services.auth.login({ username, password, address: "127.0.0.1" });
        if (!login.ok) throw new Error(`login failed for ${username}`);
        return { username, token: login.token };
      });
      operators.push(...(await Promise.all(batch)));
    }
    const ask = <T>(child: ChildProcess, message: object, answer: string, timeoutMs = 300_000) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`operator fleet: no ${answer} within ${timeoutMs} ms`)), timeoutMs);
        const onExit = () => {
          clearTimeout(timer);
          child.off("message", onMessage);
          reject(new Error(`operator fleet ${child.pid} exited (code ${child.exitCode})`));
        };
        const onMessage = (reply: { type: string; error?: string }) => {
          if (reply.type !== answer && reply.type !== "error") return;
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
          if (reply.type === "error") reject(new Error(`operator fleet: ${reply.error}`));
          else resolve(reply as T);
        };
        child.on("message", onMessage);
        if (!child.connected) return onExit();
        child.once("exit", onExit);
        child.send(message);
      });
    const shards = Array.from({ length: Math.min(BENCH_FLEETS, operators.length) }, (_, k) => operators.filter((_, i) => i % BENCH_FLEETS === k));
    for (let k = 0; k < shards.length; k++) {
      const child = fork(path.join(HERE, "operator-fleet.ts"), [], { execArgv: ["--import", "tsx", ...(process.env.BENCH_FLEET_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_FLEET_PROF}`] : [])], stdio: ["ignore", "inherit", "inherit", "ipc"] });
      // A fleet that died must fail the benchmark through `ask`, not crash this process with an IPC error.
      child.on("error", () => {});
      fleets.push(child);
    }
    await Promise.all(
      fleets.map((child, k) => ask(child, { type: "start", baseUrl: harness.hotline.url, operators: shards[k], legs: BENCH_LEGS, talkMs: options.talkMs ?? 0 }, "ready")),
    );

    const timings = new Map<string, CallSetup>();
    const extra: { onTiming?: (timing: CallTiming) => void } = {};
    harness.hotline.telephony!.controller.onTiming = (t: CallTiming) => {
      extra.onTiming?.(t);
      const entry = timings.get(t.sipCallId) ?? {};
      if (t.phase === "invite-received") entry.invite ??= t.at;
      else if (t.phase === "trunk-answered") entry.answered ??= t.at;
      else if (t.phase === "operator-offered") entry.operatorOffered ??= t.at;
      else entry.operatorInvite ??= t.at;
      timings.set(t.sipCallId, entry);
    };
    const db = harness.hotline.services.database.db;
    const instance = harness.hotline.telephony!.pool.instances[0]!;
    if (BENCH_INJECT_DTMF) withInjectDtmf(instance.client);

    return {
      harness,
      timings,
      set onTiming(listener: ((timing: CallTiming) => void) | undefined) {
        extra.onTiming = listener;
      },
      fleetStats: async () => mergeStats(await Promise.all(fleets.map((child) => ask<FleetStats>(child, { type: "stats" }, "stats", 30_000)))),
      trunkCalls: (o) => trunkCalls(harness.sipTarget, o),
      async outcomes() {
        const counts: Record<string, number> = {};
        for (const row of await db.select({ outcome: callRecords.outcome }).from(callRecords)) counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
        return counts;
      },
      async openCalls() {
        const rows = await db.select({ outcome: callRecords.outcome, endedAt: callRecords.endedAt }).from(callRecords);
        return rows.filter((r) => r.outcome === "in_progress" || r.endedAt === null).length;
      },
      fleetPids: fleets.map((child) => child.pid!),
      legs: BENCH_LEGS,
      rtpengine: () => ({ pid: instance.status().pid, sessions: async () => (await instance.client.list()).length }),
      async stop() {
        await Promise.all(fleets.map(stopFleet));
        await harness.stop();
        await postgres?.stop();
      },
    };
  } catch (error) {
    for (const child of fleets) child.kill();
    await harness.stop();
    await postgres?.stop();
    throw error;
  }
}

/** Adds `inject-DTMF` to the flags of every offer and answer sent through `client` (see BENCH_INJECT_DTMF). */
function withInjectDtmf(client: NgClient): void {
  const add = <T extends { options?: BencodeDict }>(params: T): T => {
    const flags = Array.isArray(params.options?.["flags"]) ? params.options["flags"] : [];
    return flags.includes("inject-DTMF") ? params : { ...params, options: { ...params.options, flags: [...flags, "inject-DTMF"] } };
  };
  const offer = client.offer.bind(client);
  const answer = client.answer.bind(client);
  client.offer = (params) => offer(add(params));
  client.answer = (params) => answer(add(params));
}

async function stopFleet(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.send({ type: "stop" });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }
  child.kill();
}

function mergeStats(all: FleetStats[]): FleetStats {
  const sum = (f: (s: FleetStats) => number) => all.reduce((n, s) => n + f(s), 0);
  const merge = (f: (s: FleetStats) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const s of all) for (const [k, v] of Object.entries(f(s))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return {
    operators: sum((s) => s.operators),
    inCall: sum((s) => s.inCall),
    offers: sum((s) => s.offers),
    offersMin: Math.min(...all.map((s) => s.offersMin)),
    offersMax: Math.max(...all.map((s) => s.offersMax)),
    rtpSent: sum((s) => s.rtpSent),
    rtpReceived: sum((s) => s.rtpReceived),
    echoedBack: sum((s) => s.echoedBack),
    rtpDecrypted: sum((s) => s.rtpDecrypted),
    rtpExpected: sum((s) => s.rtpExpected),
    connected: sum((s) => s.connected),
    pcFailed: sum((s) => s.pcFailed),
    codecs: merge((s) => s.codecs),
    dtlsRoles: merge((s) => s.dtlsRoles),
    srtpProfiles: merge((s) => s.srtpProfiles),
    connectMs: merge((s) => s.connectMs),
    inCallConnected: sum((s) => s.inCallConnected),
    notConnected: merge((s) => s.notConnected),
    hangups: sum((s) => s.hangups),
  };
}

/** Trunk calls over `o.trunks` SIPp processes (BENCH_TRUNKS overrides), each with its share of calls, rate and limit. */
async function trunkCalls(target: string, o: TrunkCallsOptions): Promise<SippRun> {
  const trunks = Math.max(1, Math.min(o.limit, Number(process.env.BENCH_TRUNKS ?? o.trunks ?? 1)));
  if (trunks === 1) return oneTrunk(target, o);
  const share = (total: number, i: number) => Math.floor(total / trunks) + (i < total % trunks ? 1 : 0);
  const runs = await Promise.all(
    Array.from({ length: trunks }, (_, i) => oneTrunk(target, { ...o, calls: share(o.calls, i), limit: share(o.limit, i), rate: o.rate / trunks })),
  );
  return {
    code: runs.find((r) => r.code !== 0)?.code ?? 0,
    created: runs.reduce((s, r) => s + r.created, 0),
    successful: runs.reduce((s, r) => s + r.successful, 0),
    failed: runs.reduce((s, r) => s + r.failed, 0),
    responseTimesMs: runs.flatMap((r) => r.responseTimesMs),
    tail: runs.map((r) => r.tail).filter((t) => t.trim() !== "").join("\n").slice(-1500),
  };
}

async function oneTrunk(target: string, o: TrunkCallsOptions): Promise<SippRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-bench-sipp-"));
  // -trace_rtt writes <scenario name>_<pid>_rtt.csv into the working directory: a unique name finds (and removes) it.
  const name = path.basename(dir);
  const rttFiles = () => readdirSync(process.cwd()).filter((f) => f.startsWith(`${name}_`) && f.endsWith("_rtt.csv"));
  try {
    const scenario = path.join(dir, `${name}.xml`);
    let xml = readFileSync(path.join(HERE, o.scenario ?? "trunk-call.xml"), "utf8");
    for (const [key, value] of Object.entries(o.values ?? {})) xml = xml.replaceAll(`[[${key}]]`, value);
    writeFileSync(scenario, xml);
    const statFile = path.join(dir, "stat.csv");
    const result = await runSipp(path.relative(SIPP_SCENARIOS, scenario), target, {
      calls: o.calls,
      rate: o.rate,
      limit: o.limit,
      holdMs: o.holdMs,
      timeoutS: o.timeoutS,
      extra: ["-rtp_echo", "-trace_stat", "-stf", statFile, "-fd", "1", "-trace_rtt", "-rtt_freq", "1"],
    });
    const stat = lastCsvRow(statFile);
    const responseTimesMs = rttFiles()
      .flatMap((f) => readFileSync(f, "utf8").split("\n").slice(1))
      .map((line) => Number(line.split(";")[1]))
      .filter((v) => Number.isFinite(v) && v > 0);
    return {
      code: result.code,
      created: Number(stat["TotalCallCreated"] ?? Number.NaN),
      successful: Number(stat["SuccessfulCall(C)"] ?? Number.NaN),
      failed: Number(stat["FailedCall(C)"] ?? Number.NaN),
      responseTimesMs,
      tail: (result.stdout + result.stderr).slice(-1500),
    };
  } finally {
    for (const f of rttFiles()) rmSync(f, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

function lastCsvRow(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const header = lines[0]?.split(";") ?? [];
  const last = lines.at(-1)?.split(";") ?? [];
  return Object.fromEntries(header.map((h, i) => [h, last[i] ?? ""]));
}

/** p50/p95/p99/max of a sample, in ms. */
export function latency(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50Ms: round(percentile(sorted, 0.5), 2),
    p95Ms: round(percentile(sorted, 0.95), 2),
    p99Ms: round(percentile(sorted, 0.99), 2),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 2),
  };
}

/** Setup intervals of the calls that reached each milestone. */
export function setupIntervals(timings: Map<string, CallSetup>) {
  const toOperator: number[] = [];
  const toAnswer: number[] = [];
  // The caller joins the queue right after the trunk's 200 OK: from there to the operator's INVITE is the
  // queue's decision plus the operator leg's media offer.
  const queueToOperator: number[] = [];
  for (const t of timings.values()) {
    if (t.invite === undefined) continue;
    if (t.operatorInvite !== undefined) toOperator.push(t.operatorInvite - t.invite);
    if (t.answered !== undefined) toAnswer.push(t.answered - t.invite);
    if (t.answered !== undefined && t.operatorInvite !== undefined) queueToOperator.push(t.operatorInvite - t.answered);
  }
  return { toOperator, toAnswer, queueToOperator };
}

export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU time (ms, user + system) and resident memory (bytes) of another process, from /proc. */
export function procUsage(pid: number): { cpuMs: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after "(comm)": state is field 3, utime 14, stime 15 (clock ticks, 100 a second on Linux).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);
  return { cpuMs: ticks * (1000 / CLOCK_TICKS), rssBytes: rssKb * 1024 };
}

const CLOCK_TICKS = 100;

/** This process's children whose command name is `comm` (e.g. "sipp"), from /proc. */
export function childPids(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (name === comm && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Datagrams the kernel dropped because a UDP socket's receive buffer was full (the `drops` column of
 * /proc/net/udp, cumulative per socket), summed per owner: each named process's sockets, and `other` for the rest
 * (SIPp's, in the call benchmarks). Sockets closed since an earlier reading take their counts with them, so compare
 * readings taken while the calls are up.
 */
export function udpDrops(owners: Record<string, number[]>): Record<string, number> {
  const ownerOfInode = new Map<string, string>();
  for (const [name, pids] of Object.entries(owners)) {
    for (const pid of pids) {
      let fds: string[] = [];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue; // the process is gone
      }
      for (const fd of fds) {
        try {
          const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
          if (link.startsWith("socket:[")) ownerOfInode.set(link.slice(8, -1), name);
        } catch {
          // closed meanwhile
        }
      }
    }
  }
  const drops: Record<string, number> = Object.fromEntries([...Object.keys(owners), "other"].map((k) => [k, 0]));
  for (const line of readFileSync("/proc/net/udp", "utf8").trim().split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const owner = ownerOfInode.get(fields[9] ?? "") ?? "other";
    drops[owner] = (drops[owner] ?? 0) + Number(fields.at(-1));
  }
  return drops;
}

let collect: (() => void) | undefined;

/** A full garbage collection (V8's gc exposed at run time), so memory figures are what is still referenced. */
export function forceGc(): void {
  if (!collect) {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
  }
  collect();
}

/** Active timers of this process (setTimeout/setInterval handles), from Node's own resource list. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}
