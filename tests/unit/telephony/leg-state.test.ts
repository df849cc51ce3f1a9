import { describe, expect, it } from "vitest";
import { CALL_SESSION_TRANSITIONS } from "../../../server/calls/session/session-state";
import { IllegalTransitionError, StateMachine, TypedEmitter } from "../../../server/telephony/leg-state";
import { OPERATOR_LEG_TRANSITIONS } from "../../../server/telephony/operator-leg";
import { TRUNK_LEG_TRANSITIONS } from "../../../server/telephony/trunk-leg";

describe("leg state machines", () => {
  it("move only along the table and throw on anything else", () => {
    const trunk = new StateMachine("trunk-leg", TRUNK_LEG_TRANSITIONS, "offered");
    trunk.move("answered");
    expect(() => trunk.move("offered")).toThrow(IllegalTransitionError);
    trunk.move("confirmed");
    trunk.move("ended");
    expect(trunk.final).toBe(true);
    expect(() => trunk.move("ended")).toThrow("trunk-leg: illegal transition ended -> ended");
  });

  it("an operator leg is held only once answered, and a ringing one cannot be held", () => {
    const leg = new StateMachine("operator-leg", OPERATOR_LEG_TRANSITIONS, "inviting");
    expect(leg.can("held")).toBe(false);
    leg.move("ringing");
    leg.move("answered");
    leg.move("held");
    leg.move("answered");
    expect(leg.state).toBe("answered");
  });

  it("every state of each table is reachable from its initial state, and ended is final", () => {
    for (const [table, initial] of [
      [TRUNK_LEG_TRANSITIONS, "offered"],
      [OPERATOR_LEG_TRANSITIONS, "inviting"],
      [CALL_SESSION_TRANSITIONS, "queued"],
    ] as const) {
      const seen = new Set<string>([initial]);
      const todo: string[] = [initial];
      while (todo.length) for (const next of (table as Record<string, readonly string[]>)[todo.pop()!]!) if (!seen.has(next) && seen.add(next)) todo.push(next);
      expect([...seen].sort()).toEqual(Object.keys(table).sort());
      expect((table as Record<string, readonly string[]>)["ended"]).toEqual([]);
    }
  });

  it("tells each move to its observer", () => {
    const moves: string[] = [];
    const machine = new StateMachine("call-session", CALL_SESSION_TRANSITIONS, "queued", (from, to) => moves.push(`${from}>${to}`));
    machine.move("talking");
    machine.move("held");
    expect(moves).toEqual(["queued>talking", "talking>held"]);
  });
});

describe("typed events", () => {
  class Emitter extends TypedEmitter<{ ended: (reason: string) => void; dtmf: (digit: string) => void }> {
    fire(reason: string) {
      this.emit("ended", reason);
    }
  }
  it("delivers to listeners of that event only, in order, and once() listeners once", () => {
    const emitter = new Emitter();
    const got: string[] = [];
    emitter.on("ended", (reason) => got.push(`a:${reason}`)).once("ended", (reason) => got.push(`b:${reason}`));
    emitter.on("dtmf", () => got.push("never"));
    emitter.fire("bye");
    emitter.fire("cancel");
    expect(got).toEqual(["a:bye", "b:bye", "a:cancel"]);
    emitter.removeAllListeners();
    emitter.fire("x");
    expect(got).toHaveLength(3);
  });
});
