/**
 * Reads schedules, their exceptions and the numbers' hours settings from the database into the pure evaluation's
 * shapes ({@link ScheduleSpec}, {@link NumberHours}), once for the runtime, the admin page and the board alike.
 */
import type { Db } from "../../db/client";
import { getOrganisation } from "../../db/queries/organisation";
import { listNumberHours, listScheduleExceptions, listSchedules, type NumberHoursRow } from "../../db/queries/schedules";
import type { Organisation, Schedule, ScheduleException } from "../../db/schema";
import type { NumberHours } from "./number-hours";
import type { ScheduleSpec, Weekday } from "./schedule";

/** One schedule row and its exceptions as the evaluation takes them; `zone` is used when it has none. */
export function scheduleSpec(s: Schedule, exceptions: readonly ScheduleException[], zone: string): ScheduleSpec {
  const own = exceptions.filter((e) => e.scheduleId === s.id);
  return {
    zone: s.zone ?? zone,
    alwaysOpen: s.alwaysOpen,
    weekly: s.weekly.map((w) => ({ ...w, day: w.day as Weekday })),
    periods: own.filter((e) => e.kind === "period").map((e) => ({ from: e.fromDate, to: e.toDate, intervals: e.hours })),
    closures: own.filter((e) => e.kind === "closure").map((e) => ({ from: e.fromDate, to: e.toDate, reason: e.reason, ...(e.hours[0] && { hours: e.hours[0] }) })),
  };
}

export interface LoadedHours {
  schedules: Schedule[];
  exceptions: ScheduleException[];
  specs: Map<number, ScheduleSpec>;
  /** Each number's row with its evaluation shape. */
  numbers: Array<{ row: NumberHoursRow; hours: NumberHours }>;
  organisation: Organisation;
}

/** Everything hours-related, evaluated shapes included; `zone` is TIMEZONE. */
export async function loadHours(db: Db, zone: string): Promise<LoadedHours> {
  const [schedules, exceptions, rows, organisation] = await Promise.all([listSchedules(db), listScheduleExceptions(db), listNumberHours(db), getOrganisation(db)]);
  const specs = new Map(schedules.map((s) => [s.id, scheduleSpec(s, exceptions, zone)]));
  const numbers = rows.map((row) => {
    const schedule = row.scheduleId === null ? undefined : specs.get(row.scheduleId);
    return {
      row,
      hours: {
        numberId: row.id,
        queueId: row.queueId,
        schedule,
        zone: schedule?.zone ?? zone,
        campaignFrom: row.campaignFrom,
        campaignTo: row.campaignTo,
        language: row.language,
      },
    };
  });
  return { schedules, exceptions, specs, numbers, organisation };
}
