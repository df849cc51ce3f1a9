/**
 * Per-queue settings and their defaults. The engine only ever sees resolved settings, so no code path has to
 * remember a default.
 */
import type { AnnouncementKind } from "./engine-effects.js";

/** How a queue chooses among idle operators when a caller arrives. */
export type Strategy =
  /** The operator idle for the longest time (the fairest default). */
  | "longest-idle"
  /** Rotate through members, remembering where the rotation stopped (least recently offered by this queue). */
  | "round-robin"
  /** The operator with the fewest answered calls since shift start. */
  | "fewest-calls"
  /** The operator with the least talk time since shift start. */
  | "least-talk-time"
  /** Every eligible idle operator rings at once; the first to answer wins. */
  | "ring-all"
  /** Operators have a tier per queue; tier n is tried only after the caller waited `tierDelaysMs[n-1]`. */
  | "skills";

/** What happens to a caller who leaves a queue without an operator (max wait, queue full, nobody there). */
export type QueueAction =
  | { type: "overflow"; queueId: string }
  | { type: "callback" }
  | { type: "hang-up"; announcement: AnnouncementKind };

/** Fully resolved settings of one queue. */
export interface QueueSettings {
  id: string;
  strategy: Strategy;
  /** Added to each caller's priority; lets one queue outrank another for operators serving both. */
  weight: number;
  ringTimeoutMs: number;
  /** After a missed offer, the same operator is not offered the same caller again for this long. */
  retryDelayMs: number;
  /** 0 sends the operator straight back to available. */
  wrapUpMs: number;
  /** Undefined: callers may wait forever. */
  maxWaitMs: number | undefined;
  maxWaitAction: QueueAction;
  /** Undefined: unlimited. Counts waiting callers only, not ringing ones. */
  maxQueueLength: number | undefined;
  queueFullAction: QueueAction;
  /** A caller may join when: always, when at least one member is logged in, or at least one is staffed. */
  joinWhen: "always" | "logged-in" | "staffed";
  /** Waiting callers are sent away when the last member logs out / stops staffing. */
  leaveWhen: "never" | "none-logged-in" | "none-staffed";
  noOperatorsAction: QueueAction;
  /** Carried in answer records so reports need not know the setting in force at the time. */
  serviceLevelMs: number;
  shortAbandonMs: number;
  /** Position and estimated-wait announcement interval; undefined disables it. */
  positionAnnounceEveryMs: number | undefined;
  periodicAnnounceEveryMs: number | undefined;
  /** Delay before tier n (1-based) is tried, for the skills strategy; tiers past the end use the last value. */
  tierDelaysMs: readonly number[];
  /** Consecutive missed offers before the operator is paused "missed-calls"; 0 disables. */
  maxMissedOffers: number;
  /** Members allowed on a limited pause (break, lunch) at once; undefined means unlimited. */
  maxOnBreak: number | undefined;
  /** A closed queue plays the closed announcement and hangs up new callers. */
  open: boolean;
  /** Seed for the estimated-wait average before any call was handled. */
  initialHandleTimeMs: number;
}

/** Settings as configured: only the id is required. */
export type QueueSettingsInput = Partial<QueueSettings> & { id: string };

const DEFAULTS: Omit<QueueSettings, "id"> = {
  strategy: "longest-idle",
  weight: 0,
  ringTimeoutMs: 20_000,
  retryDelayMs: 5_000,
  wrapUpMs: 10_000,
  maxWaitMs: undefined,
  maxWaitAction: { type: "hang-up", announcement: "max-wait" },
  maxQueueLength: undefined,
  queueFullAction: { type: "hang-up", announcement: "queue-full" },
  joinWhen: "always",
  leaveWhen: "never",
  noOperatorsAction: { type: "hang-up", announcement: "no-operators" },
  serviceLevelMs: 20_000,
  shortAbandonMs: 5_000,
  positionAnnounceEveryMs: undefined,
  periodicAnnounceEveryMs: undefined,
  tierDelaysMs: [0],
  maxMissedOffers: 3,
  maxOnBreak: undefined,
  open: true,
  initialHandleTimeMs: 180_000,
};

/** Fills in defaults; tier delays are made non-decreasing because tier search relies on it. */
export function resolveQueueSettings(input: QueueSettingsInput): QueueSettings {
  const merged: QueueSettings = { ...DEFAULTS, id: input.id };
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  let floor = 0;
  const delays = (merged.tierDelaysMs.length > 0 ? merged.tierDelaysMs : [0]).map((d) => (floor = Math.max(floor, d)));
  return { ...merged, tierDelaysMs: delays };
}

/** How long a caller must wait in the queue before tier `tier` (1-based) may be offered the call. */
export function tierDelayMs(settings: QueueSettings, tier: number): number {
  if (settings.strategy !== "skills") return 0;
  const delays = settings.tierDelaysMs;
  return delays[Math.min(Math.max(tier, 1), delays.length) - 1] ?? 0;
}
