import { describe, expect, it } from "vitest";
import { callSegments } from "../../../server/calls/call-segments";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, s));
let id = 0;
const event = (s: number, type: string, operatorId: number | null = null, data: Record<string, unknown> = {}) => ({ id: ++id, at: at(s), type, operatorId, queueId: 1, data });

describe("call segments from the event log", () => {
  it("a transferred call has one segment per operator, each with its talk time and how it ended", () => {
    const segments = callSegments([
      event(0, "call.caller-entered"),
      event(5, "call.answered", 7),
      event(65, "call.transferred", 7, { toQueueId: "2" }),
      event(80, "call.answered", 9),
      event(200, "call.finished"),
    ]);
    expect(segments).toEqual([
      { operatorId: 7, queueId: 1, from: at(5), to: at(65), talkMs: 60_000, endedBy: "transfer", transferredTo: { queueId: 2 } },
      { operatorId: 9, queueId: 1, from: at(80), to: at(200), talkMs: 120_000, endedBy: "call-ended" },
    ]);
  });

  it("a dropped operator line ends a segment; a call still going has an open one", () => {
    const segments = callSegments([event(1, "call.answered", 3), event(10, "call.operator-leg-failed", 3), event(20, "call.answered", 4)]);
    expect(segments.map((s) => [s.operatorId, s.endedBy, s.talkMs])).toEqual([
      [3, "leg-failed", 9_000],
      [4, undefined, undefined],
    ]);
  });
});
