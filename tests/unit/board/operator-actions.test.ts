/** A supervisor's actions on an operator (server/board/operator-actions.ts): validated, carried out, logged. */
import { describe, expect, it } from "vitest";
import { actOnOperator, type OperatorActionDeps } from "../../../server/board/operator-actions";
import type { NewCallEvent } from "../../../db/queries/calls";
import type { EngineEvent } from "../../../server/queue";

function deps() {
  const dispatched: EngineEvent[] = [];
  const logged: NewCallEvent[] = [];
  const d: OperatorActionDeps = { knows: (id) => id === 7, pauseReasons: () => new Set(["break", "lunch"]), dispatch: (e) => dispatched.push(e), log: (e) => logged.push(e), now: () => 1000 };
  return { d, dispatched, logged };
}

describe("operator actions from the board", () => {
  it("pauses with a configured reason, resumes and logs out, logging who did what and why", () => {
    const { d, dispatched, logged } = deps();
    expect(actOnOperator(d, 2, { action: "pause", userId: 7, pauseReason: "lunch", note: " long call " })).toEqual({ ok: true });
    expect(actOnOperator(d, 2, { action: "resume", userId: 7, note: "back" })).toEqual({ ok: true });
    expect(actOnOperator(d, 2, { action: "logout", userId: 7, note: "shift over" })).toEqual({ ok: true });
    expect(dispatched).toEqual([
      { type: "pause-requested", operatorId: "7", reason: "lunch" },
      { type: "resume-requested", operatorId: "7" },
      { type: "operator-logged-out", operatorId: "7" },
    ]);
    expect(logged.map((e) => [e.type, e.operatorId, e.data])).toEqual([
      ["board.operator-action", 7, { by: 2, action: "pause", note: "long call", pauseReason: "lunch" }],
      ["board.operator-action", 7, { by: 2, action: "resume", note: "back" }],
      ["board.operator-action", 7, { by: 2, action: "logout", note: "shift over" }],
    ]);
  });

  it("refuses a request without a reason, an unknown operator or pause reason, and does nothing then", () => {
    const { d, dispatched, logged } = deps();
    expect(actOnOperator(d, 2, { action: "pause", userId: 7, pauseReason: "lunch", note: "  " })).toEqual({ ok: false, error: "invalid" });
    expect(actOnOperator(d, 2, { action: "explode", userId: 7, note: "x" })).toEqual({ ok: false, error: "invalid" });
    expect(actOnOperator(d, 2, { action: "resume", userId: 8, note: "x" })).toEqual({ ok: false, error: "unknown-operator" });
    expect(actOnOperator(d, 2, { action: "pause", userId: 7, pauseReason: "nap", note: "x" })).toEqual({ ok: false, error: "unknown-pause-reason" });
    expect(dispatched).toEqual([]);
    expect(logged).toEqual([]);
  });
});
