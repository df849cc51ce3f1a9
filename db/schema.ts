/**
 * The one Drizzle schema, shared by embedded PGlite and PostgreSQL.
 *
 * Reporting is computed from two tables: `call_records` (one row a call, with every timestamp a
 * report needs) and `call_events` (an append-only log of everything that happens to a call and to
 * an operator's state). Definitions the columns are designed for:
 * - wait = answered_at (or ended_at when never answered) - queued_at
 * - service level = answered with wait <= sl_threshold_s / (answered + abandoned with wait >= short_abandon_s)
 * - ASA = mean wait of answered calls; AHT = talk + hold + wrap-up, where
 *   talk = ended_at - answered_at - hold_ms and wrap-up = wrap_up_ended_at - ended_at
 * - abandoned = outcome 'abandoned' (the caller hung up before reaching an operator);
 *   a short abandon is one whose wait is below short_abandon_s and is counted apart
 * - occupancy = time on calls and wrap-up / (that + time available and idle), from the
 *   `operator.state` events in `call_events`.
 * The thresholds are copied onto each record when the call arrives, so a report over last week stays
 * exact after a supervisor changes a queue's settings.
 */
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ROLES, type Role } from "../server/auth/roles";
import { JOIN_WHEN, LEAVE_WHEN, QUEUE_ACTIONS, STRATEGIES } from "../server/queues/queue-options";

export { ROLES, type Role };
export const roleEnum = pgEnum("role", ROLES);

export const CALL_OUTCOMES = [
  "in_progress",
  "answered",
  "abandoned",
  "timed_out",
  "overflowed",
  "no_operators",
  "closed",
  "rejected",
  "failed",
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
export const callOutcomeEnum = pgEnum("call_outcome", CALL_OUTCOMES);

export const ENDED_BY = ["caller", "operator", "system"] as const;
export type EndedBy = (typeof ENDED_BY)[number];
export const endedByEnum = pgEnum("ended_by", ENDED_BY);

export const queueStrategyEnum = pgEnum("queue_strategy", STRATEGIES);
export const queueActionEnum = pgEnum("queue_action", QUEUE_ACTIONS);
export const queueJoinWhenEnum = pgEnum("queue_join_when", JOIN_WHEN);
export const queueLeaveWhenEnum = pgEnum("queue_leave_when", LEAVE_WHEN);

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export const users = pgTable(
  "users",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    role: roleEnum("role").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** BCP 47 tag chosen by the user; null follows the browser. */
    locale: text("locale"),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_username_lower").on(sql`lower(${t.username})`)],
);

export const sessions = pgTable(
  "sessions",
  {
    /** HMAC of the cookie token: a copy of this table cannot be replayed as cookies. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    userAgent: text("user_agent"),
    ip: text("ip"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const queues = pgTable(
  "queues",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    /** Calls answered within this many seconds count toward the service level. */
    slThresholdS: integer("sl_threshold_s").notNull().default(20),
    /** Callers who hang up sooner than this are short abandons, counted apart. */
    shortAbandonS: integer("short_abandon_s").notNull().default(5),
    ringTimeoutS: integer("ring_timeout_s").notNull().default(20),
    wrapUpS: integer("wrap_up_s").notNull().default(10),
    // The engine's settings (server/queue/queue-settings.ts), with its defaults, in seconds where
    // the engine counts milliseconds. Null in a nullable limit means "no limit" / "disabled".
    strategy: queueStrategyEnum("strategy").notNull().default("longest-idle"),
    /** Added to each caller's priority: lets this queue outrank another for operators serving both. */
    weight: integer("weight").notNull().default(0),
    retryDelayS: integer("retry_delay_s").notNull().default(5),
    maxWaitS: integer("max_wait_s"),
    maxWaitAction: queueActionEnum("max_wait_action").notNull().default("hang-up"),
    /** Only for the overflow action; set null if that queue goes, and the action then hangs up. */
    maxWaitTargetId: integer("max_wait_target_id").references((): AnyPgColumn => queues.id, { onDelete: "set null" }),
    maxQueueLength: integer("max_queue_length"),
    queueFullAction: queueActionEnum("queue_full_action").notNull().default("hang-up"),
    queueFullTargetId: integer("queue_full_target_id").references((): AnyPgColumn => queues.id, { onDelete: "set null" }),
    joinWhen: queueJoinWhenEnum("join_when").notNull().default("always"),
    leaveWhen: queueLeaveWhenEnum("leave_when").notNull().default("never"),
    noOperatorsAction: queueActionEnum("no_operators_action").notNull().default("hang-up"),
    noOperatorsTargetId: integer("no_operators_target_id").references((): AnyPgColumn => queues.id, { onDelete: "set null" }),
    positionAnnounceEveryS: integer("position_announce_every_s"),
    periodicAnnounceEveryS: integer("periodic_announce_every_s"),
    /** Skills strategy: seconds of waiting before level n (1-based) is tried; the last value repeats. */
    tierDelaysS: integer("tier_delays_s").array().notNull().default(sql`'{0}'::integer[]`),
    /** Consecutive missed offers before the operator is paused; 0 never pauses. */
    maxMissedOffers: integer("max_missed_offers").notNull().default(3),
    maxOnBreak: integer("max_on_break"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("queues_name_lower").on(sql`lower(${t.name})`)],
);

export const queueMembers = pgTable(
  "queue_members",
  {
    queueId: integer("queue_id")
      .notNull()
      .references(() => queues.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Skill level / tier for this queue: 1 is offered first. */
    level: integer("level").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.userId] }), index("queue_members_user").on(t.userId)],
);

export const hotlineNumbers = pgTable("hotline_numbers", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  /** The dialed number as the trunk sends it in the Request-URI user part (digits, optional leading +). */
  number: text("number").notNull().unique(),
  queueId: integer("queue_id")
    .notNull()
    .references(() => queues.id, { onDelete: "restrict" }),
  /** Where the number is advertised (campaign), for per-number statistics. */
  label: text("label"),
  createdAt: createdAt(),
});

/** Callers who go ahead of others in every queue: the engine adds `priority` to their rank. */
export const vipNumbers = pgTable("vip_numbers", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  /** The caller number exactly as the trunk sends it in From (digits, optional leading +). */
  number: text("number").notNull().unique(),
  priority: integer("priority").notNull().default(1),
  label: text("label"),
  createdAt: createdAt(),
});

/**
 * Why an operator may pause, and for how long. The three built-in codes (break, lunch, training)
 * are translated by the UI; an admin's own reasons carry their label. `limited` reasons take one of
 * a queue's break slots (`queues.max_on_break`); `maxMinutes` is when supervisors are warned.
 */
export const pauseReasons = pgTable("pause_reasons", {
  /** `break`, `lunch`, `training`, or `custom:<id>` for an admin's own reason. */
  code: text("code").primaryKey(),
  /** Null for a built-in reason, whose label is translated. */
  label: text("label"),
  maxMinutes: integer("max_minutes"),
  limited: boolean("limited").notNull().default(false),
  builtIn: boolean("built_in").notNull().default(false),
  createdAt: createdAt(),
});

/**
 * An operator's working hours on some weekdays, in the hotline's time zone (`TIMEZONE`). A shift
 * whose end is not after its start runs past midnight. At the start the per-shift counters reset
 * (fewest calls, least talk time); at the end the operator is paused "shift-ended" once free.
 */
export const operatorShifts = pgTable(
  "operator_shifts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** ISO weekdays on which the shift starts: 1 = Monday … 7 = Sunday. */
    days: integer("days").array().notNull(),
    /** Minutes after local midnight. */
    startMinute: integer("start_minute").notNull(),
    endMinute: integer("end_minute").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("operator_shifts_user").on(t.userId)],
);

export const callRecords = pgTable(
  "call_records",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    sipCallId: text("sip_call_id"),
    callerNumber: text("caller_number").notNull(),
    callerName: text("caller_name"),
    dialedNumber: text("dialed_number").notNull(),
    numberId: integer("number_id").references(() => hotlineNumbers.id, { onDelete: "set null" }),
    queueId: integer("queue_id").references(() => queues.id, { onDelete: "set null" }),
    operatorId: integer("operator_id").references(() => users.id, { onDelete: "set null" }),
    arrivedAt: timestamp("arrived_at", { withTimezone: true, precision: 3 }).notNull(),
    queuedAt: timestamp("queued_at", { withTimezone: true, precision: 3 }),
    answeredAt: timestamp("answered_at", { withTimezone: true, precision: 3 }),
    endedAt: timestamp("ended_at", { withTimezone: true, precision: 3 }),
    wrapUpEndedAt: timestamp("wrap_up_ended_at", { withTimezone: true, precision: 3 }),
    holdMs: integer("hold_ms").notNull().default(0),
    /** How many times the call was offered to an operator (missed offers included). */
    offers: integer("offers").notNull().default(0),
    outcome: callOutcomeEnum("outcome").notNull().default("in_progress"),
    endedBy: endedByEnum("ended_by"),
    endReason: text("end_reason"),
    slThresholdS: integer("sl_threshold_s").notNull(),
    shortAbandonS: integer("short_abandon_s").notNull(),
    topic: text("topic"),
    notes: text("notes"),
  },
  (t) => [
    index("call_records_arrived").on(t.arrivedAt),
    index("call_records_queue_arrived").on(t.queueId, t.arrivedAt),
    index("call_records_operator_arrived").on(t.operatorId, t.arrivedAt),
    index("call_records_in_progress").on(t.outcome).where(sql`${t.outcome} = 'in_progress'`),
  ],
);

export const callEvents = pgTable(
  "call_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull(),
    /** Dotted name, e.g. `call.arrived`, `call.offered`, `operator.state`. */
    type: text("type").notNull(),
    callId: uuid("call_id").references(() => callRecords.id, { onDelete: "cascade" }),
    operatorId: integer("operator_id").references(() => users.id, { onDelete: "set null" }),
    queueId: integer("queue_id").references(() => queues.id, { onDelete: "set null" }),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("call_events_call").on(t.callId),
    index("call_events_at").on(t.at),
    index("call_events_operator_at").on(t.operatorId, t.at),
  ],
);

/**
 * A caller who left their number instead of waiting on (a queue's "callback" action at maximum wait, queue full
 * or nobody there). Open until someone marks it done; the queue's work list of people to call back.
 */
export const callbackRequests = pgTable(
  "callback_requests",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    callId: uuid("call_id").references(() => callRecords.id, { onDelete: "set null" }),
    queueId: integer("queue_id").references(() => queues.id, { onDelete: "set null" }),
    callerNumber: text("caller_number").notNull(),
    /** Why the caller left: `max-wait`, `queue-full`, `no-operators` or `closed`. */
    reason: text("reason").notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true, precision: 3 }).notNull(),
    doneAt: timestamp("done_at", { withTimezone: true, precision: 3 }),
    doneBy: integer("done_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [index("callback_requests_open").on(t.requestedAt).where(sql`${t.doneAt} is null`)],
);

export type User = typeof users.$inferSelect;
export type Queue = typeof queues.$inferSelect;
export type HotlineNumber = typeof hotlineNumbers.$inferSelect;
export type VipNumber = typeof vipNumbers.$inferSelect;
export type CallRecord = typeof callRecords.$inferSelect;
export type CallEvent = typeof callEvents.$inferSelect;
export type PauseReasonRow = typeof pauseReasons.$inferSelect;
export type OperatorShift = typeof operatorShifts.$inferSelect;
export type CallbackRequest = typeof callbackRequests.$inferSelect;
