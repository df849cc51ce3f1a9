/**
 * A supervisor acting on an operator from the board: pause (with one of the configured pause reasons), resume, log
 * out of the queues, or change the operator's queues and levels for the day (back to the usual ones at the end of the
 * day, or at once); each with the supervisor's reason, validated here (zod) and logged as a `board.operator-action`
 * event (who, whom, what, why).
 */
import { z } from "zod";
import type { NewCallEvent } from "../../db/queries/calls";
import type { EngineEvent } from "../queue";
import { MAX_DAY_LEVEL } from "./day-queues";

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

/** What the board sends (`operator:set-queues`): the operator's queues for today; an empty list restores the usual ones. */
export const dayQueuesSchema = z.object({
  userId: z.number().int().positive(),
  queues: z
    .array(z.object({ queueId: z.number().int().positive(), level: z.number().int().min(1).max(MAX_DAY_LEVEL).nullable() }))
    .max(500)
    .refine((list) => new Set(list.map((q) => q.queueId)).size === list.length, "a queue twice"),
  note,
});
export type DayQueuesRequest = z.infer<typeof dayQueuesSchema>;

export type DayQueuesResult = { ok: true } | { ok: false; error: "invalid" | "unknown-operator" | "unknown-queue" | "unavailable" | "failed" };

/** An operator's queues as the board's form shows them (see EngineConfig.operatorQueues). */
export interface OperatorQueuesView {
  queues: Array<{ id: number; name: string; usual: number | null; today: number | null }>;
  /** A supervisor changed them for today. */
  changed: boolean;
}

export interface DayQueuesDeps {
  knows(userId: number): boolean;
  queueExists(queueId: number): boolean;
  /** Today, YYYY-MM-DD in the hotline's zone. */
  day(): string;
  /** Stores the day's memberships (empty: the usual ones again). */
  save(day: string, userId: number, queues: DayQueuesRequest["queues"], by: number, note: string): Promise<void>;
  /** Re-reads memberships into the queue engine. */
  resync(): Promise<void>;
  log(event: NewCallEvent): void;
  now(): number;
}

/**
 * Sets the operator's queues for today for supervisor `by`: stored, then the engine re-reads memberships (calls are
 * offered by the new ones at once), logged. Never throws: a database failure answers `failed` and changes nothing.
 */
export async function setQueuesForDay(deps: DayQueuesDeps, by: number, input: unknown): Promise<DayQueuesResult> {
  const parsed = dayQueuesSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: "invalid" };
  const request = parsed.data;
  if (!deps.knows(request.userId)) return { ok: false, error: "unknown-operator" };
  if (request.queues.some((q) => !deps.queueExists(q.queueId))) return { ok: false, error: "unknown-queue" };
  const day = deps.day();
  try {
    await deps.save(day, request.userId, request.queues, by, request.note);
    await deps.resync();
  } catch {
    return { ok: false, error: "failed" };
  }
  deps.log({
    at: new Date(deps.now()),
    type: "board.operator-action",
    operatorId: request.userId,
    data: { by, action: request.queues.length === 0 ? "queues-usual" : "queues", note: request.note, day, queues: request.queues },
  });
  return { ok: true };
}
