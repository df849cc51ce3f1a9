/**
 * The report by operator credits each operator of a transferred call with their own segment (server/reports/
 * call-report.ts, creditSegments): talk and hold of each segment, the wrap-up to the last operator, the answer to the
 * first; the other calls' sums untouched.
 */
import { expect, it } from "vitest";
import { NO_CALLS } from "../../../db/queries/call-reports";
import { creditSegments } from "../../../server/reports/call-report";

const T0 = Date.UTC(2026, 2, 10, 8, 0, 0);
const at = (s: number) => new Date(T0 + s * 1000);
let id = 0;
const event = (s: number, type: string, operatorId: number | null, data: Record<string, unknown> = {}) => ({ id: ++id, at: at(s), type, callId: "c1", operatorId, queueId: 1, data });

it("moves a transferred call's talk, hold and wrap-up from the first operator to each segment's", () => {
  // Amina (7) answers at 5 s and transfers at 25 s; Bob (8) answers at 30 s, holds 32-35 s, the call ends at 44 s,
  // his wrap-up ends at 54 s. The record: Amina, answered 5 s, ended 44 s, wrap-up until 54 s, 3 s hold.
  const rows = [
    { ...NO_CALLS, key: "7", answered: 2, handled: 2, talkS: 36 + 100, holdS: 3, wrapUpS: 10, handleS: 49 + 100 },
  ];
  const split = {
    records: [{ id: "c1", operatorId: 7, answeredAt: at(5), endedAt: at(44), wrapUpEndedAt: at(54), holdMs: 3000 }],
    events: [
      event(5, "call.answered", 7),
      event(25, "call.transferred", 7, { toOperatorId: "8" }),
      event(30, "call.answered", 8),
      event(32, "call.held", 8),
      event(35, "call.resumed", 8, { heldMs: 3000 }),
      event(44, "call.finished", null),
    ],
  };
  const credited = creditSegments(rows, split);
  const pick = (r: (typeof credited)[number]) => ({ key: r.key, answered: r.answered, handled: r.handled, talkS: r.talkS, holdS: r.holdS, wrapUpS: r.wrapUpS, handleS: r.handleS });
  expect(credited.map(pick)).toEqual([
    { key: "7", answered: 2, handled: 2, talkS: 20 + 100, holdS: 0, wrapUpS: 0, handleS: 20 + 100 },
    { key: "8", answered: 0, handled: 1, talkS: 11, holdS: 3, wrapUpS: 10, handleS: 11 + 3 + 10 },
  ]);
});
