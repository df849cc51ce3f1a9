/**
 * What the hours admin page shows: each schedule as text with its exceptions and its state now (open until …,
 * closed until … or in a closure), and each number's hours settings as its form shows them.
 */
import type { Db } from "../../db/client";
import { deleteScheduleException } from "../../db/queries/schedules";
import type { Result } from "../accounts/user-input";
import { loadHours } from "./hours-loader";
import { nextBoundary, queueOpenStates, type NumberHours } from "./number-hours";
import { scheduleState, type ScheduleState } from "./schedule";
import { formatDayHours, formatWeekly } from "./schedule-text";

export interface ScheduleView {
  id: number;
  name: string;
  weekly: string;
  /** The schedule's own zone, or undefined for TIMEZONE. */
  zone: string | undefined;
  state: ScheduleState;
  exceptions: Array<{ id: number; kind: "period" | "closure"; from: string; to: string; hours: string; reason: string }>;
}

export interface NumberView {
  id: number;
  number: string;
  queue: string;
  /** Form values: schedule name ("" for 24/7), closed action text, language, greeting, campaign dates. */
  values: Record<"schedule" | "closedAction" | "voicemailMax" | "language" | "greeting" | "campaignFrom" | "campaignTo" | "menu", string>;
}

/** Schedules and numbers, evaluated at `at` in each schedule's zone (default `zone`). */
export async function hoursOverview(db: Db, zone: string, at: Date): Promise<{ schedules: ScheduleView[]; numbers: NumberView[] }> {
  const { schedules, exceptions, specs, numbers } = await loadHours(db, zone);
  const views = schedules.map((s): ScheduleView => {
    const spec = specs.get(s.id)!;
    return {
      id: s.id,
      name: s.name,
      weekly: formatWeekly(s.alwaysOpen, spec.weekly),
      zone: s.zone ?? undefined,
      state: scheduleState(spec, at.getTime()),
      exceptions: exceptions
        .filter((e) => e.scheduleId === s.id)
        .map((e) => ({ id: e.id, kind: e.kind, from: e.fromDate, to: e.toDate, hours: formatDayHours(e.hours), reason: e.reason })),
    };
  });
  const names = new Map(schedules.map((s) => [s.id, s.name]));
  return {
    schedules: views,
    numbers: numbers.map(({ row: n }) => ({
      id: n.id,
      number: n.number,
      queue: n.queue,
      values: {
        schedule: n.scheduleId === null ? "" : (names.get(n.scheduleId) ?? ""),
        closedAction: n.closedTarget ? `${n.closedAction}:${n.closedTarget}` : n.closedAction,
        voicemailMax: n.voicemailMaxS === null ? "" : String(n.voicemailMaxS),
        language: n.language,
        greeting: n.greeting ?? "",
        campaignFrom: n.campaignFrom ?? "",
        campaignTo: n.campaignTo ?? "",
        menu: n.menu.map((o) => `${o.digit}=${o.action}`).join(", "),
      },
    })),
  };
}

/** Each queue with numbers, open or closed now and until when (board and desk). */
export async function queueHours(db: Db, zone: string, at: Date): Promise<Array<{ queue: string; open: boolean; until: number | undefined; zone: string }>> {
  const { numbers } = await loadHours(db, zone);
  const now = at.getTime();
  const byQueue = new Map<string, NumberHours[]>();
  for (const { row, hours } of numbers) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), hours]);
  return [...byQueue].map(([queue, list]) => ({
    queue,
    open: queueOpenStates(list, now).get(list[0]!.queueId) ?? true,
    until: nextBoundary(list, now),
    zone: list[0]!.zone,
  }));
}

/** Removes a period or closure. */
export async function removeException(db: Db, id: number): Promise<Result<true>> {
  if (!Number.isSafeInteger(id) || id <= 0) return { ok: false, errors: { form: "hours.validation.schedule" } };
  await deleteScheduleException(db, id);
  return { ok: true, value: true };
}
