/**
 * The closed sets of values a queue's settings take, as runtime lists: the database enums, the
 * admin form's selects and the input schema are all built from them. They mirror the engine's
 * types (server/queue/queue-settings.ts); the checks at the bottom fail to compile if the engine
 * gains or loses a value, so the stored settings cannot drift from what the engine understands.
 */
import type { QueueAction, QueueSettings, Strategy } from "../queue/queue-settings";

export const STRATEGIES = ["longest-idle", "round-robin", "fewest-calls", "least-talk-time", "ring-all", "skills"] as const;

/** Stored kind of a {@link QueueAction}; overflow also stores its target queue id. */
export const QUEUE_ACTIONS = ["hang-up", "overflow", "callback"] as const;
export type QueueActionKind = (typeof QUEUE_ACTIONS)[number];

export const JOIN_WHEN = ["always", "logged-in", "staffed"] as const;
export const LEAVE_WHEN = ["never", "none-logged-in", "none-staffed"] as const;

/** The three places a queue sends a caller away; each has its own action and target. */
export const ACTION_SLOTS = ["maxWait", "queueFull", "noOperators"] as const;
export type ActionSlot = (typeof ACTION_SLOTS)[number];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exact = <T extends true>(value: T) => value;
exact<Same<(typeof STRATEGIES)[number], Strategy>>(true);
exact<Same<QueueActionKind, QueueAction["type"]>>(true);
exact<Same<(typeof JOIN_WHEN)[number], QueueSettings["joinWhen"]>>(true);
exact<Same<(typeof LEAVE_WHEN)[number], QueueSettings["leaveWhen"]>>(true);
