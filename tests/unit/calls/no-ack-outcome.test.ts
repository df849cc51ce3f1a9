/**
 * A caller whose leg ends because Hotline's 200 OK was never ACKed (RFC 3261 §13.3.1.4, the trunk leg's `no-ack`)
 * did not give up: the record is closed `failed` with end reason `no-ack` and ended by the system, and the board's
 * abandon figures leave it out. A caller who hangs up (BYE) while queued stays an abandon. Fake legs and media, the
 * real queue engine, the record writes replayed into the board's state.
 */
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { BoardState } from "../../../server/board/board-state";
import { FakeMedia, settle } from "./call-fakes";
import { rig } from "./call-rig";

beforeEach(() => {
  vi.useFakeTimers();
  FakeMedia.open.clear();
});
afterEach(() => vi.useRealTimers());

/** The record as its writes leave it (patches in order), and the board's figures of queue 1 from the same writes. */
async function closed(r: ReturnType<typeof rig>, callId: string) {
  await vi.advanceTimersByTimeAsync(1);
  await settle();
  await r.controller.records.flushWithin(1000);
  const record = Object.assign({}, ...r.store.patches(callId)) as Record<string, unknown>;
  const board = new BoardState("UTC", r.clock.now());
  board.setQueues([{ id: 1, name: "sales", slThresholdS: 20 }], new Map());
  for (const write of r.store.writes) board.applyWrite(write, r.clock.now());
  return { record, figures: board.figures.queueFigures(1) };
}

it("a queued caller whose 200 OK was never ACKed is a failed call (no-ack), not an abandon", async () => {
  const r = rig();
  const { trunk, callId } = await r.call("100");
  expect(trunk.answered).toBeDefined();
  r.clock.t += 32_000;
  trunk.hangup("no-ack");
  const { record, figures } = await closed(r, callId);
  expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "no-ack" });
  expect(figures).toMatchObject({ offered: 1, abandoned: 0, shortAbandons: 0 });
  expect(r.controller.activeCalls).toBe(0);
});

it("a queued caller who hangs up is still an abandon", async () => {
  const r = rig();
  const { trunk, callId } = await r.call("100");
  r.clock.t += 32_000;
  trunk.bye();
  const { record, figures } = await closed(r, callId);
  expect(record).toMatchObject({ outcome: "abandoned", endedBy: "caller", endReason: "caller-hung-up" });
  expect(figures).toMatchObject({ offered: 1, abandoned: 1 });
});

it("a caller still in the number's menu when the 200 OK times out is a failed call too", async () => {
  const menu = {
    options: [{ digit: "1", action: "queue:sales" }],
    prompts: ["custom/sales-1"],
    invalid: undefined,
    queues: new Map([["1", { queueId: 1, queueName: "sales" }]]),
  };
  const r = rig({ "100": { language: "en", greeting: undefined, closed: undefined, queue: undefined, menu } });
  const { trunk, callId } = await r.call("100");
  trunk.hangup("no-ack");
  const { record } = await closed(r, callId);
  expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "no-ack" });
});
