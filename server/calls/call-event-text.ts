/**
 * The call timeline in words: each `call_events` row of a call (its `type` and JSON `data`) as a message key under
 * `callEvents.*` with the values that message needs, so the call detail page (app/calls/[id]) shows "Transferred by
 * Amina to Support after 2:05 of talk" instead of `call.transferred {"toQueueId":"3","talkMs":125000}`.
 *
 * Pure: ids are named through {@link EventNames}, durations through `duration` (ms in, text out). A type this module
 * does not know (one added later) still reads as a sentence: `callEvents.generic` with the type in words and its
 * data as "key: value" pairs. {@link CALL_EVENT_TYPES} lists every type written with a call id (server/calls,
 * server/queue through call-records, server/outbound, server/monitoring, server/voicemail, db/queries); a unit test
 * checks that the sources write no other and that each has a message in every language.
 * @module
 */

/** Every event type written to `call_events` with a call id. */
export const CALL_EVENT_TYPES = [
  "call.arrived",
  "call.caller-entered",
  "call.announcement",
  "call.menu-choice",
  "call.offered",
  "call.offer-missed",
  "call.answered",
  "call.requeued",
  "call.transferred",
  "call.transfer-refused",
  "call.overflowed",
  "call.forwarded",
  "call.finished",
  "call.ended",
  "call.dtmf",
  "call.dtmf-sent",
  "call.hold",
  "call.unhold",
  "call.held",
  "call.resumed",
  "call.operator-leg-failed",
  "call.media-lost",
  "call.media-recovered",
  "call.media-failed",
  "call.media-expired-on-hold",
  "call.closed-after-restart",
  "call.recording-started",
  "call.consultation",
  "call.consulted",
  "call.consult-answered",
  "call.consult-ended",
  "call.consult-internal-ended",
  "call.external-answered",
  "call.external-failed",
  "call.outbound",
  "call.monitor-started",
  "call.monitored",
  "call.voicemail-recording",
  "call.voicemail-stopped",
  "call.wrap-up",
  "queue.create-callback-request",
  "queue.overflow",
] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** Names of the ids an event's data carries; undefined when unknown (deleted, or not a number). */
export interface EventNames {
  queue(id: number): string | undefined;
  operator(id: number): string | undefined;
}

/** One timeline row as read from the database. */
export interface TimelineEvent {
  type: string;
  data: Record<string, unknown>;
  /** The display name of the event's operator column, when it has one. */
  operatorName: string | null;
}

/** A message under `callEvents` (`key` is relative to it) and its ICU values, all strings. */
export interface EventSentence {
  key: string;
  values: Record<string, string>;
}

const NONE = "—";

const text = (value: unknown): string => (value === undefined || value === null || value === "" ? NONE : String(value));
/** A value used as an ICU `select` key: ICU selectors cannot hold "-", so "max-wait" is "max_wait". */
const sel = (value: unknown): string => text(value).replace(/-/g, "_");
const num = (value: unknown): number | undefined => {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

type Describe = (data: Record<string, unknown>, ctx: Context) => Record<string, string>;

interface Context {
  operator: string;
  queue(id: unknown): string;
  person(id: unknown): string;
  duration(ms: unknown): string;
}

/** The values of each known type's sentence (its message is `callEvents.<type>`). */
const DESCRIBE: Record<CallEventType, Describe> = {
  "call.arrived": (d) => ({ caller: text(d.caller), dialed: text(d.dialed) }),
  "call.caller-entered": (d, c) => ({ queue: c.queue(d.queueId) }),
  "call.announcement": (d) => ({ announcement: sel(d.announcement), position: text(d.position) }),
  "call.menu-choice": (d) => ({ digit: text(d.digit), choice: d.digit === undefined ? "none" : "key" }),
  "call.offered": (d, c) => ({ operators: Array.isArray(d.operatorIds) && d.operatorIds.length > 0 ? d.operatorIds.map((id) => c.person(id)).join(", ") : c.operator }),
  "call.offer-missed": (d, c) => ({ operator: c.operator, why: sel(d.why) }),
  "call.answered": (d, c) => ({ operator: c.operator, wait: c.duration(d.waitedMs), transferred: d.transferred === true ? "yes" : "no" }),
  "call.requeued": (d, c) => ({ queue: c.queue(d.queueId), why: sel(d.why) }),
  "call.transferred": (d, c) => ({
    operator: c.operator,
    target: d.toOperatorId !== undefined ? c.person(d.toOperatorId) : d.toQueueId !== undefined ? c.queue(d.toQueueId) : text(d.toNumber),
    talk: c.duration(d.talkMs),
  }),
  "call.transfer-refused": (d, c) => ({ operator: c.operator, reason: sel(d.reason) }),
  "call.overflowed": (d, c) => ({ from: c.queue(d.fromQueueId), to: c.queue(d.toQueueId), reason: text(d.reason) }),
  "call.forwarded": (d) => ({ number: text(d.number) }),
  "call.finished": (d, c) => ({ outcome: sel(d.outcome), wait: c.duration(d.waitedMs), talk: c.duration(d.talkMs) }),
  "call.ended": (d) => ({ outcome: sel(d.outcome) }),
  "call.dtmf": (d) => ({ digit: text(d.digit) }),
  "call.dtmf-sent": (d, c) => ({ operator: c.operator, digit: text(d.digit) }),
  "call.hold": () => ({}),
  "call.unhold": () => ({}),
  "call.held": (_d, c) => ({ operator: c.operator }),
  "call.resumed": (d, c) => ({ operator: c.operator, held: c.duration(d.heldMs) }),
  "call.operator-leg-failed": (_d, c) => ({ operator: c.operator }),
  "call.media-lost": () => ({}),
  "call.media-recovered": () => ({}),
  "call.media-failed": (d) => ({ failure: text(d.failure) }),
  "call.media-expired-on-hold": (d, c) => ({ held: c.duration(d.heldMs) }),
  "call.closed-after-restart": () => ({}),
  "call.recording-started": () => ({}),
  "call.consultation": (d, c) => ({ operator: c.operator, step: sel(d.step), number: text(d.number), outcome: text(d.outcome) }),
  "call.consulted": (d, c) => ({ operator: c.operator, target: d.operatorTarget !== undefined ? c.person(d.operatorTarget) : text(d.number) }),
  "call.consult-answered": (d, c) => ({ target: d.operatorTarget !== undefined ? c.person(d.operatorTarget) : text(d.number) }),
  "call.consult-ended": (d, c) => ({ target: d.operatorTarget !== undefined ? c.person(d.operatorTarget) : text(d.number), length: c.duration(d.ms), reason: text(d.reason) }),
  "call.consult-internal-ended": (d, c) => ({ operator: c.operator, target: c.person(d.operatorTarget), answered: d.answered === true ? "yes" : "no" }),
  "call.external-answered": (d) => ({ number: text(d.number) }),
  "call.external-failed": (d) => ({ number: text(d.number), status: text(d.status) }),
  "call.outbound": (d, c) => ({ operator: c.operator, number: text(d.number) }),
  "call.monitor-started": (d, c) => ({ supervisor: c.person(d.supervisorId), mode: sel(d.mode) }),
  "call.monitored": (d, c) => ({
    supervisor: c.person(d.supervisorId),
    mode: sel(d.mode),
    length: typeof d.from === "string" && typeof d.to === "string" ? c.duration(Date.parse(d.to) - Date.parse(d.from)) : NONE,
  }),
  "call.voicemail-recording": (d, c) => ({ max: c.duration(d.maxMs) }),
  "call.voicemail-stopped": (d) => ({ why: sel(d.why) }),
  "call.wrap-up": (d, c) => ({ operator: c.operator, detail: text(d.outcomeDetail), topic: text(d.topic), timedOut: d.timedOut === true ? "yes" : "no" }),
  "queue.create-callback-request": (d, c) => ({ number: text(d.callerNumber), queue: c.queue(d.queueId) }),
  "queue.overflow": (d, c) => ({ from: c.queue(d.fromQueueId), to: c.queue(d.toQueueId) }),
};

const KNOWN = new Set<string>(CALL_EVENT_TYPES);

/** "call.media-lost" → "Media lost": the readable name of a type no message knows. */
export function humanizeEventType(type: string): string {
  const name = (type.includes(".") ? type.slice(type.indexOf(".") + 1) : type).replace(/[-_]+/g, " ").trim();
  return name === "" ? type : name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Data as "key: value" pairs for the generic sentence: `…Ms` values as durations, `…Id` values named when they
 * name a queue or an operator, nested objects left out (they never read well).
 */
function details(data: Record<string, unknown>, ctx: Context): string {
  const words = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return Object.entries(data)
    .flatMap(([key, value]): string[] => {
      if (value === null || value === undefined || typeof value === "object") return [];
      if (/Ms$/.test(key) && num(value) !== undefined) return [`${words(key.slice(0, -2))}: ${ctx.duration(value)}`];
      if (/^(queueId|fromQueueId|toQueueId)$/.test(key)) return [`${words(key.slice(0, -2))}: ${ctx.queue(value)}`];
      if (/^(operatorId|toOperatorId|supervisorId|operatorTarget)$/.test(key)) return [`${words(key.replace(/Id$/, ""))}: ${ctx.person(value)}`];
      return [`${words(key)}: ${String(value)}`];
    })
    .join(", ");
}

/**
 * The sentence of one timeline event. `duration` formats milliseconds (e.g. "2:05"); a missing or invalid one is
 * "—". Never throws, whatever the data.
 */
export function describeCallEvent(event: TimelineEvent, names: EventNames, duration: (ms: number) => string): EventSentence {
  const data = event.data && typeof event.data === "object" && !Array.isArray(event.data) ? event.data : {};
  const named = (lookup: (id: number) => string | undefined, id: unknown) => {
    const n = num(id);
    return n === undefined ? text(id) : (lookup(n) ?? `#${n}`);
  };
  const ctx: Context = {
    operator: event.operatorName ?? (num(data.operatorId) !== undefined ? named(names.operator, data.operatorId) : NONE),
    queue: (id) => named(names.queue, id),
    person: (id) => named(names.operator, id),
    duration: (ms) => {
      const n = num(ms);
      return n === undefined || n < 0 ? NONE : duration(n);
    },
  };
  if (KNOWN.has(event.type)) return { key: event.type, values: DESCRIBE[event.type as CallEventType](data, ctx) };
  return { key: "generic", values: { name: humanizeEventType(event.type), details: details(data, ctx) } };
}

/** The largest id a PostgreSQL `integer` column holds: larger numbers in event data cannot name a row. */
const MAX_ROW_ID = 2_147_483_647;

/**
 * The queue and operator ids the sentences of `events` name (exactly what {@link describeCallEvent} will ask its
 * {@link EventNames} for), each once, keeping only positive integers a row id can be; so a page loads the names of
 * these few rows instead of whole tables.
 */
export function idsNamedBy(events: readonly TimelineEvent[]): { queueIds: number[]; operatorIds: number[] } {
  const queueIds = new Set<number>();
  const operatorIds = new Set<number>();
  const rowId = (id: number) => Number.isInteger(id) && id > 0 && id <= MAX_ROW_ID;
  const recorder: EventNames = {
    queue: (id) => void (rowId(id) && queueIds.add(id)),
    operator: (id) => void (rowId(id) && operatorIds.add(id)),
  };
  for (const event of events) describeCallEvent(event, recorder, () => NONE);
  return { queueIds: [...queueIds], operatorIds: [...operatorIds] };
}
