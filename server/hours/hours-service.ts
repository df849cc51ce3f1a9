/**
 * Schedules and per-number hours settings, validated for the command line and the admin page alike. Field errors
 * are message keys under `hours.validation` (server/i18n/messages).
 */
import { IANAZone } from "luxon";
import { z } from "zod";
import type { Db } from "../../db/client";
import { PROMPT_LANGUAGES, type MenuOption } from "../../db/enums";
import { findQueueByName } from "../../db/queries/queues";
import {
  addScheduleException,
  findScheduleByName,
  updateNumberHours,
  upsertSchedule,
  type NumberHoursPatch,
} from "../../db/queries/schedules";
import type { Schedule, ScheduleException } from "../../db/schema";
import type { FieldErrors, Result } from "../accounts/user-input";
import { OutboundPolicy } from "../outbound/outbound-policy";
import { phoneNumberSchema } from "../queues/queue-input";
import { parseDate, parseDayHours, parseWeekly, ScheduleTextError } from "./schedule-text";

/** Message key of each field's error. */
export const HOURS_ERRORS = {
  name: "hours.validation.name",
  weekly: "hours.validation.weekly",
  zone: "hours.validation.zone",
  from: "hours.validation.date",
  to: "hours.validation.dateOrder",
  hours: "hours.validation.hours",
  reason: "hours.validation.reason",
  schedule: "hours.validation.schedule",
  closedAction: "hours.validation.closedAction",
  voicemailMax: "hours.validation.voicemailMax",
  language: "hours.validation.language",
  greeting: "hours.validation.greeting",
  campaign: "hours.validation.campaign",
  menu: "hours.validation.menu",
  number: "hours.validation.number",
} as const;

const fail = (errors: FieldErrors): { ok: false; errors: FieldErrors } => ({ ok: false, errors });

/** Runs a parser; its error becomes the field's message key (details are logged by the caller when useful). */
function tryParse<T>(errors: FieldErrors, field: keyof typeof HOURS_ERRORS, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ScheduleTextError)) throw error;
    errors[field] ??= HOURS_ERRORS[field];
    return undefined;
  }
}

const nameSchema = z.string().trim().min(1).max(64);

export interface ScheduleForm {
  name: unknown;
  weekly: unknown;
  zone?: unknown;
}

/** Creates a schedule or replaces the weekly pattern and zone of the one with that name. */
export async function saveSchedule(db: Db, input: ScheduleForm): Promise<Result<Schedule>> {
  const errors: FieldErrors = {};
  const name = nameSchema.safeParse(input.name);
  if (!name.success) errors.name = HOURS_ERRORS.name;
  const weekly = typeof input.weekly === "string" ? tryParse(errors, "weekly", () => parseWeekly(input.weekly as string)) : undefined;
  if (weekly === undefined) errors.weekly ??= HOURS_ERRORS.weekly;
  const zoneText = typeof input.zone === "string" ? input.zone.trim() : "";
  if (zoneText && !IANAZone.isValidZone(zoneText)) errors.zone = HOURS_ERRORS.zone;
  if (!name.success || !weekly || errors.zone) return fail(errors);
  return { ok: true, value: await upsertSchedule(db, { name: name.data, zone: zoneText || null, alwaysOpen: weekly.alwaysOpen, weekly: weekly.weekly }) };
}

export interface ExceptionForm {
  schedule: unknown;
  kind: "period" | "closure";
  from: unknown;
  to?: unknown;
  /** Period: required; closure: optional (whole days when empty). */
  hours?: unknown;
  reason?: unknown;
}

/** Adds a one-off period or a closure to a schedule (found by name). */
export async function addException(db: Db, input: ExceptionForm): Promise<Result<ScheduleException>> {
  const errors: FieldErrors = {};
  const schedule = typeof input.schedule === "string" ? await findScheduleByName(db, input.schedule.trim()) : undefined;
  if (!schedule) errors.schedule = HOURS_ERRORS.schedule;
  const from = typeof input.from === "string" ? tryParse(errors, "from", () => parseDate(input.from as string)) : undefined;
  if (from === undefined) errors.from ??= HOURS_ERRORS.from;
  const toText = typeof input.to === "string" && input.to.trim() ? input.to : undefined;
  const to = toText === undefined ? from : tryParse(errors, "from", () => parseDate(toText));
  if (from !== undefined && to !== undefined && to < from) errors.to = HOURS_ERRORS.to;
  const hoursText = typeof input.hours === "string" ? input.hours.trim() : "";
  const hours = hoursText ? tryParse(errors, "hours", () => parseDayHours(hoursText)) : [];
  if (input.kind === "period" && !hoursText) errors.hours = HOURS_ERRORS.hours;
  if (input.kind === "closure" && hours && hours.length > 1) errors.hours = HOURS_ERRORS.hours;
  const reason = typeof input.reason === "string" ? input.reason.trim() : "";
  if (reason.length > 120 || (input.kind === "closure" && !reason)) errors.reason = HOURS_ERRORS.reason;
  if (Object.keys(errors).length > 0 || !schedule || !from || !to || !hours) return fail(errors);
  return { ok: true, value: await addScheduleException(db, { scheduleId: schedule.id, kind: input.kind, fromDate: from, toDate: to, hours, reason }) };
}

export interface NumberHoursForm {
  /** A schedule's name; "" or "24/7": open around the clock. */
  schedule?: unknown;
  /** `hang-up`, `voicemail`, `forward:<number>` or `queue:<queue name>`. */
  closedAction?: unknown;
  /** Longest voicemail, whole seconds 5-3600; "" or "default": the server's VOICEMAIL_MAX_S. */
  voicemailMax?: unknown;
  language?: unknown;
  /** "" restores the greeting generated from the organisation's name. */
  greeting?: unknown;
  /** YYYY-MM-DD, or "" for no bound. */
  campaignFrom?: unknown;
  campaignTo?: unknown;
}

/** Message keys of a closed action's errors (the first names the syntax; the others say what is wrong with a target). */
export const CLOSED_ACTION_ERRORS = {
  syntax: HOURS_ERRORS.closedAction,
  queue: "formChecks.closedQueue",
  forwardNumber: "formChecks.forwardNumber",
  forwardNotAllowed: "formChecks.forwardNotAllowed",
} as const;

export type ClosedActionParse = ({ ok: true } & Required<Pick<NumberHoursPatch, "closedAction" | "closedTarget">>) | { ok: false; error: string };

/**
 * Parses `hang-up | voicemail | forward:<number> | queue:<queue>`, for the admin page and the command line alike.
 * The target of `queue:` must exist; the number of `forward:` must be a phone number ({@link phoneNumberSchema}:
 * 2-20 digits, separators dropped, stored normalised) that the outbound allow-list allows (the same check as an
 * operator's outbound call, server/outbound/outbound-policy.ts), since the forward goes out through the trunk.
 */
export async function parseClosedAction(db: Db, text: string): Promise<ClosedActionParse> {
  const [kind, ...rest] = text.trim().split(":");
  const target = rest.join(":").trim();
  const syntax = { ok: false, error: CLOSED_ACTION_ERRORS.syntax } as const;
  if (kind === "hang-up" || kind === "voicemail") return target ? syntax : { ok: true, closedAction: kind, closedTarget: null };
  if (kind === "forward") {
    const number = phoneNumberSchema.safeParse(target);
    if (!number.success) return { ok: false, error: CLOSED_ACTION_ERRORS.forwardNumber };
    if (!(await new OutboundPolicy(db, undefined).allows(number.data))) return { ok: false, error: CLOSED_ACTION_ERRORS.forwardNotAllowed };
    return { ok: true, closedAction: kind, closedTarget: number.data };
  }
  if (kind === "queue") {
    if (!target) return syntax;
    return (await findQueueByName(db, target)) ? { ok: true, closedAction: kind, closedTarget: target } : { ok: false, error: CLOSED_ACTION_ERRORS.queue };
  }
  return syntax;
}

/** Sets the hours settings given (absent fields keep their values) of a configured number. */
export async function setNumberHours(db: Db, number: string, input: NumberHoursForm): Promise<Result<NumberHoursPatch>> {
  const patch = await numberHoursPatch(db, input);
  if (!patch.ok) return patch;
  if (!(await updateNumberHours(db, number, patch.value))) return fail({ number: HOURS_ERRORS.number });
  return patch;
}

/**
 * The admin page's number form: the hours settings and the caller menu (one field, see {@link menuOptionsOfText}),
 * all validated before anything is written, so an error in one field leaves the whole number as it was and every
 * faulty field gets its own error.
 */
export async function saveNumberSettings(db: Db, number: string, input: NumberHoursForm & { menu: string }): Promise<Result<NumberHoursPatch>> {
  const { menu: menuText, ...hours } = input;
  const patch = await numberHoursPatch(db, hours);
  const menu = await parseMenu(db, menuOptionsOfText(menuText));
  const errors: FieldErrors = { ...(patch.ok ? {} : patch.errors), ...(menu ? {} : { menu: HOURS_ERRORS.menu }) };
  if (!patch.ok || !menu) return fail(errors);
  const value = { ...patch.value, menu };
  if (!(await updateNumberHours(db, number, value))) return fail({ number: HOURS_ERRORS.number });
  return { ok: true, value };
}

/** Validates the hours settings given into the patch to store; nothing is written. */
async function numberHoursPatch(db: Db, input: NumberHoursForm): Promise<Result<NumberHoursPatch>> {
  const errors: FieldErrors = {};
  const patch: NumberHoursPatch = {};
  if (typeof input.schedule === "string") {
    const name = input.schedule.trim();
    if (name === "" || name === "24/7") patch.scheduleId = null;
    else {
      const schedule = await findScheduleByName(db, name);
      if (schedule) patch.scheduleId = schedule.id;
      else errors.schedule = HOURS_ERRORS.schedule;
    }
  }
  if (typeof input.closedAction === "string") {
    const action = await parseClosedAction(db, input.closedAction);
    if (action.ok) Object.assign(patch, { closedAction: action.closedAction, closedTarget: action.closedTarget });
    else errors.closedAction = action.error;
  }
  if (typeof input.voicemailMax === "string") {
    const text = input.voicemailMax.trim();
    const seconds = /^[0-9]{1,4}$/.test(text) ? Number(text) : NaN;
    if (text === "" || text === "default") patch.voicemailMaxS = null;
    else if (seconds >= 5 && seconds <= 3600) patch.voicemailMaxS = seconds;
    else errors.voicemailMax = HOURS_ERRORS.voicemailMax;
  }
  if (input.language !== undefined) {
    const language = z.enum(PROMPT_LANGUAGES).safeParse(input.language);
    if (language.success) patch.language = language.data;
    else errors.language = HOURS_ERRORS.language;
  }
  if (typeof input.greeting === "string") {
    const greeting = input.greeting.trim();
    if (greeting.length > 300) errors.greeting = HOURS_ERRORS.greeting;
    else patch.greeting = greeting || null;
  }
  for (const [field, key] of [["campaignFrom", "campaignFrom"], ["campaignTo", "campaignTo"]] as const) {
    const value = input[field];
    if (typeof value !== "string") continue;
    const date = value.trim() ? tryParse(errors, "campaign", () => parseDate(value)) : null;
    if (date !== undefined) patch[key] = date;
  }
  if (patch.campaignFrom && patch.campaignTo && patch.campaignTo < patch.campaignFrom) errors.campaign = HOURS_ERRORS.campaign;
  if (Object.keys(errors).length > 0) return fail(errors);
  return { ok: true, value: patch };
}

/** Parses menu options `1=queue:Support`, `2=language:ar`, `9=callback` (digits 0-9, * and #; each once). */
export async function parseMenu(db: Db, options: readonly string[]): Promise<MenuOption[] | undefined> {
  const menu: MenuOption[] = [];
  for (const option of options) {
    const m = /^([0-9*#])=(.+)$/.exec(option.trim());
    if (!m || menu.some((o) => o.digit === m[1])) return undefined;
    const action = m[2]!.trim();
    const [kind, ...rest] = action.split(":");
    const target = rest.join(":").trim();
    const valid =
      (kind === "queue" && target !== "" && (await findQueueByName(db, target)) !== undefined) ||
      (kind === "language" && (PROMPT_LANGUAGES as readonly string[]).includes(target)) ||
      action === "callback";
    if (!valid) return undefined;
    menu.push({ digit: m[1]!, action });
  }
  return menu;
}

/** The options of a menu typed in one field: "1=queue:Support, 2=language:ar; 9=callback" (commas, semicolons or lines). */
export function menuOptionsOfText(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((o) => o.trim())
    .filter((o) => o !== "");
}

/** Replaces a number's caller menu (no options: no menu). */
export async function setNumberMenu(db: Db, number: string, options: readonly string[]): Promise<Result<MenuOption[]>> {
  const menu = await parseMenu(db, options);
  if (!menu) return fail({ menu: HOURS_ERRORS.menu });
  if (!(await updateNumberHours(db, number, { menu }))) return fail({ number: HOURS_ERRORS.number });
  return { ok: true, value: menu };
}

