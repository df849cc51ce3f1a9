/**
 * Hours on the board and the desk, live (issue 11, point 5): when a closure (a holiday) is added to the schedule of
 * a queue's number, the hours runtime re-evaluates and the supervisor's `/board` socket is pushed the queue's panel
 * closed with the closure's reason and its next opening; the operator's `/desk` socket is pushed their queues'
 * hours with `allClosed`. No polling: both arrive as pushes after the change.
 */
import { DateTime } from "luxon";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SESSION_COOKIE } from "../../../server/auth/session-cookie";
import { applyPanelDelta } from "../../../server/board/board-delta";
import type { QueuePanelView } from "../../../server/board/board-view";
import type { DeskHoursView } from "../../../server/hours/hours-desk";
import type { BoardClientToServer, BoardServerToClient, DeskClientToServer, DeskServerToClient } from "../../../server/realtime/events";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let board: Socket<BoardServerToClient, BoardClientToServer>;
let desk: Socket<DeskServerToClient, DeskClientToServer>;
const panels = new Map<string, QueuePanelView>();
let deskHours: DeskHoursView | undefined;
const zone = "Europe/Paris";
const today = DateTime.now().setZone(zone).startOf("day");

async function socketFor(namespace: "board" | "desk", username: string, role: string) {
  await harness.cli("user", "add", username, "--role", role, "--password", `${username}-password-1`);
  const login = await harness.hotline.services.auth.login({ username, password: `${username}-password-1`, address: "127.0.0.1" });
  if (!login.ok) throw new Error(`${username} login failed`);
  return io(`${harness.hotline.url}/${namespace}`, { extraHeaders: { cookie: `${SESSION_COOKIE}=${login.token}` }, transports: ["websocket"], forceNew: true });
}

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Admissions");
  await harness.cli("number", "add", "5350", "--queue", "Admissions");
  await harness.cli("schedule", "add", "Campus", "--weekly", "mon-sun 00:00-24:00", "--tz", zone);
  await harness.cli("number", "set", "5350", "--schedule", "Campus");
  board = (await socketFor("board", "sofia", "supervisor")) as Socket<BoardServerToClient, BoardClientToServer>;
  board.on("board:queue", ({ queue, serverNow }) => {
    const next = applyPanelDelta(panels.get(queue.name), queue, serverNow);
    if (next) panels.set(queue.name, next);
  });
  const snapshot = await new Promise<Parameters<Parameters<BoardClientToServer["board:get"]>[0]>[0]>((resolve) => board.emit("board:get", resolve));
  for (const q of snapshot.queues) panels.set(q.name, q);
  desk = (await socketFor("desk", "omar", "operator")) as Socket<DeskServerToClient, DeskClientToServer>;
  desk.on("desk:hours", (view) => (deskHours = view));
  await harness.cli("queue", "member", "Admissions", "omar");
}, 60_000);
afterAll(async () => {
  board?.disconnect();
  desk?.disconnect();
  await harness?.stop();
});

it("the board and the desk are pushed a queue closed for a holiday, with its reason and next opening", async () => {
  expect(panels.get("Admissions")?.hours).toMatchObject({ state: "open" });
  await waitUntil("the desk's first hours", async () => deskHours, (v) => v !== undefined && v.queues.length === 1);
  expect(deskHours).toMatchObject({ allClosed: false, queues: [{ name: "Admissions", hours: { state: "open" } }] });

  await harness.cli("schedule", "closure", "Campus", "--from", today.toISODate()!, "--to", today.plus({ days: 1 }).toISODate()!, "--reason", "Holidays");
  const reopening = today.plus({ days: 2 }).toMillis();
  const panel = await waitUntil("the board's push", async () => panels.get("Admissions"), (p) => p?.hours?.state === "closed");
  expect(panel!.hours).toEqual({ state: "closed", until: reopening, closure: "Holidays" });
  const view = await waitUntil("the desk's push", async () => deskHours, (v) => v?.allClosed === true);
  expect(view).toEqual({ allClosed: true, queues: [{ queueId: panel!.queueId, name: "Admissions", hours: { state: "closed", until: reopening, closure: "Holidays" } }] });
}, 60_000);
