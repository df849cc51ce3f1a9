/**
 * Validation of queue administration input: queue settings, members, hotline numbers and VIP
 * callers. Accepts form values (strings, "" for an empty field) as well as numbers, so the admin
 * pages and any future API share it. Messages are `validation.*` i18n keys, one per field, in the
 * style of server/accounts/user-input.ts.
 *
 * Ranges are what makes sense on a phone line, not what the engine could technically take: a
 * 1-second ring never reaches a human, a 0-second overflow loop is a misconfiguration.
 */
import { z } from "zod";
import type { QueueSettingsPatch } from "../../db/queries/queues";
import { fieldErrors, type Result } from "../accounts/user-input";
import { isEmpty, optionalWholeNumber, toNumber, wholeNumber } from "../forms/form-numbers";
import { ACTION_SLOTS, JOIN_WHEN, LEAVE_WHEN, QUEUE_ACTIONS, STRATEGIES } from "./queue-options";
import { stripSeparators } from "../outbound/number-pattern";

/** An empty select (no queue chosen) is null. */
const optionalId = z.preprocess((value) => (isEmpty(value) ? null : toNumber(value)), z.number({ error: "validation.overflowTarget" }).int().positive().nullable());

export const queueNameSchema = z
  .string({ error: "validation.queueName" })
  .trim()
  .regex(/^[\p{L}\p{N} ._-]{1,64}$/u, "validation.queueName");

/** "0, 30, 60" or [0, 30, 60]: seconds before level 1, 2, 3… is offered; empty means [0]. */
const MAX_TIERS = 9;
const TIER_DELAYS = "validation.tierDelays";
const tierDelaysSchema = z.preprocess(
  (value) => (isEmpty(value) ? [0] : typeof value === "string" ? value.split(/[\s,;]+/).filter(Boolean).map(toNumber) : value),
  z
    .array(z.number({ error: TIER_DELAYS }).int(TIER_DELAYS).min(0, TIER_DELAYS).max(3600, TIER_DELAYS), { error: TIER_DELAYS })
    .min(1, TIER_DELAYS)
    .max(MAX_TIERS, TIER_DELAYS)
    .refine((delays) => delays.every((d, i) => i === 0 || d >= delays[i - 1]!), TIER_DELAYS),
);

const actionFields = Object.fromEntries(
  ACTION_SLOTS.flatMap((slot) => [
    [`${slot}Action`, z.enum(QUEUE_ACTIONS, { error: "validation.choice" })],
    [`${slot}TargetId`, optionalId],
  ]),
) as {
  [K in `${(typeof ACTION_SLOTS)[number]}Action`]: z.ZodEnum<{ [A in (typeof QUEUE_ACTIONS)[number]]: A }>;
} & { [K in `${(typeof ACTION_SLOTS)[number]}TargetId`]: typeof optionalId };

const settingsObject = z.object({
  name: queueNameSchema,
  strategy: z.enum(STRATEGIES, { error: "validation.choice" }),
  weight: wholeNumber(-100, 100, "validation.weight"),
  ringTimeoutS: wholeNumber(5, 300, "validation.ringTimeout"),
  retryDelayS: wholeNumber(0, 300, "validation.seconds0to300"),
  wrapUpS: wholeNumber(0, 3600, "validation.seconds0to3600"),
  slThresholdS: wholeNumber(1, 3600, "validation.seconds1to3600"),
  shortAbandonS: wholeNumber(0, 300, "validation.seconds0to300"),
  maxWaitS: optionalWholeNumber(10, 86_400, "validation.maxWait"),
  maxQueueLength: optionalWholeNumber(1, 10_000, "validation.maxQueueLength"),
  joinWhen: z.enum(JOIN_WHEN, { error: "validation.choice" }),
  leaveWhen: z.enum(LEAVE_WHEN, { error: "validation.choice" }),
  positionAnnounceEveryS: optionalWholeNumber(15, 3600, "validation.announceEvery"),
  periodicAnnounceEveryS: optionalWholeNumber(15, 3600, "validation.announceEvery"),
  tierDelaysS: tierDelaysSchema,
  maxMissedOffers: wholeNumber(0, 20, "validation.maxMissedOffers"),
  maxOnBreak: optionalWholeNumber(0, 1000, "validation.maxOnBreak"),
  // The board's alerts (server/board/board-alerts.ts): empty turns one off; an unticked box sends nothing.
  alertSlBelowPct: optionalWholeNumber(1, 100, "validation.alertServiceLevel"),
  alertWaitOverS: optionalWholeNumber(5, 86_400, "validation.alertWait"),
  alertNobodyAvailable: z.preprocess((value) => value === true || value === "on" || value === "true", z.boolean()),
  // Call recording (server/recordings): an unticked box sends nothing (off); retention empty keeps recordings.
  recordingEnabled: z.preprocess((value) => value === true || value === "on" || value === "true", z.boolean()),
  // Absent (an older form or API client): every call, as before sampling existed.
  recordingSamplePct: z.preprocess((value) => (isEmpty(value) ? 100 : value), wholeNumber(1, 100, "validation.recordingSample")),
  recordingRetentionDays: optionalWholeNumber(1, 3650, "validation.recordingRetention"),
  ...actionFields,
});

/**
 * One field's schema of the settings form, for the command line's `queue set`, which sets a few fields at a time
 * with the same ranges and messages (server/cli/commands.ts).
 */
export const queueSettingFields = settingsObject.shape;

/** What the settings form submits: every field, as strings or numbers. */
export type QueueSettingsInput = { [K in keyof z.input<typeof settingsObject>]?: unknown };

/**
 * The settings schema for one queue: an overflow needs a target, which must be another existing
 * queue (overflowing to itself would loop until the engine's hop limit hangs up). A target given
 * with another action is dropped, so a stale id is never stored.
 */
export function queueSettingsSchema(context: { queueId: number; queueIds: readonly number[] }) {
  return settingsObject
    .superRefine((settings, ctx) => {
      for (const slot of ACTION_SLOTS) {
        if (settings[`${slot}Action`] !== "overflow") continue;
        const target = settings[`${slot}TargetId`];
        const path = [`${slot}TargetId`];
        if (target === null || !context.queueIds.includes(target)) ctx.addIssue({ code: "custom", path, message: "validation.overflowTarget" });
        else if (target === context.queueId) ctx.addIssue({ code: "custom", path, message: "validation.overflowSelf" });
      }
    })
    .transform((settings): QueueSettingsPatch => {
      const patch: QueueSettingsPatch = { ...settings };
      for (const slot of ACTION_SLOTS) {
        if (settings[`${slot}Action`] !== "overflow") patch[`${slot}TargetId`] = null;
      }
      return patch;
    });
}

export function parseQueueSettings(input: QueueSettingsInput, context: { queueId: number; queueIds: readonly number[] }): Result<QueueSettingsPatch> {
  const parsed = queueSettingsSchema(context).safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export const memberSchema = z.object({
  userId: wholeNumber(1, Number.MAX_SAFE_INTEGER, "validation.operator"),
  level: wholeNumber(1, 9, "validation.level"),
});

/**
 * As the trunk sends it: 2-20 digits with an optional leading +. The visual separators an admin types (spaces, dots,
 * dashes, parentheses: "+33 1 23 45 67 89", "(01) 23.45") are removed, as for a dialled number
 * (server/outbound/number-pattern.ts normaliseDialled). The admin pages and the command line both parse with it.
 */
export const phoneNumberSchema = z.preprocess(
  (value) => (typeof value === "string" ? stripSeparators(value) : value),
  z.string({ error: "validation.phoneNumber" }).regex(/^\+?\d{2,20}$/, "validation.phoneNumber"),
);

const labelSchema = z.preprocess(
  (value) => (isEmpty(value) ? null : value),
  z.string().trim().max(80, "validation.labelLength").nullable(),
);

export const hotlineNumberSchema = z.object({ number: phoneNumberSchema, label: labelSchema });

export const vipNumberSchema = z.object({
  number: phoneNumberSchema,
  priority: wholeNumber(1, 100, "validation.vipPriority"),
  label: labelSchema,
});
