/**
 * The supervisors' queues panel end to end: real SIPp callers through the B2BUA and rtpengine, a test operator on the
 * SIP WebSocket, and a supervisor's board socket (`/board`, session cookie): the board is pushed the waiting callers,
 * then, after one answer and one abandon, today's figures; a feed rebuilt from the database at that point (what a
 * restart does) shows the same figures.
 */
import type { OperatorQueuesView } from "../../../server/board/operator-actions";
import { eq } from "drizzle-orm";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callEvents } from "../../../db/schema";
import { applyPanelDelta } from "../../../server/board/board-delta";
import { BoardFeed } from "../../../server/board/board-feed";
import type { QueuePanelView } from "../../../server/board/board-view";
import { SESSION_COOKIE } from "../../../server/auth/session-cookie";
import { silentLogger } from "../../../server/logger";
import type { BoardClientToServer, BoardServerToClient, WallboardClientToServer } from "../../../server/realtime/events";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let board: Socket<BoardServerToClient, BoardClientToServer>;
const panels = new Map<string, QueuePanelView>();
const panel = () => panels.get("Support");

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Support");
  await harness.cli("number", "add", "1000", "--queue", "Support");
  await harness.cli("user", "add", "sofia", "--role", "supervisor", "--password", "sofia-password-1");
  const login = await harness.hotline.services.auth.login({ username: "sofia", password: "sofia-password-1", address: "127.0.0.1" });
  if (!login.ok) throw new Error("supervisor login failed");
  board = io(`${harness.hotline.url}/board`, {
    extraHeaders: { cookie: `${SESSION_COOKIE}=${login.token}` },
    transports: ["websocket"],
    // Its own connection: the test operator's desk socket must not share (and be authenticated by) this one.
    forceNew: true,
  });
  board.on("board:queue", ({ queue, serverNow }) => {
    const next = applyPanelDelta(panels.get(queue.name), queue, serverNow);
    if (next) panels.set(queue.name, next);
  });
  const snapshot = await new Promise<Parameters<Parameters<BoardClientToServer["board:get"]>[0]>[0]>((resolve) => board.emit("board:get", resolve));
  for (const q of snapshot.queues) panels.set(q.name, q);
}, 60_000);
afterAll(async () => {
  board?.disconnect();
  await harness?.stop();
});

describe("the board's queues panel", () => {
  it("refuses a board socket without a supervisor's session", async () => {
    const anonymous = io(`${harness.hotline.url}/board`, { transports: ["websocket"], reconnection: false, forceNew: true });
    const error = await new Promise<Error>((resolve) => anonymous.on("connect_error", resolve));
    expect(error.message).toBe("unauthorized");
    anonymous.disconnect();
  });

  it("serves a wallboard account its large figures, and refuses it the supervisors' board", async () => {
    await harness.cli("user", "add", "tv1", "--role", "wallboard", "--password", "tv1-password-123");
    const login = await harness.hotline.services.auth.login({ username: "tv1", password: "tv1-password-123", address: "127.0.0.1" });
    if (!login.ok) throw new Error("wallboard login failed");
    const cookie = `${SESSION_COOKIE}=${login.token}`;
    const refused = io(`${harness.hotline.url}/board`, { extraHeaders: { cookie }, transports: ["websocket"], reconnection: false, forceNew: true });
    expect((await new Promise<Error>((resolve) => refused.on("connect_error", resolve))).message).toBe("forbidden");
    refused.disconnect();
    const tv = io(`${harness.hotline.url}/wallboard`, { extraHeaders: { cookie }, transports: ["websocket"], forceNew: true });
    const snapshot = await new Promise<Parameters<Parameters<WallboardClientToServer["wallboard:get"]>[0]>[0]>((resolve) => tv.emit("wallboard:get", resolve));
    expect(snapshot.queues).toEqual([expect.objectContaining({ name: "Support", waitingCount: 0, serviceLevel: null, available: 0 })]);
    expect(JSON.stringify(snapshot)).not.toContain("+1555");
    tv.disconnect();
  });

  it("shows two callers waiting, then one answered and one abandoned in today's figures", async () => {
    expect(panel()).toMatchObject({ waitingCount: 0, today: { offered: 0, answered: 0, abandoned: 0, serviceLevel: null } });
    const operator = await harness.operator("amina");
    await harness.cli("queue", "member", "Support", "amina");
    // The first caller talks 15 s once answered; the second gives up after 7 s in the queue (not a short abandon).
    const first = runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { holdMs: 15_000, timeoutS: 40 });
    await waitUntil("the first caller on the board", async () => panel(), (p) => p?.waitingCount === 1);
    const second = runSipp("caller-hangs-up-while-queued.xml", harness.sipTarget, { holdMs: 7_000, timeoutS: 40 });
    const waiting = await waitUntil("two callers on the board", async () => panel(), (p) => p?.waitingCount === 2);
    expect(waiting!.waiting.map((w) => w.position)).toEqual([1, 2]);
    expect(waiting!.waiting[0]!.since).toBeLessThanOrEqual(waiting!.waiting[1]!.since);
    expect(waiting!.staff.loggedIn).toBe(1);
    // The operator is paused (not ready): callers wait and nobody is available (on by default for a queue).
    expect(waiting!.alerts.map((a) => a.kind)).toEqual(["nobody-available"]);

    // Callers wait: the operator is offered the first at once (goAvailable would wait for an idle "available").
    await operator.setStatus({ status: "available" });
    const talking = await waitUntil("the first caller answered", async () => panel(), (p) => p?.calls.length === 1 && p.waitingCount === 1, 10_000);
    expect(talking!.calls[0]!.operatorId).toBe(Number((await harness.hotline.services.users.list()).find((u) => u.username === "amina")!.id));
    expect(talking!.today.answered).toBe(1);

    expect((await second).code).toBe(0);
    const after = await waitUntil("the abandon in the figures", async () => panel(), (p) => p?.today.abandoned === 1 && p.waitingCount === 0, 15_000);
    expect(after!.today).toMatchObject({ offered: 2, answered: 1, answeredWithinSl: 1, abandoned: 1, shortAbandons: 0, serviceLevel: 0.5 });
    expect(after!.today.longestWaitMs).toBeGreaterThanOrEqual(6_500);

    expect((await first).code).toBe(0);
    const ended = await waitUntil("the call to end", async () => panel(), (p) => p?.calls.length === 0, 10_000);
    expect(ended!.today.answered).toBe(1);
    expect(ended!.alerts).toEqual([]);

    // A restart rebuilds the same figures from the records (once the write-behind reached the database).
    await harness.hotline.telephony!.controller.records.flushWithin(5_000);
    const rebuilt = new BoardFeed({
      db: harness.hotline.services.database.db,
      clock: { now: () => Date.now() },
      logger: silentLogger,
      zone: harness.hotline.services.config.TIMEZONE,
      publish: { queue: () => {}, operators: () => {} },
      log: () => {},
    });
    await rebuilt.rebuild();
    const queueId = ended!.queueId;
    expect(rebuilt.state.figures.queueFigures(queueId)).toEqual(harness.hotline.telephony!.board.state.figures.queueFigures(queueId));
    rebuilt.stop();
    // The supervisor sends the operator to lunch from the board, then logs her out; each action is logged.
    const act = (request: unknown) => new Promise<unknown>((resolve) => board.emit("operator:act", request as never, resolve));
    const aminaId = talking!.calls[0]!.operatorId;
    expect(await act({ action: "pause", userId: aminaId, pauseReason: "lunch", note: "" })).toEqual({ ok: false, error: "invalid" });
    expect(await act({ action: "pause", userId: aminaId, pauseReason: "nap", note: "long call" })).toEqual({ ok: false, error: "unknown-pause-reason" });
    expect(await act({ action: "pause", userId: aminaId, pauseReason: "lunch", note: "after a hard call" })).toEqual({ ok: true });
    await operator.waitFor(() => operator.state?.status === "paused" || operator.state?.pendingPause?.reason === "lunch", "the supervisor's pause");
    expect(await act({ action: "logout", userId: aminaId, note: "end of day" })).toEqual({ ok: true });
    await operator.waitFor(() => operator.state?.status === "offline" && !operator.state.presence.loggedIn, "the supervisor's logout");
    // Her queues for today: read, changed (level 3), read back as changed.
    const queuesOf = (userId: number) => new Promise<OperatorQueuesView | undefined>((resolve) => board.emit("operator:queues", userId, resolve));
    expect((await queuesOf(aminaId))?.queues.find((q) => q.id === queueId)).toMatchObject({ usual: 1, today: 1 });
    const setQueues = (request: unknown) => new Promise<unknown>((resolve) => board.emit("operator:set-queues", request as never, resolve));
    expect(await setQueues({ userId: aminaId, queues: [{ queueId, level: 3 }], note: "training" })).toEqual({ ok: true });
    expect(await queuesOf(aminaId)).toMatchObject({ changed: true, queues: expect.arrayContaining([expect.objectContaining({ id: queueId, usual: 1, today: 3 })]) });
    await harness.hotline.telephony!.controller.records.flushWithin(5_000);
    const actions = await harness.hotline.services.database.db.select().from(callEvents).where(eq(callEvents.type, "board.operator-action")).orderBy(callEvents.id);
    const sofiaId = (await harness.hotline.services.users.list()).find((u) => u.username === "sofia")!.id;
    expect(actions.map((e) => [e.operatorId, e.data])).toEqual([
      [aminaId, { by: sofiaId, action: "pause", note: "after a hard call", pauseReason: "lunch" }],
      [aminaId, { by: sofiaId, action: "logout", note: "end of day" }],
      [aminaId, { by: sofiaId, action: "queues", note: "training", day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), queues: [{ queueId, level: 3 }] }],
    ]);

    // Each alert raised and cleared is in the event log.
    const alerts = await harness.hotline.services.database.db.select().from(callEvents).where(eq(callEvents.type, "board.alert")).orderBy(callEvents.id);
    expect(alerts.map((e) => [e.queueId, e.data.kind, e.data.change])).toEqual([
      [queueId, "nobody-available", "raised"],
      [queueId, "nobody-available", "cleared"],
    ]);
  }, 90_000);
});
