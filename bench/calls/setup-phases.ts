/**
 * Where a call's setup time goes (bench/calls/surge): every ng command Hotline sends rtpengine and every batch of
 * record writes, traced in this process (the server code is unchanged), then joined with the controller's setup
 * milestones (CallController.onTiming). Phases of one inbound call, INVITE in -> 200 OK out (ms):
 * - admission: INVITE reached the controller -> the park `offer` left for rtpengine (routing, record writes queued,
 *   the session created: synchronous work, plus any wait for the event loop);
 * - offerRtt / answerRtt: the park's `offer` and `answer` round trips (rtpengine's work, plus the wait for this
 *   process's event loop to read the reply);
 * - betweenMs: the offer's reply -> the answer sent (the bridge's own step, and the event loop);
 * - toTrunk200: the answer's reply -> our 200 OK handed to the transaction layer.
 * Record batches: how many, how many writes, and how long each held the database (wall time from the transaction's
 * start to its commit: with the embedded PGlite, mostly this thread's time).
 */
import type { CallTiming } from "../../server/calls/call-controller";
import type { RecordStore, RecordWrite } from "../../server/calls/call-records";
import type { NgClient } from "../../server/media/ng-client";
import { round } from "../queue/bench-stats";
import { latency } from "./call-bench";

interface NgTrace {
  command: string;
  sent: number;
  replied?: number;
}

export interface PhaseTracer {
  /** Feed the controller's milestones here too. */
  timing(t: CallTiming): void;
  clear(): void;
  report(): Record<string, unknown>;
}

/** Wraps `client.request` and the records' store (`records.store`, reached by name) and returns the tracer. */
export function tracePhases(client: NgClient, records: object): PhaseTracer {
  const ng = new Map<string, NgTrace[]>();
  const calls = new Map<string, { invite?: number; answered?: number; callId?: string }>();
  const commands = new Map<string, number[]>();
  const batches: Array<{ writes: number; ms: number; ops: Record<string, number> }> = [];

  const request = client.request.bind(client);
  client.request = (command, args = {}, options) => {
    const callId = typeof args["call-id"] === "string" ? args["call-id"] : Buffer.isBuffer(args["call-id"]) ? args["call-id"].toString() : undefined;
    const trace: NgTrace = { command, sent: performance.now() };
    if (callId !== undefined) {
      const list = ng.get(callId) ?? [];
      list.push(trace);
      ng.set(callId, list);
    }
    return request(command, args, options).finally(() => {
      trace.replied = performance.now();
      const list = commands.get(command) ?? [];
      list.push(trace.replied - trace.sent);
      commands.set(command, list);
    });
  };

  const holder = records as { store: RecordStore };
  const store = holder.store;
  holder.store = {
    async apply(writes: readonly RecordWrite[]) {
      const t0 = performance.now();
      try {
        return await store.apply(writes);
      } finally {
        const ops: Record<string, number> = {};
        for (const w of writes) ops[w.op] = (ops[w.op] ?? 0) + 1;
        batches.push({ writes: writes.length, ms: performance.now() - t0, ops });
      }
    },
  };

  return {
    timing(t) {
      const entry = calls.get(t.sipCallId) ?? {};
      if (t.phase === "invite-received") entry.invite ??= t.at;
      if (t.phase === "trunk-answered") {
        entry.answered ??= t.at;
        entry.callId ??= t.callId;
      }
      calls.set(t.sipCallId, entry);
    },
    clear() {
      ng.clear();
      calls.clear();
      commands.clear();
      batches.length = 0;
    },
    report() {
      const rows: Array<{ total: number; admission: number; offerRtt: number; between: number; answerRtt: number; toTrunk200: number }> = [];
      for (const c of calls.values()) {
        if (c.invite === undefined || c.answered === undefined || c.callId === undefined) continue;
        const list = ng.get(c.callId) ?? [];
        const offer = list.find((t) => t.command === "offer");
        const answer = list.find((t) => t.command === "answer");
        if (!offer?.replied || !answer?.replied) continue;
        rows.push({
          total: c.answered - c.invite,
          admission: offer.sent - c.invite,
          offerRtt: offer.replied - offer.sent,
          between: answer.sent - offer.replied,
          answerRtt: answer.replied - answer.sent,
          toTrunk200: c.answered - answer.replied,
        });
      }
      rows.sort((a, b) => a.total - b.total);
      const slowest = rows.slice(Math.floor(rows.length * 0.95));
      const mean = (values: number[]) => round(values.reduce((s, v) => s + v, 0) / Math.max(1, values.length), 1);
      const phase = (key: keyof (typeof rows)[number]) => ({ ...latency(rows.map((r) => r[key])), slowest5PctMeanMs: mean(slowest.map((r) => r[key])) });
      const batchMs = batches.map((b) => b.ms);
      const ops: Record<string, number> = {};
      for (const b of batches) for (const [k, v] of Object.entries(b.ops)) ops[k] = (ops[k] ?? 0) + v;
      return {
        calls: rows.length,
        admission: phase("admission"),
        offerRtt: phase("offerRtt"),
        between: phase("between"),
        answerRtt: phase("answerRtt"),
        toTrunk200: phase("toTrunk200"),
        ngRttByCommand: Object.fromEntries([...commands].map(([k, v]) => [k, { n: v.length, p50Ms: latency(v).p50Ms, p99Ms: latency(v).p99Ms }])),
        recordBatches: {
          n: batches.length,
          writes: batches.reduce((s, b) => s + b.writes, 0),
          writesPerBatchMax: Math.max(0, ...batches.map((b) => b.writes)),
          ms: latency(batchMs),
          totalMs: round(batchMs.reduce((s, v) => s + v, 0), 0),
          ops,
        },
      };
    },
  };
}
