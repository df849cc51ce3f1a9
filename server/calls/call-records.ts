/**
 * Call records and the event log, written behind and durably.
 *
 * The controller hands over facts (a call arrived, an engine record entry, a patch to a call); this module maps them
 * to {@link RecordWrite}s (plain data, so they can be kept, retried and spilled to disk) and sends them to the
 * database in batches, one transaction a batch, a little after the fact ({@link WRITE_BEHIND_MS}).
 *
 * ## Durability (what happens when the database fails)
 * - **One ordered buffer.** Every write joins one FIFO; one worker takes batches from its head, in order. A batch that
 *   fails stays at the head and is retried, so writes for one call always apply in order (insert before update,
 *   events after insert), across retries too.
 * - **Retry with backoff until success.** A transient failure (lost connection, timeout, server shutting down: any
 *   error whose SQLSTATE is not a data error) retries the same batch after 100 ms, doubling to at most 5 s
 *   ({@link RecordsOptions.backoffMinMs}, {@link RecordsOptions.backoffMaxMs}). Nothing is dropped, however long the
 *   outage lasts.
 * - **Poison writes.** A data error (SQLSTATE class 22, 23 or 42: the write itself is wrong, retrying cannot help) makes
 *   the batch go again one write per transaction; each write that is still refused is logged at `error` with its
 *   content and appended to `rejected-records.jsonl` beside the spill file: kept, never silently dropped, and it no
 *   longer holds up the others.
 * - **Bounded memory, then disk.** The buffer holds at most {@link RecordsOptions.maxBuffered} writes (default 20,000,
 *   about 1,000 calls: a few MB). Past that bound, writes go to an append-only file (`pending-records.jsonl`, JSON
 *   lines, in DATA_DIR), and from then on every new write goes there too, behind the older ones, until the file is
 *   drained back through the buffer (chunk by chunk, never more than the bound in memory). The file is replayed at
 *   the next start ({@link CallRecords.replay}) if the process stops before it is drained. Calls keep being answered:
 *   refusing callers because the log is slow would be worse for a hotline than a log written late.
 * - **Shutdown.** {@link CallRecords.close} flushes everything, waiting up to a deadline; what the database still has
 *   not taken by then is written to the spill file (in order, before anything already spilled) for the next start.
 *
 * Replays may apply a write twice only if the process dies between a commit and the spill file's bookkeeping: the
 * call insert is idempotent (ignored when the id exists) and updates set values, so a record is never doubled; an
 * event may be.
 */
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../../db/client";
import { insertCallbackRequest, requestCallbacksOfLostPlaces } from "../../db/queries/callback-requests";
import {
  appendEvents,
  closeOperatorStatesAfterRestart,
  closeOrphanedCalls,
  insertCallsOnce,
  lastOperatorStates,
  updateCallAndOffers,
  type CallPatch,
  type NewCall,
  type NewCallEvent,
} from "../../db/queries/calls";
import { sqlState } from "../../db/queries/errors";
import type { CallOutcome as RecordOutcome } from "../../db/schema";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import type { RecordEntry } from "../queue";

/** One write to the call records, as plain data (dates are `Date`s; they survive the spill file). */
export type RecordWrite =
  | { op: "insert-call"; call: NewCall & { id: string } }
  | { op: "update-call"; id: string; patch: CallPatch }
  | { op: "increment-offers"; id: string }
  | { op: "append-events"; events: NewCallEvent[] }
  | { op: "insert-callback-request"; request: { callId: string; queueId: number | null; callerNumber: string; reason: string; requestedAt: Date } };

/** Where batches go: one call applies all its writes in one transaction (all or nothing). */
export interface RecordStore {
  apply(writes: readonly RecordWrite[]): Promise<void>;
}

/**
 * One statement of a coalesced batch (see {@link coalesceWrites}): several calls inserted at once (each with the
 * patches and offers the batch holds for it), one call's patches and offer counts as one update, a callback request,
 * or several events appended at once.
 */
export type RecordStatement =
  | { op: "insert-calls"; calls: Array<{ call: NewCall & { id: string }; patch: CallPatch; offers: number }> }
  | { op: "update-call"; id: string; patch: CallPatch; offersAdded: number }
  | { op: "insert-callback-request"; request: Extract<RecordWrite, { op: "insert-callback-request" }>["request"] }
  | { op: "append-events"; events: NewCallEvent[] };

/** Rows a multi-row statement of a coalesced batch holds at most: with the embedded database each statement holds the event loop (25 calls with call_records' dozen indexes: a few ms). */
export const COALESCE_MAX_ROWS = 25;

/**
 * The writes of one batch as few statements, leaving the database as applying them one by one, in order, would
 * (given the buffer's order: a call's writes come after its insert, or it was inserted by an earlier batch):
 * - every `insert-call` first, in multi-row inserts of at most {@link COALESCE_MAX_ROWS}, each row carrying the
 *   patches and offer count the batch holds for that call (a call's first patches come microseconds after its insert:
 *   one row written instead of a row and an update, which with call_records' dozen indexes is most of the cost). A
 *   call whose id exists already (a replay) is left alone by the insert and gets them as an update;
 * - then one update per call inserted earlier, where it was first patched: its patches merged in order (a later
 *   value wins; a field left undefined keeps the earlier value, as Drizzle skips undefined fields) with its
 *   `increment-offers` added up;
 * - then callback requests, in order;
 * - last, every event in order, in multi-row inserts of at most {@link COALESCE_MAX_ROWS} (`call_events` ids keep the
 *   order the events were logged in).
 * Pure: no I/O.
 */
export function coalesceWrites(writes: readonly RecordWrite[]): RecordStatement[] {
  const inserts = new Map<string, { call: NewCall & { id: string }; patch: CallPatch; offers: number }>();
  const updates = new Map<string, { op: "update-call"; id: string; patch: CallPatch; offersAdded: number }>();
  const callbacks: RecordStatement[] = [];
  const events: NewCallEvent[] = [];
  const target = (id: string): { patch: CallPatch; add(n: number): void } => {
    const inserted = inserts.get(id);
    if (inserted) return { patch: inserted.patch, add: (n) => (inserted.offers += n) };
    let update = updates.get(id);
    if (!update) {
      update = { op: "update-call", id, patch: {}, offersAdded: 0 };
      updates.set(id, update);
    }
    const found = update;
    return { patch: found.patch, add: (n) => (found.offersAdded += n) };
  };
  for (const write of writes) {
    switch (write.op) {
      case "insert-call":
        // Twice the same insert (a retry's replay): the second is ignored, as the database would.
        if (!inserts.has(write.call.id) && !updates.has(write.call.id)) inserts.set(write.call.id, { call: write.call, patch: {}, offers: 0 });
        break;
      case "update-call": {
        const patch = target(write.id).patch as Record<string, unknown>;
        for (const [key, value] of Object.entries(write.patch)) if (value !== undefined) patch[key] = value;
        break;
      }
      case "increment-offers":
        target(write.id).add(1);
        break;
      case "append-events":
        events.push(...write.events);
        break;
      case "insert-callback-request":
        callbacks.push({ op: "insert-callback-request", request: write.request });
        break;
    }
  }
  const chunks = <T>(rows: readonly T[]) => Array.from({ length: Math.ceil(rows.length / COALESCE_MAX_ROWS) }, (_, i) => rows.slice(i * COALESCE_MAX_ROWS, (i + 1) * COALESCE_MAX_ROWS));
  return [
    ...chunks([...inserts.values()]).map((calls): RecordStatement => ({ op: "insert-calls", calls })),
    ...updates.values(),
    ...callbacks,
    ...chunks(events).map((rows): RecordStatement => ({ op: "append-events", events: rows })),
  ];
}

/** Runs one statement of a coalesced batch with the given connection or transaction. */
async function applyStatement(db: Db, statement: RecordStatement): Promise<void> {
  switch (statement.op) {
    case "insert-calls": {
      const inserted = await insertCallsOnce(db, statement.calls);
      // Ids that existed already (a replay): their patches apply as they would have after an ignored insert.
      for (const { call, patch, offers } of statement.calls) if (!inserted.has(call.id)) await updateCallAndOffers(db, call.id, patch, offers);
      return;
    }
    case "update-call":
      return updateCallAndOffers(db, statement.id, statement.patch, statement.offersAdded);
    case "insert-callback-request":
      await insertCallbackRequest(db, statement.request);
      return;
    case "append-events":
      return appendEvents(db, statement.events);
  }
}

/** Lets timers and I/O run (setImmediate): the embedded database's statements run on this thread. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The database as a {@link RecordStore}: one transaction a batch, its writes coalesced ({@link coalesceWrites}), the
 * event loop given a turn between statements (with the embedded PGlite a batch would otherwise hold the thread from
 * its first statement to its commit: SIP and rtpengine replies waited behind it).
 */
export function databaseRecordStore(db: Db): RecordStore {
  return {
    apply: (writes) =>
      db.transaction(async (tx) => {
        for (const [index, statement] of coalesceWrites(writes).entries()) {
          if (index > 0) await yieldToEventLoop();
          await applyStatement(tx, statement);
        }
      }),
  };
}

/** Timers the buffer uses (write-behind delay, backoff), injectable with the clock so tests need no sleeping. */
export interface RecordsClock extends Clock {
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The system clock with Node's timers (unref'd: a pending retry alone does not keep the process alive). */
export function systemRecordsClock(clock: Clock): RecordsClock {
  return {
    now: () => clock.now(),
    setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** How long writes gather before they go to the database as one transaction, ms. */
export const WRITE_BEHIND_MS = 20;

export interface RecordsOptions {
  /** Writes kept in memory at most; past it they go to the spill file. Default 20,000. */
  maxBuffered?: number;
  /** Writes in one transaction at most. Default 500. */
  maxBatch?: number;
  /** First retry delay after a failure, ms; doubles on each failure in a row. Default 100. */
  backoffMinMs?: number;
  /** Longest retry delay, ms. Default 5,000. */
  backoffMaxMs?: number;
  /**
   * The append-only spill file (`DATA_DIR/pending-records.jsonl`); rejected writes go to `rejected-records.jsonl`
   * in the same folder. Without it (in-memory test databases) the buffer is not bounded, and says so in the log.
   */
  spillPath?: string;
}

export interface CallRecordsDeps {
  store: RecordStore;
  clock: RecordsClock;
  logger: Logger;
  options?: RecordsOptions;
}

/** What {@link CallRecords.status} reports (health, logs). */
export interface RecordsStatus {
  /** True while writes wait for a retry or sit in the spill file: the database is not keeping up. */
  degraded: boolean;
  /** Writes not yet in the database, in memory and on disk. */
  pending: number;
  /** Of which in the spill file. */
  spilled: number;
  /** Failed attempts in a row. */
  failures: number;
  /** How long the oldest failed write has waited, ms. */
  failingForMs?: number;
  lastError?: string;
}

/** What a shutdown flush did. */
export interface FlushResult {
  written: number;
  /** Left for the next start in the spill file (the database did not take them before the deadline). */
  spilled: number;
  ms: number;
}

/** SQLSTATE classes where the write itself is refused (data exception, constraint violation, syntax/undefined). */
const DATA_ERROR = /^(22|23|42)/;

/** A record write refused for what it is, not for the database's state: retrying cannot help. */
export function isDataError(error: unknown): boolean {
  return DATA_ERROR.test(sqlState(error) ?? "");
}

const encode = (write: RecordWrite) =>
  JSON.stringify(write, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });

const decode = (line: string) =>
  JSON.parse(line, (_key, value: unknown) =>
    value && typeof value === "object" && "$date" in value && typeof (value as { $date: unknown }).$date === "string"
      ? new Date((value as { $date: string }).$date)
      : value,
  ) as RecordWrite;

/** Bytes read from the spill file per chunk. */
const SPILL_CHUNK_BYTES = 1 << 20;

/**
 * The durable write-behind buffer of call records (see the module comment for the guarantees). Never throws to its
 * callers: every method only queues work; failures are retried, logged and reported by {@link status}.
 */
export class CallRecords {
  private readonly store: RecordStore;
  private readonly clock: RecordsClock;
  private readonly logger: Logger;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;
  private readonly spillPath: string | undefined;
  private readonly rejectedPath: string | undefined;
  private readonly offsetPath: string | undefined;
  /** Writes in order; the head batch is the one in flight or waiting for its retry. */
  private buffer: RecordWrite[] = [];
  private timer: unknown;
  private timerDue: "write-behind" | "retry" | undefined;
  private running = false;
  private failures = 0;
  private failingSince: number | undefined;
  private lastError: string | undefined;
  /** Lines appended to the spill file and not yet loaded back into the buffer. */
  private spilledUnread = 0;
  /** Byte offset of the first spill line not yet loaded. */
  private spillReadOffset = 0;
  /** True while the buffer holds writes loaded from the spill file (it is drained before the file is removed). */
  private bufferFromSpill = false;
  private warnedUnbounded = false;
  private written = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(deps: CallRecordsDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.logger = deps.logger;
    const options = deps.options ?? {};
    this.maxBuffered = options.maxBuffered ?? 20_000;
    this.maxBatch = options.maxBatch ?? 500;
    this.backoffMinMs = options.backoffMinMs ?? 100;
    this.backoffMaxMs = options.backoffMaxMs ?? 5_000;
    this.spillPath = options.spillPath;
    this.rejectedPath = options.spillPath && path.join(path.dirname(options.spillPath), "rejected-records.jsonl");
    this.offsetPath = options.spillPath && `${options.spillPath}.offset`;
  }

  /** board hook: called with every write as it is queued (never with spill-file replays); must not throw. */
  private observer: ((write: RecordWrite) => void) | undefined;

  /** Follows every write from now on (the supervisors' board, server/board/board-feed.ts). */
  observe(observer: (write: RecordWrite) => void): void {
    this.observer = observer;
  }

  // ---- mapping facts to writes -----------------------------------------------------------------

  /** Maps an engine record entry to the event log and, for milestones, the call's record. */
  record(entry: RecordEntry): void {
    const at = new Date(entry.at);
    const queueId = "queueId" in entry ? Number(entry.queueId) : null;
    const operatorId = "operatorId" in entry ? Number(entry.operatorId) : null;
    const { kind, at: _at, callId, ...data } = entry as RecordEntry & { callId: string };
    this.log({ at, type: `call.${kind.replace(/^call-/, "")}`, callId, queueId, operatorId, data });
    switch (entry.kind) {
      case "caller-entered":
        return this.writeCall(entry.callId, { queuedAt: at });
      case "call-answered":
        // After a transfer the record keeps its first answer (ASA, service level); the segments are in the event log.
        if (entry.transferred) return;
        return this.writeCall(entry.callId, { answeredAt: at, operatorId: Number(entry.operatorId) });
      case "call-finished": {
        const outcome: RecordOutcome =
          entry.outcome === "answered" ? "answered"
          : entry.outcome === "abandoned" ? "abandoned"
          : entry.outcome === "overflowed" ? "overflowed"
          : entry.reason === "no-operators" ? "no_operators"
          : entry.reason === "closed" ? "closed"
          : entry.reason === "queue-full" ? "rejected"
          : "timed_out";
        return this.writeCall(entry.callId, { outcome, endedAt: at });
      }
      default:
        return;
    }
  }

  /** Appends one event to the event log (`call_events`), behind every earlier write. */
  log(event: NewCallEvent): void {
    this.enqueueWrite({ op: "append-events", events: [event] });
  }

  /** Sets fields of a call's record (`call_records`), behind every earlier write (so after its insert). */
  writeCall(id: string, patch: CallPatch): void {
    this.enqueueWrite({ op: "update-call", id, patch });
  }

  /**
   * Queues a write behind every earlier one. Never blocks and never touches the database on the caller's turn: with
   * the embedded database (whose queries run on this thread) no query stands between a caller and the operator.
   */
  enqueueWrite(write: RecordWrite): void {
    // board hook (server/board): live figures follow every write as it is queued.
    this.observer?.(write);
    if (this.closed) {
      // Too late for the database (shutdown flushed already): the spill file keeps it for the next start.
      if (!this.spill([write])) this.logger.error("call record write after shutdown, not kept", { write: encode(write) });
      return;
    }
    // Once writes spill, every later one goes behind them in the file, so the order holds.
    const toDisk = this.spilledUnread > 0 || this.buffer.length >= this.maxBuffered;
    if (!toDisk || !this.spill([write])) this.buffer.push(write);
    this.wake(WRITE_BEHIND_MS);
  }

  // ---- the worker ------------------------------------------------------------------------------

  /** Schedules the worker unless it runs or a timer is set already (a pending retry is never brought forward). */
  private wake(delayMs: number): void {
    if (this.running || this.timer !== undefined) return;
    this.timerDue = "write-behind";
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerDue = undefined;
      void this.run();
    }, delayMs);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (this.closed) return;
        if (this.buffer.length === 0) this.loadSpill();
        if (this.buffer.length === 0) break;
        const batch = this.buffer.slice(0, this.maxBatch);
        const applied = await this.applyBatch(batch);
        if (this.closed) return;
        this.buffer.splice(0, applied);
        this.written += applied;
        if (applied < batch.length) return this.retryLater();
        if (this.failures > 0) {
          this.logger.warn("call records written again after database failures", { failures: this.failures, failedForMs: this.clock.now() - (this.failingSince ?? this.clock.now()) });
        }
        this.failures = 0;
        this.failingSince = undefined;
        this.lastError = undefined;
        if (this.buffer.length === 0 && this.bufferFromSpill) this.spillChunkDone();
      }
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    } catch (error) {
      // The spill file could not be read or written (disk): the writes stay where they are; try again later.
      this.logger.error("call record worker failed", { error: String(error) });
      this.failed(error, 0);
      this.running = false;
      this.retryLater();
    } finally {
      this.running = false;
    }
  }

  /**
   * Applies a batch; returns how many writes from its head are done (applied, or rejected as data errors and kept
   * aside). Fewer than the batch means a transient failure: the rest waits for a retry.
   */
  private async applyBatch(batch: readonly RecordWrite[]): Promise<number> {
    try {
      await this.store.apply(batch);
      return batch.length;
    } catch (error) {
      if (!isDataError(error)) return this.failed(error, 0);
    }
    // One write in the batch is refused for what it is: apply them one by one to set it aside.
    for (const [index, write] of batch.entries()) {
      try {
        await this.store.apply([write]);
      } catch (error) {
        if (!isDataError(error)) return this.failed(error, index);
        this.reject(write, error);
      }
    }
    return batch.length;
  }

  private failed(error: unknown, done: number): number {
    this.failures += 1;
    this.failingSince ??= this.clock.now();
    this.lastError = error instanceof Error ? error.message : String(error);
    return done;
  }

  private retryLater(): void {
    const delay = Math.min(this.backoffMaxMs, this.backoffMinMs * 2 ** Math.min(this.failures - 1, 30));
    // Every failure is one line, but only at warn level while it lasts (one per retry, at most one per backoffMinMs).
    this.logger.warn("call record batch failed, retrying", { pending: this.pendingCount(), failures: this.failures, retryInMs: delay, error: this.lastError });
    this.timerDue = "retry";
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerDue = undefined;
      void this.run();
    }, delay);
  }

  private reject(write: RecordWrite, error: unknown): void {
    this.rejectLine(encode(write), error);
  }

  /** Keeps a write that cannot be applied (refused by the database, or unreadable in the spill file) aside. */
  private rejectLine(line: string, error: unknown): void {
    this.logger.error("call record write refused, kept in rejected-records.jsonl", { write: line, sqlState: sqlState(error), error: String(error) });
    if (!this.rejectedPath) return;
    try {
      appendFileSync(this.rejectedPath, `${line}\n`, { mode: 0o600 });
    } catch (fileError) {
      this.logger.error("could not keep a refused call record write", { error: String(fileError) });
    }
  }

  // ---- the spill file --------------------------------------------------------------------------

  /** Appends writes to the spill file; false (and the writes stay in memory) when there is no file or it fails. */
  private spill(writes: readonly RecordWrite[]): boolean {
    if (!this.spillPath) {
      if (!this.warnedUnbounded) this.logger.warn("call record buffer over its bound and no spill file: keeping writes in memory", { buffered: this.buffer.length });
      this.warnedUnbounded = true;
      return false;
    }
    try {
      appendFileSync(this.spillPath, writes.map((w) => `${encode(w)}\n`).join(""), { mode: 0o600 });
    } catch (error) {
      this.logger.error("could not spill call record writes to disk: keeping them in memory", { error: String(error) });
      return false;
    }
    if (this.spilledUnread === 0) this.logger.warn("call record buffer full: writes go to the spill file until the database catches up", { path: this.spillPath, buffered: this.buffer.length });
    this.spilledUnread += writes.length;
    return true;
  }

  /** When the buffer is empty, loads the next chunk of the spill file into it (at most the bound). */
  private loadSpill(): void {
    if (this.spilledUnread === 0 || !this.spillPath) return;
    const fd = openSync(this.spillPath, "r");
    const before = this.buffer.length;
    try {
      let chunk = Buffer.alloc(SPILL_CHUNK_BYTES);
      while (this.buffer.length < this.maxBuffered && this.spilledUnread > 0) {
        const read = readSync(fd, chunk, 0, chunk.length, this.spillReadOffset);
        const end = chunk.subarray(0, read).lastIndexOf(0x0a);
        if (end < 0) {
          if (read < chunk.length) break; // the file ends without a complete line (see replay)
          chunk = Buffer.alloc(chunk.length * 2); // one write longer than a chunk
          continue;
        }
        let start = 0;
        while (start <= end && this.buffer.length < this.maxBuffered) {
          const newline = chunk.indexOf(0x0a, start);
          const line = chunk.subarray(start, newline).toString("utf8");
          try {
            this.buffer.push(decode(line));
          } catch (error) {
            this.rejectLine(line, error);
          }
          this.spilledUnread -= 1;
          start = newline + 1;
        }
        this.spillReadOffset += start;
      }
    } finally {
      closeSync(fd);
    }
    if (this.buffer.length > before) this.bufferFromSpill = true;
  }

  /** The writes loaded from the spill file are in the database: remember how far, and remove a drained file. */
  private spillChunkDone(): void {
    this.bufferFromSpill = false;
    if (!this.spillPath || !this.offsetPath) return;
    if (this.spilledUnread === 0) {
      rmSync(this.spillPath, { force: true });
      rmSync(this.offsetPath, { force: true });
      this.spillReadOffset = 0;
      this.logger.info("spilled call record writes are all in the database");
    } else {
      writeFileSync(this.offsetPath, String(this.spillReadOffset), { mode: 0o600 });
    }
  }

  /**
   * Takes over a spill file left by a previous run (its writes go first, in order) and waits, up to `timeoutMs`, until
   * they are in the database. Call before anything reads records left open (closeOrphanedCalls). Returns how many
   * writes the file held.
   */
  async replay(timeoutMs = 30_000): Promise<number> {
    if (!this.spillPath || !existsSync(this.spillPath)) return 0;
    const offset = this.offsetPath && existsSync(this.offsetPath) ? Number(readFileSync(this.offsetPath, "utf8")) || 0 : 0;
    let text = readFileSync(this.spillPath);
    const complete = text.lastIndexOf(0x0a) + 1;
    if (complete < text.length) {
      // The previous run died in the middle of an append: the partial line is kept aside, the file cut after the last
      // complete write.
      this.rejectLine(text.subarray(complete).toString("utf8"), new Error("incomplete line at the end of the spill file"));
      truncateSync(this.spillPath, complete);
      text = text.subarray(0, complete);
    }
    const lines = text.subarray(offset).toString("utf8").split("\n").filter((line) => line.length > 0).length;
    // Writes queued before replay (none in practice) would be newer than the file: they go behind it.
    const newer = this.buffer.splice(0);
    this.spillReadOffset = offset;
    this.spilledUnread = lines;
    if (newer.length > 0) this.spill(newer);
    this.logger.warn("replaying call record writes left by the previous run", { writes: lines });
    this.wake(0);
    const done = await this.idle(timeoutMs);
    if (!done) this.logger.error("spilled call record writes not all replayed yet; retrying in the background", { pending: this.pendingCount() });
    return lines;
  }

  // ---- reporting and shutdown ------------------------------------------------------------------

  private pendingCount(): number {
    return this.buffer.length + this.spilledUnread;
  }

  /** The buffer's state for `/api/health` and logs; cheap (no I/O). */
  status(): RecordsStatus {
    return {
      degraded: this.failures > 0 || this.spilledUnread > 0 || this.bufferFromSpill,
      pending: this.pendingCount(),
      spilled: this.spilledUnread,
      failures: this.failures,
      ...(this.failingSince !== undefined && { failingForMs: this.clock.now() - this.failingSince }),
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  /** Resolves true once nothing is pending, or false after `timeoutMs` (ms). Starts the worker now. */
  private idle(timeoutMs: number): Promise<boolean> {
    if (this.pendingCount() === 0 && !this.running) return Promise.resolve(true);
    if (this.timerDue === "write-behind") {
      this.clock.clearTimer(this.timer);
      this.timer = undefined;
      this.timerDue = undefined;
    }
    if (this.timer === undefined) void this.run();
    return new Promise((resolve) => {
      const waiter = { timer: undefined as unknown, done: () => {} };
      waiter.done = () => {
        this.clock.clearTimer(waiter.timer);
        resolve(true);
      };
      this.idleWaiters.push(waiter.done);
      waiter.timer = this.clock.setTimer(() => {
        const index = this.idleWaiters.indexOf(waiter.done);
        if (index >= 0) this.idleWaiters.splice(index, 1);
        resolve(false);
      }, timeoutMs);
    });
  }

  /**
   * Waits until every write handed over so far is in the database, for at most `deadlineMs` (ms); resolves false if
   * writes are still pending then (they stay queued and keep being retried). Not final: see {@link close}.
   */
  flushWithin(deadlineMs: number): Promise<boolean> {
    return this.idle(deadlineMs);
  }

  /**
   * Shutdown: flushes every pending write, retrying as usual, for at most `deadlineMs` (ms); what the database has
   * not taken by then goes to the spill file, ahead of anything spilled before, for the next start. Logged.
   */
  async close(deadlineMs: number): Promise<FlushResult> {
    const started = this.clock.now();
    const writtenBefore = this.written;
    const done = await this.idle(deadlineMs);
    let spilled = 0;
    this.closed = true;
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    if (!done) spilled = this.spillAllForNextStart();
    const result = { written: this.written - writtenBefore, spilled, ms: this.clock.now() - started };
    if (spilled > 0) this.logger.error("database did not take every call record before shutdown: the rest is in the spill file for the next start", { ...result, path: this.spillPath });
    else this.logger.info("call records flushed", result);
    return result;
  }

  /** Rewrites the spill file as: the buffer (older), then the file's unread lines. Returns the writes it holds. */
  private spillAllForNextStart(): number {
    // An attempt in flight may still commit after this: its writes would then be applied twice at the next start
    // (idempotent for records, see the module comment).
    if (!this.spillPath) {
      this.logger.error("no spill file: pending call record writes are lost at exit", { pending: this.pendingCount() });
      return 0;
    }
    const rest = existsSync(this.spillPath) ? readFileSync(this.spillPath).subarray(this.spillReadOffset) : Buffer.alloc(0);
    const head = this.buffer.map((w) => `${encode(w)}\n`).join("");
    const temporary = `${this.spillPath}.tmp`;
    writeFileSync(temporary, Buffer.concat([Buffer.from(head, "utf8"), rest]), { mode: 0o600 });
    renameSync(temporary, this.spillPath);
    rmSync(this.offsetPath!, { force: true });
    const count = this.pendingCount();
    this.spilledUnread = count;
    this.spillReadOffset = 0;
    this.buffer = [];
    this.bufferFromSpill = false;
    return count;
  }
}

/** Each operator's state when the previous node stopped: `status` as the engine named it, `reason` a pause reason. */
export type RestoredOperatorStates = Map<number, { status: string; reason: string | null }>;

/**
 * At start, before any call: record writes a previous run could not deliver go first (so records it closed are not
 * taken for orphans), then calls it left open are closed, and operator states too (calls do not survive the process,
 * since their SIP dialogs lived in it: every operator starts offline and goes available again from their desk).
 * With `takeover` (active/standby: another node died), the calls are closed as `node-lost` and the operators' last
 * states are returned, read before they are closed, so their desks can get them back; otherwise the map is empty.
 */
export async function recoverAfterRestart(
  records: CallRecords,
  db: Db,
  clock: Clock,
  logger: Logger,
  options: { takeover?: boolean } = {},
): Promise<RestoredOperatorStates> {
  await records.replay();
  // Callers who chose a callback in a menu and were still waiting for their turn get their request now.
  const lostPlaces = await requestCallbacksOfLostPlaces(db, new Date(clock.now()));
  if (lostPlaces > 0) logger.warn("callback requests made for menu callers whose place was lost", { count: lostPlaces });
  const orphans = await closeOrphanedCalls(db, new Date(clock.now()), options.takeover ? "node-lost" : "server restarted during the call");
  if (orphans > 0) logger.warn("closed calls left open by a previous run", { count: orphans });
  const restored: RestoredOperatorStates = options.takeover ? await lastOperatorStates(db) : new Map();
  const ghosts = await closeOperatorStatesAfterRestart(db, new Date(clock.now()));
  if (ghosts > 0) logger.warn("closed operator states left open by a previous run", { count: ghosts });
  return restored;
}
