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
  customType,
  date,
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
import { CLOSED_ACTIONS, PROMPT_LANGUAGES, SCHEDULE_EXCEPTION_KINDS, type MenuOption } from "./enums";
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
  /** A closed number's caller left a voicemail (the record's recording file is the message; issue 11). */
  "voicemail",
  "rejected",
  "failed",
  /** Outbound only: the far end answered 486/600 Busy. */
  "busy",
  /** Outbound only: nobody answered (408, 480, 487 after the ring time, or the operator gave up while it rang). */
  "no_answer",
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
export const callOutcomeEnum = pgEnum("call_outcome", CALL_OUTCOMES);

/** Which way a call went: a caller reaching the hotline, or an operator calling out through the trunk. */
export const CALL_DIRECTIONS = ["inbound", "outbound"] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];
export const callDirectionEnum = pgEnum("call_direction", CALL_DIRECTIONS);

export const ENDED_BY = ["caller", "operator", "system"] as const;
export type EndedBy = (typeof ENDED_BY)[number];
export const endedByEnum = pgEnum("ended_by", ENDED_BY);

export const queueStrategyEnum = pgEnum("queue_strategy", STRATEGIES);
export const queueActionEnum = pgEnum("queue_action", QUEUE_ACTIONS);
export const queueJoinWhenEnum = pgEnum("queue_join_when", JOIN_WHEN);
export const queueLeaveWhenEnum = pgEnum("queue_leave_when", LEAVE_WHEN);
// hours (issue 11)
export const promptLanguageEnum = pgEnum("prompt_language", PROMPT_LANGUAGES);
export const closedActionEnum = pgEnum("closed_action", CLOSED_ACTIONS);
export const scheduleExceptionKindEnum = pgEnum("schedule_exception_kind", SCHEDULE_EXCEPTION_KINDS);

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
    /** Answer offered calls by itself after a short beep (headset users). */
    autoAnswer: boolean("auto_answer").notNull().default(false),
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
    /** The wrap-up form's topic must be chosen before Done. */
    topicRequired: boolean("topic_required").notNull().default(false),
    /** Seconds an operator may add to a wrap-up, once per call; null: no extension. */
    wrapUpExtendS: integer("wrap_up_extend_s"),
    // The board's alerts (server/board/board-alerts.ts); null turns one off.
    /** Alert when today's service level falls below this percentage. */
    alertSlBelowPct: integer("alert_sl_below_pct"),
    /** Alert when a caller waits longer than this many seconds. */
    alertWaitOverS: integer("alert_wait_over_s"),
    /** Alert when callers wait and no member of the queue is available. */
    alertNobodyAvailable: boolean("alert_nobody_available").notNull().default(true),
    // Call recording (server/recordings): off by default; a consent notice is played to recorded callers.
    recordingEnabled: boolean("recording_enabled").notNull().default(false),
    /** Share of this queue's calls that are recorded, percent (1-100): sampling. */
    recordingSamplePct: integer("recording_sample_pct").notNull().default(100),
    /** Days a recording is kept before automatic deletion; null keeps it forever. */
    recordingRetentionDays: integer("recording_retention_days"),
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

/**
 * A supervisor's change to an operator's queues for one day (issue 12: "change their queues and levels for the day,
 * reversible at the end of the day"): on `day` (YYYY-MM-DD in `TIMEZONE`) the operator serves exactly the queues
 * listed for them here, at these levels, instead of their `queue_members`; from the next day on the rows are ignored.
 * An operator with rows for the day but none serving (all levels null) serves no queue that day.
 */
export const queueMemberDays = pgTable(
  "queue_member_days",
  {
    day: text("day").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    queueId: integer("queue_id")
      .notNull()
      .references(() => queues.id, { onDelete: "cascade" }),
    /** Level for the day (1 is offered first); null: not in this queue today. */
    level: integer("level"),
    setBy: integer("set_by").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId, t.queueId] })],
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
  // ---- hours (issue 11): when and how the number answers ----
  /** Null: open around the clock. */
  scheduleId: integer("schedule_id").references((): AnyPgColumn => schedules.id, { onDelete: "set null" }),
  closedAction: closedActionEnum("closed_action").notNull().default("hang-up"),
  /** The number to forward to, or the queue's name, for closed actions `forward` and `queue`. */
  closedTarget: text("closed_target"),
  /** Closed action `voicemail`: the longest message, s; null: the server's VOICEMAIL_MAX_S. */
  voicemailMaxS: integer("voicemail_max_s"),
  language: promptLanguageEnum("language").notNull().default("en"),
  /** The greeting's words; null: generated from the organisation's name. */
  greeting: text("greeting"),
  /** A campaign number answers only from/to these local dates (inclusive, in the schedule's zone); null: no bound. */
  campaignFrom: date("campaign_from", { mode: "string" }),
  campaignTo: date("campaign_to", { mode: "string" }),
  /** The caller menu (digits to actions); empty: no menu. */
  menu: jsonb("menu").$type<MenuOption[]>().notNull().default([]),
  // ---- end hours ----
  createdAt: createdAt(),
});

// ---- hours (issue 11) ----

/** Opening hours: a weekly pattern (or 24/7) in a time zone, plus dated exceptions (schedule_exceptions). */
export const schedules = pgTable("schedules", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  name: text("name").notNull().unique(),
  /** IANA zone; null: the server's TIMEZONE. */
  zone: text("zone"),
  alwaysOpen: boolean("always_open").notNull().default(false),
  /** Weekly intervals: ISO weekday (1 = Monday), local start/end minutes; an end not after the start is overnight. */
  weekly: jsonb("weekly").$type<Array<{ day: number; startMinute: number; endMinute: number }>>().notNull().default([]),
  createdAt: createdAt(),
});

/**
 * A schedule's one-off opening period (its hours replace the weekly pattern on each date) or closure (whole days,
 * or `hours` of each day, with a reason). Dates are local and inclusive.
 */
export const scheduleExceptions = pgTable(
  "schedule_exceptions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    scheduleId: integer("schedule_id")
      .notNull()
      .references(() => schedules.id, { onDelete: "cascade" }),
    kind: scheduleExceptionKindEnum("kind").notNull(),
    fromDate: date("from_date", { mode: "string" }).notNull(),
    toDate: date("to_date", { mode: "string" }).notNull(),
    /** Period: its opening hours; closure: empty for whole days, or the one closed interval of each day. */
    hours: jsonb("hours").$type<Array<{ startMinute: number; endMinute: number }>>().notNull().default([]),
    reason: text("reason").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [index("schedule_exceptions_schedule").on(t.scheduleId)],
);
// ---- end hours ----

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
    /** Outbound records: `callerNumber` is the caller ID we sent, `dialedNumber` the number the operator dialled. */
    direction: callDirectionEnum("direction").notNull().default("inbound"),
    /**
     * A consultation (attended transfer, issue 9): the outbound leg the operator placed while the caller of this
     * inbound call held. Not an outbound call of its own: left out of the call log, the reports and callback attempts
     * (db/queries/call-log.ts `callLogWhere`), shown with the inbound call it belongs to. Null for every other call.
     */
    consultOf: uuid("consult_of"),
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
    /** What the operator says came of the call (wrap-up): see WRAP_UP_OUTCOMES. */
    outcomeDetail: text("outcome_detail"),
    notes: text("notes"),
    /** The recording's file under the recordings folder; null when the call was not recorded. */
    recordingFile: text("recording_file"),
    /** When the recording is due for deletion (its queue's retention); null: kept. */
    recordingExpiresAt: timestamp("recording_expires_at", { withTimezone: true, precision: 3 }),
    /** When the recording was deleted (retention); the record keeps that the call was recorded. */
    recordingDeletedAt: timestamp("recording_deleted_at", { withTimezone: true, precision: 3 }),
  },
  (t) => [
    index("call_records_arrived").on(t.arrivedAt),
    // The call log (db/queries/call-log.ts): keyset pages ordered by (sort key, id), and its filters.
    index("call_records_arrived_id").on(t.arrivedAt, t.id),
    index("call_records_wait_id").on(sql`coalesce(coalesce(${t.answeredAt}, ${t.endedAt}) - ${t.queuedAt}, interval '0')`, t.id),
    index("call_records_outcome_arrived").on(t.outcome, t.arrivedAt),
    index("call_records_topic_arrived").on(t.topic, t.arrivedAt),
    index("call_records_dialed_arrived").on(t.dialedNumber, t.arrivedAt),
    index("call_records_caller_trgm").using("gin", t.callerNumber.op("gin_trgm_ops")),
    index("call_records_queue_arrived").on(t.queueId, t.arrivedAt),
    index("call_records_operator_arrived").on(t.operatorId, t.arrivedAt),
    index("call_records_recording_expires").on(t.recordingExpiresAt).where(sql`${t.recordingFile} is not null`),
    index("call_records_in_progress").on(t.outcome).where(sql`${t.outcome} = 'in_progress'`),
    index("call_records_consult_of").on(t.consultOf).where(sql`${t.consultOf} is not null`),
    // Caller history: candidates share the last 8 digits; the exact comparison is on the normalised number.
    index("call_records_caller_tail").on(sql`right(regexp_replace(${t.callerNumber}, '[^0-9]', '', 'g'), 8)`, t.arrivedAt),
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
    /** Why the caller left: `max-wait`, `queue-full`, `no-operators`, `closed`, `voicemail` (a message left at a closed number), `callback-turn` (chose it in the caller menu, and their kept place reached the head of the queue) or `menu` (the same, whose place was lost in a restart). */
    reason: text("reason").notNull(),
    requestedAt: timestamp("requested_at", { withTimezone: true, precision: 3 }).notNull(),
    doneAt: timestamp("done_at", { withTimezone: true, precision: 3 }),
    doneBy: integer("done_by").references(() => users.id, { onDelete: "set null" }),
    /** Who is calling this person back (set by the first "Call back"), so two operators do not call the same person. */
    assignedTo: integer("assigned_to").references(() => users.id, { onDelete: "set null" }),
    assignedAt: timestamp("assigned_at", { withTimezone: true, precision: 3 }),
    /** Reason `voicemail`: the message's length, ms (the file is the call record's recording). */
    messageMs: integer("message_ms"),
  },
  (t) => [index("callback_requests_open").on(t.requestedAt).where(sql`${t.doneAt} is null`)],
);

/** One try at calling a callback request's caller: the outbound call, how it went, and the operator's note. */
export const callbackAttempts = pgTable(
  "callback_attempts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    requestId: integer("request_id")
      .notNull()
      .references(() => callbackRequests.id, { onDelete: "cascade" }),
    /** The outbound call record (null once that record is deleted). */
    callId: uuid("call_id").references(() => callRecords.id, { onDelete: "set null" }),
    operatorId: integer("operator_id").references(() => users.id, { onDelete: "set null" }),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull(),
    /** `answered`, `busy`, `no_answer` or `failed`: the outbound call's outcome. */
    outcome: text("outcome").notNull(),
    note: text("note"),
  },
  (t) => [index("callback_attempts_request").on(t.requestId)],
);

/**
 * The toll-fraud guard: numbers operators may call out to (see server/outbound/number-pattern.ts for the syntax).
 * No row, no outbound call.
 */
export const outboundPatterns = pgTable("outbound_patterns", {
  pattern: text("pattern").primaryKey(),
  createdAt: createdAt(),
});

/** PostgreSQL's full-text document type (Drizzle has no built-in column for it). */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * The text-search configuration of a row's language (`locale` column): PostgreSQL's english and french
 * dictionaries (stemming, stop words); Arabic has none in PostgreSQL, so `simple` (lower-cased words).
 */
const searchConfig = (locale: AnyPgColumn) =>
  sql.raw(`(CASE "${locale.name}" WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig ELSE 'simple'::regconfig END)`);

export { WRAP_UP_OUTCOMES, type WrapUpOutcome } from "./enums";

/**
 * The organisation running the hotline (one row, id 1): its name (with per-language forms where they differ),
 * the hotline's purpose, default language, the country whose numbering plan reads callers' national numbers,
 * how far back (days) operators see a caller's history, and the service level target.
 */
export const organisation = pgTable("organisation", {
  id: integer("id").primaryKey().default(1),
  name: text("name").notNull().default(""),
  /** `{ fr?: string, ar?: string, en?: string }`: the name where it differs in that language. */
  localizedNames: jsonb("localized_names").$type<Partial<Record<"en" | "fr" | "ar", string>>>().notNull().default({}),
  purpose: text("purpose").notNull().default(""),
  defaultLocale: text("default_locale").notNull().default("en"),
  /** ISO 3166-1 alpha-2 (e.g. `FR`): national numbers are read in its plan to compare callers in E.164. */
  country: text("country"),
  /** Caller history reaches this many days back. */
  historyDays: integer("history_days").notNull().default(365),
  /**
   * The service level the hotline aims for, percent of callers answered within their queue's threshold (80 with the
   * default 20 s threshold: "80/20"); the reports, the review and Erlang C staffing measure against it.
   */
  serviceLevelTargetPct: integer("service_level_target_pct").notNull().default(80),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * An admin's conversation script for one queue (or every queue: queue_id null) in one language: ordered steps
 * whose text may hold the placeholders of server/scripts/placeholders.ts.
 */
export const conversationScripts = pgTable(
  "conversation_scripts",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    queueId: integer("queue_id").references(() => queues.id, { onDelete: "cascade" }),
    locale: text("locale").notNull(),
    steps: text("steps").array().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("conversation_scripts_queue_locale").on(sql`coalesce(${t.queueId}, 0)`, t.locale)],
);

/** The topics a queue's calls are filed under in wrap-up (the week review counts calls per topic). */
export const topics = pgTable(
  "topics",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    queueId: integer("queue_id")
      .notNull()
      .references(() => queues.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("topics_queue_name").on(t.queueId, sql`lower(${t.name})`)],
);

/**
 * A prepared answer: the question as callers put it, one or more approved answer variants, searchable in its
 * language's dictionary (`search_vector`, generated: question weighted A, topic, tags and answers B).
 */
export const preparedAnswers = pgTable(
  "prepared_answers",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    topic: text("topic").notNull(),
    question: text("question").notNull(),
    variants: text("variants").array().notNull(),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** Shown with a caution: the approved wording only. */
    sensitive: boolean("sensitive").notNull().default(false),
    /** Queues it applies to; empty: every queue. */
    queueIds: integer("queue_ids").array().notNull().default(sql`'{}'::integer[]`),
    locale: text("locale").notNull().default("en"),
    reviewedAt: date("reviewed_at", { mode: "string" }),
    /** Tags and variants joined, kept by db/queries/answers.ts: a generated column may only read plain columns. */
    searchText: text("search_text").notNull().default(""),
    searchVector: tsvector("search_vector")
      .notNull()
      .generatedAlwaysAs(
        (): ReturnType<typeof sql> =>
          sql`setweight(to_tsvector(${searchConfig(preparedAnswers.locale)}, "question"), 'A') || setweight(to_tsvector(${searchConfig(preparedAnswers.locale)}, "topic" || ' ' || "search_text"), 'B')`,
      ),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("prepared_answers_search").using("gin", t.searchVector),
    index("prepared_answers_question_trgm").using("gin", t.question.op("gin_trgm_ops")),
  ],
);

/** One "used" click: counted per answer and per call for the week review. */
export const answerUses = pgTable(
  "answer_uses",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    answerId: integer("answer_id")
      .notNull()
      .references(() => preparedAnswers.id, { onDelete: "cascade" }),
    callId: uuid("call_id").references(() => callRecords.id, { onDelete: "set null" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("answer_uses_answer").on(t.answerId), index("answer_uses_call").on(t.callId)],
);

/** Every playback and download of a call recording: who, when (issue 13: recording access is audited). */
export const recordingAccesses = pgTable(
  "recording_accesses",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    callId: uuid("call_id")
      .notNull()
      .references(() => callRecords.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
    /** `play` (streamed to the page's player) or `download`. */
    action: text("action").$type<"play" | "download">().notNull(),
    at: timestamp("at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index("recording_accesses_call").on(t.callId, t.at)],
);

/**
 * People and services of the organisation who are not operators, found on the desk by name or competence.
 * `search_vector` (generated, `simple` configuration: names and tags are not stemmed) covers name, department,
 * title and competences.
 */
export const directoryEntries = pgTable(
  "directory_entries",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    name: text("name").notNull(),
    department: text("department").notNull().default(""),
    title: text("title").notNull().default(""),
    /** Internal SIP URIs or external numbers, first is the main one. */
    phones: text("phones").array().notNull().default(sql`'{}'::text[]`),
    email: text("email").notNull().default(""),
    competences: text("competences").array().notNull().default(sql`'{}'::text[]`),
    /** Free text, e.g. "Mon-Fri 9:00-17:00". */
    hours: text("hours").notNull().default(""),
    notes: text("notes").notNull().default(""),
    /** Competences joined, kept by db/queries/directory.ts (see prepared_answers.search_text). */
    searchText: text("search_text").notNull().default(""),
    searchVector: tsvector("search_vector")
      .notNull()
      .generatedAlwaysAs(
        (): ReturnType<typeof sql> =>
          sql`to_tsvector('simple'::regconfig, "name" || ' ' || "department" || ' ' || "title" || ' ' || "search_text")`,
      ),
    createdAt: createdAt(),
  },
  (t) => [
    index("directory_entries_search").using("gin", t.searchVector),
    index("directory_entries_name_trgm").using("gin", t.name.op("gin_trgm_ops")),
  ],
);

/**
 * The wrap-up form as the operator fills it, kept server-side so a reload loses nothing; deleted when saved
 * (its content then lives in call_records and call_events).
 */
export const wrapUpDrafts = pgTable("wrap_up_drafts", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  callId: uuid("call_id")
    .notNull()
    .references(() => callRecords.id, { onDelete: "cascade" }),
  topic: text("topic").notNull().default(""),
  outcomeDetail: text("outcome_detail").notNull().default(""),
  notes: text("notes").notNull().default(""),
  answerIds: integer("answer_ids").array().notNull().default(sql`'{}'::integer[]`),
  extended: boolean("extended").notNull().default(false),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The weekly reviews generated automatically (issue 13): the first covers the 7 days from the day of the first call
 * (in `TIMEZONE`), each next one the 7 days after, generated once the period is over. The statements are stored as
 * keys and typed values (server/reports/week-review.ts), so each reader sees them in their own language.
 */
export const weeklyReviews = pgTable("weekly_reviews", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  /** First day of the period, YYYY-MM-DD in the hotline's zone (one review per period). */
  fromDay: text("from_day").notNull().unique(),
  /** Last day of the period (included), YYYY-MM-DD. */
  toDay: text("to_day").notNull(),
  /** Calls in the period. */
  calls: integer("calls").notNull(),
  strengths: jsonb("strengths").notNull(),
  weaknesses: jsonb("weaknesses").notNull(),
  generatedAt: timestamp("generated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type User = typeof users.$inferSelect;
export type Queue = typeof queues.$inferSelect;
export type HotlineNumber = typeof hotlineNumbers.$inferSelect;
export type VipNumber = typeof vipNumbers.$inferSelect;
export type CallRecord = typeof callRecords.$inferSelect;
export type CallEvent = typeof callEvents.$inferSelect;
export type PauseReasonRow = typeof pauseReasons.$inferSelect;
export type OperatorShift = typeof operatorShifts.$inferSelect;
export type CallbackRequest = typeof callbackRequests.$inferSelect;
export type CallbackAttempt = typeof callbackAttempts.$inferSelect;
export type Organisation = typeof organisation.$inferSelect;
export type ConversationScript = typeof conversationScripts.$inferSelect;
export type Topic = typeof topics.$inferSelect;
export type PreparedAnswer = typeof preparedAnswers.$inferSelect;
export type DirectoryEntry = typeof directoryEntries.$inferSelect;
export type WrapUpDraft = typeof wrapUpDrafts.$inferSelect;
export type Schedule = typeof schedules.$inferSelect;
export type ScheduleException = typeof scheduleExceptions.$inferSelect;
export type WeeklyReview = typeof weeklyReviews.$inferSelect;
