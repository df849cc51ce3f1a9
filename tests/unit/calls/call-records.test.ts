/**
 * The durable record buffer (server/calls/call-records.ts) with an injected clock and timers and a fake database:
 * failed batches stay, in order, and are retried with backoff until they succeed; the bound spills to a file that the
 * next start replays; a write the database refuses for what it is never holds up the others, and is kept aside.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CallRecords, WRITE_BEHIND_MS, type RecordStore, type RecordWrite, type RecordsClock, type RecordsOptions } from "../../../server/calls/call-records";
import { silentLogger } from "../../../server/logger";

/** Time only moves when the test says so; due timers fire in order, each followed by the promises it started. */
class FakeClock implements RecordsClock {
  private t = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = [...this.timers].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
    await settle();
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

/** A database that is up or down on command, and remembers what it committed and when it was tried. */
class FakeStore implements RecordStore {
  down: Error | undefined;
  /** Writes refused for what they are (SQLSTATE 23503), matched by call id. */
  readonly poisoned = new Set<string>();
  readonly committed: RecordWrite[] = [];
  readonly attempts: number[] = [];
  constructor(private readonly clock: FakeClock) {}
  async apply(writes: readonly RecordWrite[]): Promise<void> {
    this.attempts.push(this.clock.now());
    if (this.down) throw this.down;
    if (writes.some((w) => w.op === "update-call" && this.poisoned.has(w.id))) {
      throw Object.assign(new Error("insert or update violates foreign key constraint"), { code: "23503" });
    }
    this.committed.push(...writes);
  }
}

const connectionRefused = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

const insert = (id: string): RecordWrite => ({
  op: "insert-call",
  call: { id, sipCallId: `${id}@trunk`, callerNumber: "+15550001111", dialedNumber: "1000", arrivedAt: new Date(Date.UTC(2026, 10, 30, 10)), slThresholdS: 20, shortAbandonS: 5 },
});
const end = (id: string, minute: number): RecordWrite => ({ op: "update-call", id, patch: { outcome: "answered", endedAt: new Date(Date.UTC(2026, 10, 30, 10, minute)) } });
const event = (id: string, type: string): RecordWrite => ({ op: "append-events", events: [{ at: new Date(Date.UTC(2026, 10, 30, 10)), type, callId: id }] });

/** A call's writes in the order the controller makes them. */
const callWrites = (id: string): RecordWrite[] => [insert(id), event(id, "call.arrived"), { op: "update-call", id, patch: { queuedAt: new Date(Date.UTC(2026, 10, 30, 10, 0, 1)) } }, end(id, 5)];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "call-records-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup(options: RecordsOptions = {}) {
  const clock = new FakeClock();
  const store = new FakeStore(clock);
  const records = new CallRecords({ store, clock, logger: silentLogger, options: { spillPath: path.join(dir, "pending-records.jsonl"), ...options } });
  return { clock, store, records };
}

describe("durable call records", () => {
  it("writes behind: a batch goes after WRITE_BEHIND_MS, in one transaction, in order", async () => {
    const { clock, store, records } = setup();
    for (const write of callWrites("a")) records.enqueueWrite(write);
    await clock.advance(WRITE_BEHIND_MS - 1);
    expect(store.attempts).toEqual([]);
    await clock.advance(1);
    expect(store.attempts).toEqual([WRITE_BEHIND_MS]);
    expect(store.committed).toEqual(callWrites("a"));
    expect(records.status()).toMatchObject({ degraded: false, pending: 0 });
  });

  it("keeps a failed batch and retries it with doubling backoff (100 ms to 5 s) until the database is back", async () => {
    const { clock, store, records } = setup();
    store.down = connectionRefused();
    for (const write of callWrites("a")) records.enqueueWrite(write);
    await clock.advance(30_000);
    const gaps = store.attempts.slice(1).map((at, i) => at - store.attempts[i]!);
    expect(gaps.slice(0, 8)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(gaps.every((gap) => gap <= 5000)).toBe(true);
    expect(store.committed).toEqual([]);
    expect(records.status()).toMatchObject({ degraded: true, pending: 4, spilled: 0, lastError: "connect ECONNREFUSED 127.0.0.1:5432", failingForMs: 30_000 - WRITE_BEHIND_MS });

    store.down = undefined;
    await clock.advance(5_000);
    expect(store.committed).toEqual(callWrites("a"));
    expect(records.status()).toEqual({ degraded: false, pending: 0, spilled: 0, failures: 0 });
  });

  it("applies one call's writes in order across retries: the insert first, later writes behind the failed batch", async () => {
    const { clock, store, records } = setup({ maxBatch: 2 });
    const [first, ...rest] = callWrites("a");
    records.enqueueWrite(first!);
    store.down = connectionRefused();
    await clock.advance(WRITE_BEHIND_MS);
    // Later facts of the same call arrive while the insert waits for its retry.
    for (const write of rest) records.enqueueWrite(write);
    records.enqueueWrite(insert("b"));
    await clock.advance(1_000);
    store.down = undefined;
    await clock.advance(5_000);
    expect(store.committed).toEqual([...callWrites("a"), insert("b")]);
  });

  it("past the bound, spills to an append-only file, in order, and drains it back without holding more than the bound", async () => {
    const { clock, store, records } = setup({ maxBuffered: 3 });
    const spill = path.join(dir, "pending-records.jsonl");
    store.down = connectionRefused();
    const writes = [...callWrites("a"), ...callWrites("b"), ...callWrites("c")];
    for (const write of writes.slice(0, 6)) records.enqueueWrite(write);
    await clock.advance(1_000);
    for (const write of writes.slice(6)) records.enqueueWrite(write);
    expect(readFileSync(spill, "utf8").trim().split("\n")).toHaveLength(9);
    expect(records.status()).toMatchObject({ degraded: true, pending: 12, spilled: 9 });

    let largestBatch = 0;
    const apply = store.apply.bind(store);
    store.apply = async (batch) => {
      largestBatch = Math.max(largestBatch, batch.length);
      return apply(batch);
    };
    store.down = undefined;
    await clock.advance(5_000);
    // Dates come back as dates from the file.
    expect(store.committed).toEqual(writes);
    expect(largestBatch).toBeLessThanOrEqual(3);
    expect(existsSync(spill)).toBe(false);
    expect(records.status()).toMatchObject({ degraded: false, pending: 0, spilled: 0 });
  });

  it("sets aside a write the database refuses for what it is (kept in rejected-records.jsonl); the others still go in", async () => {
    const { clock, store, records } = setup();
    store.poisoned.add("bad");
    records.enqueueWrite(insert("a"));
    records.enqueueWrite(end("bad", 3));
    records.enqueueWrite(end("a", 4));
    await clock.advance(WRITE_BEHIND_MS);
    expect(store.committed).toEqual([insert("a"), end("a", 4)]);
    const rejected = readFileSync(path.join(dir, "rejected-records.jsonl"), "utf8").trim().split("\n");
    expect(rejected.map((line) => JSON.parse(line) as unknown)).toEqual([
      { op: "update-call", id: "bad", patch: { outcome: "answered", endedAt: { $date: "2026-11-30T10:03:00.000Z" } } },
    ]);
    expect(records.status().degraded).toBe(false);
  });

  it("a shutdown flush waits for the database up to its deadline, then spills the rest for the next start, which replays it first", async () => {
    const { clock, store, records } = setup({ maxBuffered: 2 });
    store.down = connectionRefused();
    const writes = [...callWrites("a"), ...callWrites("b")];
    for (const write of writes) records.enqueueWrite(write);
    const closing = records.close(8_000);
    let result: Awaited<typeof closing> | undefined;
    void closing.then((r) => (result = r));
    await clock.advance(7_999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    expect(result).toEqual({ written: 0, spilled: 8, ms: 8_000 });
    expect(store.committed).toEqual([]);

    // The next process: replays the file before anything else, in order, then removes it.
    const next = setup({ maxBuffered: 2 });
    const replayed = next.records.replay(10_000);
    await next.clock.advance(WRITE_BEHIND_MS);
    expect(await replayed).toBe(8);
    expect(next.store.committed).toEqual(writes);
    expect(existsSync(path.join(dir, "pending-records.jsonl"))).toBe(false);
  });

  it("after a crash while the spill file drained, the next start replays only what the database has not taken", async () => {
    const { clock, store, records } = setup({ maxBuffered: 3 });
    store.down = connectionRefused();
    const writes = [...callWrites("a"), ...callWrites("b"), ...callWrites("c")];
    for (const write of writes) records.enqueueWrite(write);
    // The database comes back but fails again after two batches (two chunks of 3 read back from the file).
    let commits = 0;
    const apply = store.apply.bind(store);
    store.apply = async (batch) => {
      if (commits === 2) throw connectionRefused();
      commits += 1;
      return apply(batch);
    };
    store.down = undefined;
    await clock.advance(5_000);
    expect(store.committed).toEqual(writes.slice(0, 6));
    expect(records.status()).toMatchObject({ degraded: true, pending: 6 });

    // The process dies here (no close). The next start takes over the file from the last chunk it knows was written.
    const next = setup({ maxBuffered: 3 });
    const replayed = next.records.replay(10_000);
    await next.clock.advance(WRITE_BEHIND_MS);
    expect(await replayed).toBe(6);
    expect(next.store.committed).toEqual(writes.slice(6));
  });

  it("a write cut short by a crash in the middle of an append is set aside at the next start; the rest is replayed", async () => {
    const spill = path.join(dir, "pending-records.jsonl");
    const { clock, store, records } = setup({ maxBuffered: 1 });
    store.down = connectionRefused();
    for (const write of callWrites("a")) records.enqueueWrite(write);
    await clock.advance(WRITE_BEHIND_MS);
    appendFileSync(spill, '{"op":"update-call","id":"a","pa');

    const next = setup();
    const replayed = next.records.replay(10_000);
    await next.clock.advance(WRITE_BEHIND_MS);
    expect(await replayed).toBe(3);
    expect(next.store.committed).toEqual(callWrites("a").slice(1));
    expect(readFileSync(path.join(dir, "rejected-records.jsonl"), "utf8")).toBe('{"op":"update-call","id":"a","pa\n');
    expect(existsSync(spill)).toBe(false);
  });

  it("a shutdown flush returns as soon as the database took everything", async () => {
    const { clock, store, records } = setup();
    store.down = connectionRefused();
    for (const write of callWrites("a")) records.enqueueWrite(write);
    await clock.advance(300);
    const closing = records.close(10_000);
    store.down = undefined;
    await clock.advance(400);
    expect(await closing).toMatchObject({ written: 4, spilled: 0 });
    expect(store.committed).toEqual(callWrites("a"));
  });
});
