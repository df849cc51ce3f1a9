/**
 * `board/push`: the supervisors' board under load. The real queue engine runs a steady 20 calls/s through 4 queues
 * with 80 scripted operators (answer after 0.3 s, talk about 2 s, 0.5 s wrap-up); every effect goes through the
 * real call-record mapping (CallRecords with a store that discards) to the real board feed and Socket.IO namespace,
 * pushed to N board clients in a child process. One line per board count with p50/p95/p99 of event -> update
 * received (the oldest event an update carries; the feed gathers changes for BOARD_FLUSH_MS), server CPU and
 * memory per board, bytes per update and per board per second. Authentication is bypassed (every socket is a
 * supervisor): it is the push path that is measured.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import type { Queue } from "../../db/schema";
import { BoardFeed, type BoardPublisher } from "../../server/board/board-feed";
import { serveBoard, socketBoardPublisher } from "../../server/board/board-socket";
import { CallRecords } from "../../server/calls/call-records";
import { silentLogger } from "../../server/logger";
import { DispatchEngine } from "../../server/queue/dispatch-engine";
import type { Effect } from "../../server/queue/engine-effects";
import type { EngineEvent } from "../../server/queue/engine-events";
import { createRealtimeServer } from "../../server/realtime/socket-server";
import { percentile, round } from "../queue/bench-stats";

const CALLS_PER_S = 20;
const OPERATORS = 80;
const QUEUES = [1, 2, 3, 4];
const RUN_MS = 8_000;
const BOARD_COUNTS = [1, 10, 50];
const HERE = path.dirname(fileURLToPath(import.meta.url));

async function run(boards: number): Promise<Record<string, unknown>> {
  const server = http.createServer();
  const realtime = createRealtimeServer(
    server,
    { authenticateSession: async () => ({ user: { id: 1, username: "bench", displayName: "Bench", role: "supervisor" }, sessionId: "s", expiresAt: Date.now() + 3_600_000 }) as never },
    { allowedOrigin: "http://127.0.0.1" },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The oldest event not yet pushed, per queue: each update carries it so the boards measure event -> arrival.
  const oldest = new Map<number, number>();
  const inner = socketBoardPublisher(realtime.board);
  const publisher: BoardPublisher = {
    queue: (view, serverNow) => {
      const eventAt = oldest.get(view.queueId);
      oldest.delete(view.queueId);
      // The boards joined every queue's room with board:get (the queues exist before they connect).
      realtime.board.to(`queue:${view.queueId}`).emit("board:queue", { queue: view, serverNow, eventAt } as never);
    },
    operators: (views, serverNow) => inner.operators(views, serverNow),
  };
  const feed = new BoardFeed({ db: undefined as never, clock: { now: () => Date.now() }, logger: silentLogger, zone: "Europe/Paris", publish: publisher, log: () => {} });
  serveBoard(realtime.board, () => feed);
  const queueRows = QUEUES.map((id) => ({ id, name: `queue-${id}`, slThresholdS: 20, alertSlBelowPct: 80, alertWaitOverS: 60, alertNobodyAvailable: true }) as Queue);
  const members = new Map(Array.from({ length: OPERATORS }, (_, i) => [i + 1, [QUEUES[i % QUEUES.length]!]] as const));
  feed.configure(queueRows, members);

  const records = new CallRecords({ store: { apply: async () => {} }, clock: { now: () => Date.now(), setTimer: (fn, ms) => setTimeout(fn, ms), clearTimer: (h) => clearTimeout(h as NodeJS.Timeout) }, logger: silentLogger });
  records.observe((write) => {
    const queueIds =
      write.op === "insert-call" ? [write.call.queueId]
      : write.op === "append-events" ? write.events.map((e) => e.queueId ?? (typeof e.data?.queueId === "string" ? Number(e.data.queueId) : null))
      : [];
    for (const id of queueIds) if (id != null && !oldest.has(id)) oldest.set(id, Date.now());
    feed.onWrite(write);
  });

  const engine = new DispatchEngine(
    {
      queues: QUEUES.map((id) => ({ id: String(id), wrapUpMs: 500, ringTimeoutMs: 15_000 })),
      operators: Array.from({ length: OPERATORS }, (_, i) => ({ id: String(i + 1), memberships: [{ queueId: String(QUEUES[i % QUEUES.length]) }] })),
    },
    Date.now(),
  );
  let timer: NodeJS.Timeout | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const dispatch = (event: EngineEvent) => {
    const now = Date.now();
    for (const effect of engine.handle(event, now)) apply(effect, now);
    clearTimeout(timer);
    const next = engine.nextDeadline();
    if (next !== undefined) timer = setTimeout(() => dispatch({ type: "timer" }), Math.max(0, next - Date.now()));
  };
  const apply = (effect: Effect, now: number) => {
    switch (effect.type) {
      case "record":
        return records.record(effect.entry);
      case "operator-state-changed":
        return records.log({ at: new Date(effect.since), type: "operator.state", operatorId: Number(effect.operatorId), data: { from: effect.previous, to: effect.status, presence: effect.presence } });
      case "offer":
        return later(300, () => dispatch({ type: "offer-answered", callId: effect.callId, operatorId: effect.operatorId }));
      default:
        void now;
    }
  };
  for (let i = 1; i <= OPERATORS; i++) for (const type of ["operator-logged-in", "socket-connected", "sip-registered"] as const) dispatch({ type, operatorId: String(i) });

  const clients = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "board-clients.ts")], { env: { ...process.env, URL: url, BOARDS: String(boards) }, stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: clients.stdout! });
  const nextLine = () => new Promise<string>((resolve) => lines.once("line", resolve));
  await nextLine();

  const cpuBefore = process.cpuUsage();
  const memBefore = process.memoryUsage().heapUsed;
  const started = Date.now();
  let seq = 0;
  const arrivals = setInterval(() => {
    const callId = `c${++seq}`;
    const queueId = QUEUES[seq % QUEUES.length]!;
    const at = new Date();
    records.enqueueWrite({ op: "insert-call", call: { id: callId, sipCallId: callId, callerNumber: `+33100${seq}`, dialedNumber: "100", queueId, arrivedAt: at, slThresholdS: 20, shortAbandonS: 5 } });
    dispatch({ type: "caller-entered", callId, queueId: String(queueId), callerNumber: `+33100${seq}` });
    later(2_000 + (seq % 7) * 100, () => dispatch({ type: "call-ended", callId }));
  }, 1000 / CALLS_PER_S);
  await new Promise((resolve) => setTimeout(resolve, RUN_MS));
  clearInterval(arrivals);
  const cpu = process.cpuUsage(cpuBefore);
  const memAfter = process.memoryUsage().heapUsed;
  const elapsedS = (Date.now() - started) / 1000;
  const result = nextLine();
  clients.stdin!.end();
  const { latencies, bytes, updates } = JSON.parse(await result) as { latencies: number[]; bytes: number; updates: number };
  clearTimeout(timer);
  for (const t of timers) clearTimeout(t);
  feed.stop();
  await records.close(100);
  await realtime.close();
  server.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    name: "board/push",
    boards,
    callsPerS: CALLS_PER_S,
    updates,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    p99Ms: percentile(sorted, 0.99),
    serverCpuPctPerBoard: round(((cpu.user + cpu.system) / 1000 / (elapsedS * 1000)) * 100 / boards, 3),
    serverCpuPct: round(((cpu.user + cpu.system) / 1000 / (elapsedS * 1000)) * 100, 1),
    heapKbPerBoard: round((memAfter - memBefore) / 1024 / boards, 1),
    bytesPerUpdate: updates === 0 ? 0 : Math.round(bytes / updates),
    kbPerSPerBoard: round(bytes / 1024 / elapsedS / boards, 2),
  };
}

export async function main(): Promise<void> {
  for (const boards of BOARD_COUNTS) console.log(JSON.stringify(await run(boards)));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
