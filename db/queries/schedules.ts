/** Schedules (opening hours), their dated exceptions, and the per-number hours settings (issue 11). */
import { asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import type { ClosedAction, MenuOption, PromptLanguage, ScheduleExceptionKind } from "../enums";
import { hotlineNumbers, queues, scheduleExceptions, schedules, type Schedule, type ScheduleException } from "../schema";
import { uniquely } from "./errors";

export interface ScheduleInput {
  name: string;
  zone: string | null;
  alwaysOpen: boolean;
  weekly: Array<{ day: number; startMinute: number; endMinute: number }>;
}

/** Creates the schedule, or replaces the weekly pattern and zone of the one with that name (case-insensitive). */
export async function upsertSchedule(db: Db, input: ScheduleInput): Promise<Schedule> {
  const existing = await findScheduleByName(db, input.name);
  if (existing) {
    const [row] = await db
      .update(schedules)
      .set({ zone: input.zone, alwaysOpen: input.alwaysOpen, weekly: input.weekly })
      .where(eq(schedules.id, existing.id))
      .returning();
    return row!;
  }
  return uniquely("name", async () => {
    const [row] = await db.insert(schedules).values(input).returning();
    return row!;
  });
}

export async function findScheduleByName(db: Db, name: string): Promise<Schedule | undefined> {
  const [row] = await db
    .select()
    .from(schedules)
    .where(sql`lower(${schedules.name}) = lower(${name})`);
  return row;
}

export function listSchedules(db: Db): Promise<Schedule[]> {
  return db.select().from(schedules).orderBy(asc(schedules.name));
}

export async function deleteSchedule(db: Db, id: number): Promise<void> {
  await db.delete(schedules).where(eq(schedules.id, id));
}

export interface ScheduleExceptionInput {
  scheduleId: number;
  kind: ScheduleExceptionKind;
  fromDate: string;
  toDate: string;
  hours: Array<{ startMinute: number; endMinute: number }>;
  reason: string;
}

export async function addScheduleException(db: Db, input: ScheduleExceptionInput): Promise<ScheduleException> {
  const [row] = await db.insert(scheduleExceptions).values(input).returning();
  return row!;
}

export async function deleteScheduleException(db: Db, id: number): Promise<void> {
  await db.delete(scheduleExceptions).where(eq(scheduleExceptions.id, id));
}

export function listScheduleExceptions(db: Db): Promise<ScheduleException[]> {
  return db.select().from(scheduleExceptions).orderBy(asc(scheduleExceptions.fromDate), asc(scheduleExceptions.id));
}

export interface NumberHoursPatch {
  scheduleId?: number | null;
  closedAction?: ClosedAction;
  closedTarget?: string | null;
  voicemailMaxS?: number | null;
  language?: PromptLanguage;
  greeting?: string | null;
  campaignFrom?: string | null;
  campaignTo?: string | null;
  menu?: MenuOption[];
}

/** Updates a number's hours settings; false when no such number exists. */
export async function updateNumberHours(db: Db, number: string, patch: NumberHoursPatch): Promise<boolean> {
  const rows = await db.update(hotlineNumbers).set(patch).where(eq(hotlineNumbers.number, number)).returning({ id: hotlineNumbers.id });
  return rows.length > 0;
}

/** Every number with its hours settings and its queue's name. */
export function listNumberHours(db: Db) {
  return db
    .select({
      id: hotlineNumbers.id,
      number: hotlineNumbers.number,
      label: hotlineNumbers.label,
      queueId: hotlineNumbers.queueId,
      queue: queues.name,
      scheduleId: hotlineNumbers.scheduleId,
      closedAction: hotlineNumbers.closedAction,
      closedTarget: hotlineNumbers.closedTarget,
      voicemailMaxS: hotlineNumbers.voicemailMaxS,
      language: hotlineNumbers.language,
      greeting: hotlineNumbers.greeting,
      campaignFrom: hotlineNumbers.campaignFrom,
      campaignTo: hotlineNumbers.campaignTo,
      menu: hotlineNumbers.menu,
    })
    .from(hotlineNumbers)
    .innerJoin(queues, eq(queues.id, hotlineNumbers.queueId))
    .orderBy(asc(hotlineNumbers.number));
}
export type NumberHoursRow = Awaited<ReturnType<typeof listNumberHours>>[number];
