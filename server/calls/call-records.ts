/**
 * Call records and the event log, written behind: the controller hands over facts (a call arrived, an engine
 * record entry, a patch to a call) and this module maps them to database writes and sends them in batches.
 */
import type { Db } from "../../db/client";
import { appendEvents, updateCall, type CallPatch, type NewCallEvent } from "../../db/queries/calls";
import type { CallOutcome as RecordOutcome } from "../../db/schema";
import type { Logger } from "../logger";
import type { RecordEntry } from "../queue";

/** A record write, given the connection or transaction to write with. */
export type Write = (db: Db) => Promise<unknown>;

/** How long writes gather before they go to the database as one transaction. */
const WRITE_BEHIND_MS = 20;

export interface CallRecordsDeps {
  db: Db;
  logger: Logger;
}

export class CallRecords {
  private writes: Promise<void> = Promise.resolve();
  private pendingWrites: Write[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: CallRecordsDeps) {}

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

  log(event: NewCallEvent): void {
    this.enqueueWrite((db) => appendEvents(db, [event]));
  }

  writeCall(id: string, patch: CallPatch): void {
    this.enqueueWrite((db) => updateCall(db, id, patch));
  }

  /**
   * Writes go out in order (the record's story must not be reordered), never block the engine, and go in batches
   * a little after the fact: one transaction per batch instead of a commit per event, and, with the embedded
   * database (whose queries run on this thread), no query between a caller and the operator's INVITE.
   */
  enqueueWrite(write: Write): void {
    this.pendingWrites.push(write);
    if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => void this.flushWrites(), WRITE_BEHIND_MS);
      this.flushTimer.unref();
    }
  }

  private flushWrites(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pendingWrites.splice(0);
    if (batch.length > 0) this.writes = this.writes.then(() => this.runWrites(batch));
    return this.writes;
  }

  private async runWrites(batch: readonly Write[]): Promise<void> {
    try {
      await this.deps.db.transaction(async (tx) => {
        for (const write of batch) await write(tx);
      });
    } catch {
      // The batch rolled back: one bad write must not cost the others their place in the record.
      for (const write of batch) {
        await write(this.deps.db).catch((error: unknown) => this.deps.logger.error("call record write failed", { error: String(error) }));
      }
    }
  }

  /** Waits until every write handed over so far is done (graceful shutdown). */
  async flush(): Promise<void> {
    do await this.flushWrites();
    while (this.pendingWrites.length > 0);
  }
}
