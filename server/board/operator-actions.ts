/**
 * A supervisor acting on an operator from the board: pause (with one of the configured pause reasons), resume, or
 * log out of the queues; each with the supervisor's reason, validated here (zod) and logged as a
 * `board.operator-action` event (who, whom, what, why).
 */
import { z } from "zod";
import type { NewCallEvent } from "../../db/queries/calls";
import type { EngineEvent } from "../queue";

const note = z.string().trim().min(1).max(200);

/** What the board sends (`operator:act`). */
export const operatorActionSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("pause"), userId: z.number().int().positive(), pauseReason: z.string().trim().min(1).max(40), note }),
  z.object({ action: z.literal("resume"), userId: z.number().int().positive(), note }),
  z.object({ action: z.literal("logout"), userId: z.number().int().positive(), note }),
]);
export type OperatorAction = z.infer<typeof operatorActionSchema>;

export type OperatorActionResult = { ok: true } | { ok: false; error: "invalid" | "unknown-operator" | "unknown-pause-reason" | "unavailable" };

export interface OperatorActionDeps {
  /** Whether the engine knows this operator (an active account). */
  knows(userId: number): boolean;
  pauseReasons(): ReadonlySet<string>;
  dispatch(event: EngineEvent): void;
  log(event: NewCallEvent): void;
  now(): number;
}

/** Carries out one validated action for supervisor `by`; never throws. */
export function actOnOperator(deps: OperatorActionDeps, by: number, input: unknown): OperatorActionResult {
  const parsed = operatorActionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "invalid" };
  const request = parsed.data;
  if (!deps.knows(request.userId)) return { ok: false, error: "unknown-operator" };
  const operatorId = String(request.userId);
  if (request.action === "pause") {
    if (!deps.pauseReasons().has(request.pauseReason)) return { ok: false, error: "unknown-pause-reason" };
    deps.dispatch({ type: "pause-requested", operatorId, reason: request.pauseReason });
  } else if (request.action === "resume") {
    deps.dispatch({ type: "resume-requested", operatorId });
  } else {
    deps.dispatch({ type: "operator-logged-out", operatorId });
  }
  deps.log({
    at: new Date(deps.now()),
    type: "board.operator-action",
    operatorId: request.userId,
    data: { by, action: request.action, note: request.note, ...(request.action === "pause" && { pauseReason: request.pauseReason }) },
  });
  return { ok: true };
}
