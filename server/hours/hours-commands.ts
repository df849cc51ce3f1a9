/**
 * The command line's hours commands (issue 11's stable contract), run by server/cli/commands.ts:
 *   schedule add <name> --weekly "mon-fri 09:00-18:00; sat 10:00-13:00" [--tz Europe/Paris]
 *   schedule closure <name> --from 2026-12-24 [--to 2026-12-26] --reason "Holidays" [--hours 14:00-24:00]
 *   schedule period <name> --from 2027-07-01 --to 2027-07-20 --hours "08:00-18:00"
 *   schedule list
 *   number set <number> [--schedule <name>|24/7] [--closed-action hang-up|voicemail|forward:<number>|queue:<queue>] [--voicemail-max <seconds>|default]
 *                       [--language en|fr|ar] [--greeting "<text>"] [--campaign-from YYYY-MM-DD] [--campaign-to YYYY-MM-DD]
 *   number menu <number> --option "1=queue:Support" [--option "2=language:ar" …]
 */
import type { Db } from "../../db/client";
import { listNumberHours, listScheduleExceptions, listSchedules } from "../../db/queries/schedules";
import type { FieldErrors } from "../accounts/user-input";
import { translatorFor } from "../i18n/messages";
import { phoneNumberSchema } from "../queues/queue-input";
import { addException, saveSchedule, setNumberHours, setNumberMenu } from "./hours-service";
import { formatDayHours, formatWeekly } from "./schedule-text";
import type { Weekday } from "./schedule";

export const HOURS_USAGE = `  schedule add <name> --weekly "mon-fri 09:00-18:00; sat 10:00-13:00"|24/7 [--tz Europe/Paris]
  schedule closure <name> --from YYYY-MM-DD [--to YYYY-MM-DD] --reason "<reason>" [--hours HH:MM-HH:MM]
  schedule period <name> --from YYYY-MM-DD --to YYYY-MM-DD --hours "08:00-18:00"
  schedule list
  number set <number> [--schedule <name>|24/7] [--closed-action hang-up|voicemail|forward:<number>|queue:<queue>] [--voicemail-max <seconds>|default]
                      [--language en|fr|ar] [--greeting "<text>"] [--campaign-from YYYY-MM-DD] [--campaign-to YYYY-MM-DD]
  number menu <number> --option "1=queue:Support" [--option "2=language:ar" --option "9=callback" …]`;

/** The options these commands read (merged into the CLI's parseArgs options). */
export const HOURS_OPTIONS = {
  weekly: { type: "string" },
  tz: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  reason: { type: "string" },
  hours: { type: "string" },
  schedule: { type: "string" },
  "closed-action": { type: "string" },
  "voicemail-max": { type: "string" },
  language: { type: "string" },
  greeting: { type: "string" },
  "campaign-from": { type: "string" },
  "campaign-to": { type: "string" },
  option: { type: "string", multiple: true },
} as const;

export type HoursValues = { [K in keyof typeof HOURS_OPTIONS]?: (typeof HOURS_OPTIONS)[K] extends { multiple: true } ? string[] : string };

/** A hotline number as stored: typed separators removed as by `number add` ({@link phoneNumberSchema}). */
function numberArg(text: string): string {
  const parsed = phoneNumberSchema.safeParse(text);
  return parsed.success ? parsed.data : text;
}

/** A command's failure: its message is printed after `error: `. */
export class HoursCommandError extends Error {}

function explain(errors: FieldErrors): never {
  const t = translatorFor("en") as unknown as (key: string) => string;
  throw new HoursCommandError(
    Object.entries(errors)
      .map(([field, key]) => `${field}: ${t(key)}`)
      .join("; "),
  );
}

/**
 * Runs `key` (e.g. "schedule add") when it is an hours command; false when it is not one. `args` are the positionals
 * after the verb. Throws {@link HoursCommandError} for bad input.
 */
export async function runHoursCommand(db: Db, key: string, args: readonly string[], values: HoursValues, out: string[]): Promise<boolean> {
  const one = () => {
    if (args.length !== 1) throw new HoursCommandError(`"${key}" takes 1 argument`);
    return args[0]!;
  };
  switch (key) {
    case "schedule add": {
      const result = await saveSchedule(db, { name: one(), weekly: values.weekly, zone: values.tz });
      if (!result.ok) return explain(result.errors);
      const s = result.value;
      out.push(`schedule "${s.name}": ${formatWeekly(s.alwaysOpen, s.weekly as Array<{ day: Weekday; startMinute: number; endMinute: number }>)}${s.zone ? ` (${s.zone})` : ""}`);
      return true;
    }
    case "schedule closure":
    case "schedule period": {
      const kind = key === "schedule closure" ? "closure" : "period";
      const result = await addException(db, { schedule: one(), kind, from: values.from, to: values.to, hours: values.hours, reason: values.reason });
      if (!result.ok) return explain(result.errors);
      const e = result.value;
      const hours = e.hours.length > 0 ? ` ${formatDayHours(e.hours)}` : kind === "closure" ? " all day" : "";
      out.push(`${kind} ${e.fromDate} to ${e.toDate}${hours}${e.reason ? ` (${e.reason})` : ""} added to "${args[0]}"`);
      return true;
    }
    case "schedule list": {
      if (args.length !== 0) throw new HoursCommandError(`"${key}" takes no argument`);
      const exceptions = await listScheduleExceptions(db);
      for (const s of await listSchedules(db)) {
        out.push(`${s.name}\t${formatWeekly(s.alwaysOpen, s.weekly as Array<{ day: Weekday; startMinute: number; endMinute: number }>)}\t${s.zone ?? "(TIMEZONE)"}`);
        for (const e of exceptions.filter((x) => x.scheduleId === s.id)) {
          out.push(`  ${e.kind} ${e.fromDate} to ${e.toDate} ${e.hours.length > 0 ? formatDayHours(e.hours) : "all day"} ${e.reason}`.trimEnd());
        }
      }
      return true;
    }
    case "number set": {
      const number = numberArg(one());
      const input = {
        schedule: values.schedule,
        closedAction: values["closed-action"],
        voicemailMax: values["voicemail-max"],
        language: values.language,
        greeting: values.greeting,
        campaignFrom: values["campaign-from"],
        campaignTo: values["campaign-to"],
      };
      if (Object.values(input).every((v) => v === undefined)) throw new HoursCommandError("number set needs at least one setting");
      const result = await setNumberHours(db, number, input);
      if (!result.ok) return explain(result.errors);
      const row = (await listNumberHours(db)).find((n) => n.number === number)!;
      const schedule = row.scheduleId === null ? "24/7" : (await listSchedules(db)).find((s) => s.id === row.scheduleId)?.name;
      const action = row.closedTarget ? `${row.closedAction}:${row.closedTarget}` : row.closedAction;
      const campaign = row.campaignFrom || row.campaignTo ? `, campaign ${row.campaignFrom ?? "…"} to ${row.campaignTo ?? "…"}` : "";
      const voicemail = row.closedAction === "voicemail" ? ` (messages up to ${row.voicemailMaxS === null ? "the default" : `${row.voicemailMaxS} s`})` : "";
      out.push(`number ${number}: schedule ${schedule}, when closed ${action}${voicemail}, language ${row.language}${campaign}`);
      return true;
    }
    case "number menu": {
      const number = numberArg(one());
      const result = await setNumberMenu(db, number, values.option ?? []);
      if (!result.ok) return explain(result.errors);
      out.push(result.value.length === 0 ? `number ${number}: no menu` : `number ${number} menu: ${result.value.map((o) => `${o.digit}=${o.action}`).join(", ")}`);
      return true;
    }
    default:
      return false;
  }
}
