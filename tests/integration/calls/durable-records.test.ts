/**
 * Durable call records against a real PostgreSQL that is stopped and started during calls (issue 8, items 13 and 14):
 * - a 30 s outage during and between calls (SIPp trunk, scripted operator) loses no record and leaves none
 *   "in progress"; `/api/health` shows the database down, then degraded while the writes catch up;
 * - SIGTERM with live calls while the database is down: new INVITEs get 503, both legs of every call get BYE, every
 *   media session is deleted in rtpengine (checked with rtpengine's own `list`; the ng link is slowed so the deletes
 *   are still on their way when the calls end), and the process exits 0 once the records are flushed;
 * - a database still down at the shutdown deadline: the records wait in DATA_DIR's spill file, and the next start
 *   writes them before it closes calls left open;
 * - the pool's bounds: statement timeout, and a hung server (SIGSTOP) failing queries and connections in time.
 */
import { execFileSync } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { asc, gte, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../db/client";
import { listCallEvents } from "../../../db/queries/calls";
import { sqlState } from "../../../db/queries/errors";
import { callRecords } from "../../../db/schema";
import { stopOnSignals } from "../../../server/boot";
import { createLogger, silentLogger } from "../../../server/logger";
import { RtpengineSupervisor } from "../../../server/media";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { freePort, testRtpPort } from "../../support/net";
import { runSipp } from "../../support/sipp";
import type { TestOperator } from "../../support/test-operator";
import { sleep, waitUntil } from "../../support/wait";

/** A private PostgreSQL server that the test stops and starts with pg_ctl, on the same port and data folder. */
class RestartablePostgres {
  private running = false;

  private constructor(
    private readonly dir: string,
    private readonly port: number,
    private readonly bin: string,
  ) {}

  static async create(): Promise<RestartablePostgres> {
    const root = "/usr/lib/postgresql";
    const version = execFileSync("ls", [root]).toString().trim().split("\n").sort((a, b) => Number(b) - Number(a))[0]!;
    const server = new RestartablePostgres(mkdtempSync(path.join(tmpdir(), "hotline-pg-outage-")), await freePort(), path.join(root, version, "bin"));
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres:postgres", server.dir]);
    server.run("initdb", ["-D", server.data, "-A", "trust", "-U", "postgres", "--no-sync"]);
    server.start();
    return server;
  }

  private get data(): string {
    return path.join(this.dir, "data");
  }

  private run(command: string, args: string[]): void {
    const binary = path.join(this.bin, command);
    // PostgreSQL refuses to run as root: as root, run it as the `postgres` user.
    if (process.getuid?.() === 0) execFileSync("runuser", ["-u", "postgres", "--", binary, ...args], { stdio: "ignore" });
    else execFileSync(binary, args, { stdio: "ignore" });
  }

  url(database = "postgres"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and returns once it accepts connections (pg_ctl -w). */
  start(): void {
    const options = `-p ${this.port} -h 127.0.0.1 -k ${this.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    this.run("pg_ctl", ["-D", this.data, "-l", path.join(this.dir, "log"), "-o", options, "-w", "start"]);
    this.running = true;
  }

  /** Starts the server again if a failed test left it stopped. */
  ensureRunning(): void {
    if (!this.running) this.start();
  }

  /** Fast shutdown: open connections are cut, as when a database server goes down. Returns once it is gone. */
  stop(): void {
    this.run("pg_ctl", ["-D", this.data, "-m", "fast", "-w", "stop"]);
    this.running = false;
  }

  /** The postmaster and every backend, by process id (from postmaster.pid and their parent id). */
  private pids(): number[] {
    const postmaster = Number(readFileSync(path.join(this.data, "postmaster.pid"), "utf8").split("\n")[0]);
    const children = execFileSync("pgrep", ["-P", String(postmaster)]).toString().trim().split("\n").map(Number);
    return [postmaster, ...children];
  }

  /** A hung server: every PostgreSQL process of this server stops (SIGSTOP) until {@link thaw}. */
  freeze(): void {
    for (const pid of this.pids()) process.kill(pid, "SIGSTOP");
  }

  thaw(): void {
    for (const pid of this.pids()) process.kill(pid, "SIGCONT");
  }

  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url() });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    return this.url(name);
  }

  destroy(): void {
    if (this.running) this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let postgres: RestartablePostgres;
beforeAll(async () => {
  postgres = await RestartablePostgres.create();
});
afterEach(() => postgres?.ensureRunning());
afterAll(() => postgres?.destroy());

/** The records of calls that arrived since `since`, oldest first. */
const recordsSince = (harness: Harness, since: Date) =>
  harness.hotline.services.database.db.select().from(callRecords).where(gte(callRecords.arrivedAt, since)).orderBy(asc(callRecords.arrivedAt));

async function databaseHealth(harness: Harness) {
  const report = await harness.hotline.services.health.report();
  return report.parts.database as { ok: boolean; state: string; records: { pending: number; degraded: boolean } };
}

describe("the PostgreSQL pool's bounds", () => {
  it("cancels a statement that runs too long, and fails queries and new connections to a hung server within their timeouts", async () => {
    const timeouts = { statement_timeout: 300, query_timeout: 800, connectionTimeoutMillis: 400 };
    const database = await openDatabase({ kind: "postgres", url: await postgres.createDatabase("bounds"), timeouts });
    try {
      let started = Date.now();
      const slow = await database.db.execute(sql`select pg_sleep(3)`).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(sqlState(slow)).toBe("57014"); // query_canceled, by statement_timeout
      expect(Date.now() - started).toBeLessThan(2_000);

      postgres.freeze();
      started = Date.now();
      // Two at once: one on the pooled connection (no answer: query_timeout), one on a new connection (connect timeout).
      const results = await Promise.allSettled([database.ping(), database.ping()]);
      expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      postgres.thaw();
      await database.close();
    }
  });

  it("a connection lost while a transaction holds it fails that transaction, not the process", async () => {
    const database = await openDatabase({ kind: "postgres", url: await postgres.createDatabase("lost_connection") });
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", record);
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    try {
      const outcome = await database.db
        .transaction(async (tx) => {
          const { rows } = (await tx.execute(sql`select pg_backend_pid() as pid`)) as unknown as { rows: { pid: number }[] };
          // The server ends this session while the client sits checked out between two statements.
          await admin.query("select pg_terminate_backend($1)", [rows[0]!.pid]);
          await sleep(300);
          await tx.execute(sql`select 1`);
        })
        .then(
          () => "committed",
          (error: unknown) => String(error),
        );
      expect(outcome).not.toBe("committed");
      expect(uncaught).toEqual([]);
      await database.ping(); // the pool replaced the lost connection
    } finally {
      process.off("uncaughtException", record);
      await admin.end();
      await database.close();
    }
  });
  // Drizzle's `transaction` sends `begin` before its try/finally: a connection lost at that moment left the client
  // checked out for ever (each loss shrank the pool by one, and closing waited for it until its 3 s bound). A proxy
  // between the pool and the server cuts the connection as `begin` goes out: by a FIN (the server went away cleanly)
  // and by a RST (a crashed host).
  for (const cut of ["end", "reset"] as const) {
    it(`a connection lost (${cut}) as a transaction begins goes back to the pool, and closing does not wait for it`, async () => {
      const target = new URL(await postgres.createDatabase(`lost_at_begin_${cut}`));
      let cutNext = false;
      const proxy = net.createServer((client) => {
        const server = net.connect(Number(target.port), target.hostname);
        client.on("data", (chunk) => {
          if (!cutNext) return void server.write(chunk);
          cutNext = false;
          server.destroy();
          if (cut === "reset") client.resetAndDestroy();
          else client.end();
        });
        server.on("data", (chunk) => client.write(chunk));
        for (const socket of [client, server]) socket.on("error", () => {});
        server.on("close", () => client.destroy());
        client.on("close", () => server.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      const url = new URL(target);
      url.port = String((proxy.address() as net.AddressInfo).port);
      const database = await openDatabase({ kind: "postgres", url: url.toString() });
      try {
        await database.ping(); // one idle pooled connection: the transaction takes it, and `begin` is its next bytes
        cutNext = true;
        const outcome = await database.db.transaction(async () => {}).then(
          () => "committed",
          (error: unknown) => String(error),
        );
        expect(outcome).toMatch(/begin|terminated|ECONNRESET/i);
        await database.ping();
      } finally {
        const started = Date.now();
        await database.close();
        // Nothing is still checked out: the pool ends at once instead of after close()'s 3 s bound.
        expect(Date.now() - started).toBeLessThan(1_000);
        proxy.close();
      }
    });
  }
});

describe("call records through a PostgreSQL outage", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ DATABASE_URL: await postgres.createDatabase("outage") });
    await harness.cli("queue", "add", "Support");
    await harness.cli("number", "add", "1000", "--queue", "Support");
  }, 60_000);
  afterAll(() => harness?.stop());

  it("a database down for 30 s during calls loses no record and leaves none in progress", async () => {
    const operator = await harness.operator("nadia");
    await harness.cli("queue", "member", "Support", "nadia");
    await operator.goAvailable();
    const since = new Date();

    // A call answered while the database is up, which ends while it is down.
    const spanning = runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { holdMs: 5000, timeoutS: 60 });
    await waitUntil("the first call answered and recorded", () => recordsSince(harness, since), (rows) => rows[0]?.answeredAt != null);
    const downAt = Date.now();
    postgres.stop();

    // Calls that start and end while the database is down.
    const during = await runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { calls: 3, limit: 1, rate: 1, holdMs: 1500, timeoutS: 60 });
    expect(during.code, during.stdout.slice(-1500) + during.stderr).toBe(0);
    const first = await spanning;
    expect(first.code, first.stdout.slice(-1500) + first.stderr).toBe(0);
    const down = await databaseHealth(harness);
    expect(down).toMatchObject({ ok: false, state: "down", records: { degraded: true } });
    expect(down.records.pending).toBeGreaterThan(10);

    // The outage lasts 30 s (the duration under test, not a wait for an event).
    await sleep(30_000 - (Date.now() - downAt));
    postgres.start();
    // Back up, the writes still wait for their next retry (backoff up to 5 s): the database is degraded, not down.
    expect(await databaseHealth(harness)).toMatchObject({ ok: true, state: "degraded", records: { degraded: true } });

    const rows = await waitUntil(
      "every call of the outage recorded and closed",
      () => recordsSince(harness, since),
      (r) => r.length === 4 && r.every((row) => row.outcome !== "in_progress" && row.endedAt !== null),
      20_000,
    );
    expect(rows[0]).toMatchObject({ outcome: "answered", endedBy: "caller", endReason: "caller-hung-up" });
    for (const row of rows) {
      const events = (await listCallEvents(harness.hotline.services.database.db, row.id)).map((e) => e.type);
      expect(events[0]).toBe("call.arrived");
      expect(events).toContain("call.finished");
    }
    expect(await databaseHealth(harness)).toMatchObject({ ok: true, state: "up", records: { degraded: false, pending: 0 } });
  }, 90_000);
});

/**
 * A UDP relay that delays every ng message by `delayMs` each way, between Hotline and rtpengine: media commands still
 * in a call's queue when it ends are then still unsent when a shutdown that does not wait for them closes the client.
 */
async function slowNgRelay(target: number, delayMs: number) {
  const front = dgram.createSocket("udp4");
  const back = dgram.createSocket("udp4");
  let client: dgram.RemoteInfo | undefined;
  let open = true;
  front.on("message", (message, from) => {
    client = from;
    setTimeout(() => open && back.send(message, target, "127.0.0.1"), delayMs);
  });
  back.on("message", (message) => {
    const to = client;
    if (to) setTimeout(() => open && front.send(message, to.port, to.address), delayMs);
  });
  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", resolve));
  await new Promise<void>((resolve) => back.bind(0, "127.0.0.1", resolve));
  return {
    port: front.address().port,
    close: () => {
      open = false;
      front.close();
      back.close();
    },
  };
}

describe("SIGTERM with live calls", () => {
  let rtpengine: RtpengineSupervisor;
  let relay: Awaited<ReturnType<typeof slowNgRelay>>;
  let harness: Harness;
  let dataDir: string;
  let operators: TestOperator[];
  let databaseName = "";
  let databases = 0;
  // One rtpengine (outliving each Hotline, so its own list can be read after the exit) behind a slow ng link.
  beforeAll(async () => {
    rtpengine = new RtpengineSupervisor({
      interfaceAddress: "127.0.0.1",
      ngPort: await freePort(),
      portMin: testRtpPort(21500),
      portMax: testRtpPort(21500) + 199,
      healthIntervalMs: 0,
    });
    await rtpengine.start();
    relay = await slowNgRelay(rtpengine.address.port, 150);
  });
  afterAll(async () => {
    relay?.close();
    await rtpengine?.stop();
  });
  // Each test stops its Hotline: a fresh one (and database) per test.
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "hotline-sigterm-"));
    databaseName = `sigterm_${++databases}`;
    harness = await startHarness({
      DATABASE_URL: await postgres.createDatabase(databaseName),
      RTPENGINE_URLS: `127.0.0.1:${relay.port}`,
      DATA_DIR: dataDir,
    });
    await harness.cli("queue", "add", "Support");
    await harness.cli("number", "add", "1000", "--queue", "Support");
    operators = [await harness.operator("amina"), await harness.operator("omar")];
    await harness.cli("queue", "member", "Support", "amina");
    await harness.cli("queue", "member", "Support", "omar");
    for (const operator of operators) await operator.goAvailable();
  }, 60_000);
  afterEach(async () => {
    await harness?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Two answered calls with audio (SIPp expects the server's BYE), and their records in the database. Returns SIPp's
   * run, wrapped (an async function returning a promise would wait for it).
   */
  async function twoLiveCalls(since: Date) {
    const live = runSipp("answered-call-operator-hangs-up.xml", harness.sipTarget, { calls: 2, limit: 2, timeoutS: 60 });
    for (const operator of operators) await operator.waitFor(() => operator.current !== undefined && operator.rtpReceived > 0, "a live call with audio", 20_000);
    await waitUntil("both calls answered and recorded", () => recordsSince(harness, since), (rows) => rows.length === 2 && rows.every((r) => r.answeredAt !== null));
    return { sipp: live };
  }

  /** A third call whose media is still being set up (through the slow link) when the signal comes. */
  async function callBeingSetUp() {
    const third = runSipp("answered-call-operator-hangs-up.xml", harness.sipTarget, { timeoutS: 30 });
    await waitUntil("the third call's media session", () => rtpengine.client.list(), (calls) => calls.length === 3);
    return { sipp: third };
  }

  /** Sends SIGTERM the way main.ts receives it; resolves with the exit code. */
  function sigterm(): Promise<number> {
    const signals = new EventEmitter();
    const exited = new Promise<number>((resolve) => stopOnSignals(harness.hotline, { logger: process.env.HOTLINE_TEST_LOG ? createLogger("debug") : silentLogger, signals, exit: resolve }));
    signals.emit("SIGTERM");
    return exited;
  }

  it("deletes every media session of the process in rtpengine before exit, calls still being set up included (rtpengine's own list is empty)", async () => {
    const live = await twoLiveCalls(new Date());
    const third = await callBeingSetUp();
    expect(await sigterm()).toBe(0);
    expect(await rtpengine.client.list()).toEqual([]);
    expect((await live.sipp).code).toBe(0);
    await third.sipp;
  }, 90_000);

  it("with the database down: refuses new calls with 503, sends BYE on both legs, and exits only once every record is written", async () => {
    const since = new Date();
    const live = await twoLiveCalls(since);
    postgres.stop();
    const third = await callBeingSetUp();
    const exited = sigterm();

    const refused = await runSipp("invite-gets-503.xml", harness.sipTarget);
    expect(refused.code, refused.stdout.slice(-1500) + refused.stderr).toBe(0);
    const trunk = await live.sipp;
    expect(trunk.code, trunk.stdout.slice(-1500) + trunk.stderr).toBe(0);
    for (const operator of operators) await operator.waitFor(() => operator.current === undefined, "BYE to the operator");
    await third.sipp;

    // The records wait for the database; the process does not exit before they are written.
    let exitCode: number | undefined;
    void exited.then((code) => (exitCode = code));
    await sleep(500);
    expect(exitCode).toBeUndefined();
    postgres.start();
    expect(await exited).toBe(0);

    expect(await rtpengine.client.list()).toEqual([]);
    const reopened = new pg.Client({ connectionString: postgres.url(databaseName) });
    await reopened.connect();
    try {
      const { rows } = await reopened.query<{ outcome: string; ended_by: string | null; end_reason: string | null; ended_at: Date | null }>(
        "select outcome, ended_by, end_reason, ended_at from call_records where arrived_at >= $1 order by arrived_at",
        [since],
      );
      expect(rows).toHaveLength(3);
      for (const row of rows) expect(row.outcome).not.toBe("in_progress");
      expect(rows.slice(0, 2)).toEqual([
        expect.objectContaining({ outcome: "answered", ended_by: "system", end_reason: "shutdown", ended_at: expect.any(Date) }),
        expect.objectContaining({ outcome: "answered", ended_by: "system", end_reason: "shutdown", ended_at: expect.any(Date) }),
      ]);
      const events = await reopened.query<{ type: string }>(
        "select e.type from call_events e join call_records c on c.id = e.call_id where c.arrived_at >= $1 and e.type = 'call.finished'",
        [since],
      );
      expect(events.rows.length).toBeGreaterThanOrEqual(2);
    } finally {
      await reopened.end();
    }
    expect(existsSync(path.join(dataDir, "pending-records.jsonl"))).toBe(false);
  }, 90_000);

  it("with the database down past the shutdown deadline: records go to the spill file, and the next start writes them before closing orphans", async () => {
    const since = new Date();
    const live = await twoLiveCalls(since);
    postgres.stop();
    const exited = sigterm();
    expect((await live.sipp).code).toBe(0);
    expect(await exited).toBe(0);
    const spill = path.join(dataDir, "pending-records.jsonl");
    expect(existsSync(spill)).toBe(true);

    postgres.start();
    const first = harness;
    await first.stop();
    harness = await startHarness({ DATABASE_URL: postgres.url(databaseName), RTPENGINE_URLS: `127.0.0.1:${relay.port}`, DATA_DIR: dataDir });
    const rows = await recordsSince(harness, since);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ outcome: "answered", endedBy: "system", endReason: "shutdown", endedAt: expect.any(Date) });
    for (const row of rows) {
      const events = (await listCallEvents(harness.hotline.services.database.db, row.id)).map((e) => e.type);
      expect(events).toContain("call.finished");
      expect(events).not.toContain("call.closed-after-restart");
    }
    expect(existsSync(spill)).toBe(false);
  }, 90_000);
});
