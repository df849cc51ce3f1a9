/**
 * Whether each hotline number answers at an instant, and what a caller hears when it does not. Pure: built from the
 * stored rows, evaluated at instants the caller passes. A number is governed by its schedule (none: 24/7) and, for a
 * campaign number, by its campaign dates (local dates of the schedule's zone, inclusive); before the campaign it is
 * "not in service yet", after it "not in service anymore".
 */
import { DateTime } from "luxon";
import type { PromptLanguage } from "../../db/enums";
import { scheduleState, type ScheduleSpec, type Weekday } from "./schedule";
import { SPOKEN_MINUTES, timePrompt, WEEKDAY_NAMES } from "./prompt-texts";

export interface NumberHours {
  numberId: number;
  queueId: number;
  /** Undefined: open around the clock (campaign dates still apply). */
  schedule: ScheduleSpec | undefined;
  /** Zone of the campaign dates and of the spoken next opening: the schedule's, or TIMEZONE. */
  zone: string;
  campaignFrom: string | null;
  campaignTo: string | null;
  language: PromptLanguage;
}

export type NumberStatus =
  | { state: "open"; until: number | undefined }
  /** `nextOpening`: the schedule's next opening, unless the campaign ends first. */
  | { state: "closed"; until: number | undefined; closure: string | undefined; nextOpening: number | undefined }
  | { state: "not-yet"; until: number }
  | { state: "ended" };

/** The number's state at `at`; `until` is when it next changes (undefined: not within the schedule's horizon). */
export function numberStatus(n: NumberHours, at: number): NumberStatus {
  const today = DateTime.fromMillis(at, { zone: n.zone }).toISODate() ?? "";
  if (n.campaignFrom !== null && today < n.campaignFrom) {
    return { state: "not-yet", until: DateTime.fromISO(n.campaignFrom, { zone: n.zone }).toMillis() };
  }
  if (n.campaignTo !== null && today > n.campaignTo) return { state: "ended" };
  const campaignEnd = n.campaignTo === null ? undefined : DateTime.fromISO(n.campaignTo, { zone: n.zone }).plus({ days: 1 }).toMillis();
  const earliest = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  if (!n.schedule) return { state: "open", until: campaignEnd };
  const s = scheduleState(n.schedule, at);
  if (s.open) return { state: "open", until: earliest(s.until, campaignEnd) };
  const nextOpening = s.until !== undefined && (campaignEnd === undefined || s.until < campaignEnd) ? s.until : undefined;
  return { state: "closed", until: earliest(s.until, campaignEnd), closure: s.closure, nextOpening };
}

/** How far ahead a next opening is still spoken as a weekday; later ones get "please call again during our hours". */
const SPOKEN_DAYS = 6;

/**
 * The prompt names (without language) a caller hears when the number does not answer, in order: the closed
 * message with the next opening ("We open again on Monday at nine o'clock"), rounded up to the quarter hour so the
 * caller never calls back too early, or the campaign's "not in service" messages.
 */
export function closedPromptNames(status: NumberStatus, zone: string, at: number): string[] {
  if (status.state === "not-yet") return ["not-in-service-yet"];
  if (status.state === "ended") return ["not-in-service-anymore"];
  if (status.state === "open") return [];
  if (status.nextOpening === undefined) return ["closed-now", "call-again", "goodbye"];
  let opening = DateTime.fromMillis(status.nextOpening, { zone });
  const quarter = SPOKEN_MINUTES.find((m) => m >= opening.minute + (opening.second > 0 || opening.millisecond > 0 ? 1 : 0));
  opening = quarter === undefined ? opening.plus({ hours: 1 }).set({ minute: 0, second: 0, millisecond: 0 }) : opening.set({ minute: quarter, second: 0, millisecond: 0 });
  const days = Math.round(opening.startOf("day").diff(DateTime.fromMillis(at, { zone }).startOf("day"), "days").days);
  if (days > SPOKEN_DAYS) return ["closed-now", "call-again", "goodbye"];
  const day = days === 0 ? "opens-today" : days === 1 ? "opens-tomorrow" : `opens-${WEEKDAY_NAMES[(opening.weekday as Weekday) - 1]}`;
  return ["closed-now", day, timePrompt(opening.hour, opening.minute), "goodbye"];
}

/**
 * Whether each queue takes callers: open when any number routed to it is open (a queue without numbers is open).
 * `statusOf` lets a caller pass its cache of {@link numberStatus}.
 */
export function queueOpenStates<N extends NumberHours>(numbers: readonly N[], at: number, statusOf: (n: N, at: number) => NumberStatus = numberStatus): Map<number, boolean> {
  const open = new Map<number, boolean>();
  for (const n of numbers) open.set(n.queueId, (open.get(n.queueId) ?? false) || statusOf(n, at).state === "open");
  return open;
}

/** The earliest instant after `at` when any number's state changes (undefined: none ahead). */
export function nextBoundary<N extends NumberHours>(numbers: readonly N[], at: number, statusOf: (n: N, at: number) => NumberStatus = numberStatus): number | undefined {
  let next: number | undefined;
  for (const n of numbers) {
    const status = statusOf(n, at);
    const until = status.state === "ended" ? undefined : status.until;
    if (until !== undefined && until > at && (next === undefined || until < next)) next = until;
  }
  return next;
}

/**
 * A queue's hours as the board and the desk show it: open (until its next closing, when known), or closed until its
 * next opening, with the closure's reason when a closure (a holiday) is why. Epoch ms.
 */
export interface QueueHoursState {
  state: "open" | "closed";
  until?: number;
  /** The reason of the closure that closes the queue now ("Holidays"). */
  closure?: string;
}

/**
 * Each queue's {@link QueueHoursState} at `at`, from its numbers: open while any is open (until the last open one
 * closes), closed until the earliest opening of any, with the reason of a closure that closes one of them.
 */
export function queueHoursStates<N extends NumberHours>(numbers: readonly N[], at: number, statusOf: (n: N, at: number) => NumberStatus = numberStatus): Map<number, QueueHoursState> {
  const byQueue = new Map<number, NumberStatus[]>();
  for (const n of numbers) byQueue.set(n.queueId, [...(byQueue.get(n.queueId) ?? []), statusOf(n, at)]);
  const states = new Map<number, QueueHoursState>();
  for (const [queueId, statuses] of byQueue) {
    const earliest = (values: Array<number | undefined>) => values.filter((v): v is number => v !== undefined).sort((a, b) => a - b)[0];
    const open = statuses.filter((s) => s.state === "open");
    if (open.length > 0) {
      // Open until the last open number closes (none: one stays open beyond the schedules' horizon).
      const untils = open.map((s) => s.until);
      const until = untils.includes(undefined) ? undefined : Math.max(...(untils as number[]));
      states.set(queueId, { state: "open", ...(until !== undefined && { until }) });
      continue;
    }
    const until = earliest(statuses.map((s) => (s.state === "closed" ? s.nextOpening : s.state === "not-yet" ? s.until : undefined)));
    const closure = statuses.map((s) => (s.state === "closed" ? s.closure : undefined)).find((c) => c);
    states.set(queueId, { state: "closed", ...(until !== undefined && { until }), ...(closure && { closure }) });
  }
  return states;
}
