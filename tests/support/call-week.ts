/**
 * A generated week of call records whose figures are known in advance (no randomness), for the call log,
 * report, export and review tests. Zone Europe/Paris (UTC+1 in November); week Monday 2026-11-02 .. Sunday
 * 2026-11-08; one queue "support" (service level 20 s, short abandon 5 s), hotline number 2000 "Poster".
 *
 * 2,000 calls:
 * - 1,900 queued: 1,600 answered after 10 s, 100 answered after 40 s, 150 abandoned after 60 s, 50 abandoned
 *   after 2 s (short). Every answered call: talk 140 s, hold 10 s, wrap-up 30 s: handle 180 s.
 *   -> offered 1900, answered 1700, abandoned 150, short 50, service level 1600/1850, ASA 20000/1700 s,
 *   AHT 180 s, abandon rate 150/1850.
 * - 100 closed (outside hours), Saturday 2026-11-07 10:00-10:50 local, never queued.
 * Arrivals of the queued calls: 300 on Tuesday 2026-11-03 10:00-11:00 local (the peak), the other 1,600 spread
 * 40 an hour over Monday-Friday 09:00-17:00 local (without Tuesday 10:00, where the peak's are).
 * Five operators (op1..op5) each logged in Monday-Friday 08:00-18:00 local: 5 operators in every weekday hour.
 * Erlang C for 40 calls/h x 180 s (2 Erlang) needs 4 for 80/20: fine; the peak (300 calls/h = 15 Erlang) needs
 * far more than 5: the under-staffed hour. Topics of answered calls cycle billing, access, billing, other;
 * every tenth answered call is "could-not-help" (all of them billing calls: 170 of billing's 850). Answered calls go to the operators in turn.
 */
import { DateTime } from "luxon";
import type { Db } from "../../db/client";
import { appendEvents, type NewCallEvent } from "../../db/queries/calls";
import { addHotlineNumber, createQueue } from "../../db/queries/queues";
import { createUser } from "../../db/queries/users";
import { callRecords, type User } from "../../db/schema";

export const WEEK_ZONE = "Europe/Paris";
export const WEEK_FROM = "2026-11-02";
export const WEEK_TO = "2026-11-08";
export const WEEK_EXPECTED = {
  calls: 2000,
  offered: 1900,
  answered: 1700,
  abandoned: 150,
  shortAbandoned: 50,
  closed: 100,
  serviceLevel: 1600 / 1850,
  asaSeconds: 20000 / 1700,
  ahtSeconds: 180,
  abandonRate: 150 / 1850,
  /** The under-staffed peak hour, local. */
  peakSlot: "2026-11-03T10",
  peakCalls: 300,
};

const local = (day: string, hour: number, seconds = 0) =>
  DateTime.fromISO(`${day}T${String(hour).padStart(2, "0")}:00:00`, { zone: WEEK_ZONE }).plus({ seconds }).toJSDate();
const WEEKDAYS = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"];

type Kind = { outcome: "answered" | "abandoned"; waitS: number };

/** The queued calls' kinds in a fixed scrambled order (index x 7 mod 1900 over the sorted kinds). */
function kindOf(j: number): Kind {
  const k = (j * 7) % 1900;
  if (k < 1600) return { outcome: "answered", waitS: 10 };
  if (k < 1700) return { outcome: "answered", waitS: 40 };
  if (k < 1850) return { outcome: "abandoned", waitS: 60 };
  return { outcome: "abandoned", waitS: 2 };
}

function arrivals(): Date[] {
  const times: Date[] = [];
  for (let i = 0; i < 300; i += 1) times.push(local("2026-11-03", 10, i * 12));
  for (const day of WEEKDAYS) {
    for (let hour = 9; hour < 17; hour += 1) {
      if (day === "2026-11-03" && hour === 10) continue;
      for (let i = 0; i < 40; i += 1) times.push(local(day, hour, i * 90));
    }
  }
  // 39 weekday hours x 40 = 1,560; 40 more on Friday 17:00 make the 1,600.
  for (let i = 0; i < 40; i += 1) times.push(local("2026-11-06", 17, i * 90));
  return times;
}

export interface SeededWeek {
  operators: User[];
  supervisor: User;
  queueId: number;
}

/** Writes the week into `db` (a fresh, migrated database). */
export async function seedCallWeek(db: Db): Promise<SeededWeek> {
  const queue = await createQueue(db, "support");
  await addHotlineNumber(db, "2000", queue.id, "Poster");
  const operators: User[] = [];
  for (let i = 1; i <= 5; i += 1) operators.push(await createUser(db, { username: `op${i}`, displayName: `Operator ${i}`, role: "operator", passwordHash: "x" }));
  const supervisor = await createUser(db, { username: "sam", displayName: "Sam", role: "supervisor", passwordHash: "x" });

  const rows: Array<typeof callRecords.$inferInsert> = [];
  let answeredIndex = 0;
  arrivals().forEach((arrivedAt, j) => {
    const kind = kindOf(j);
    const queuedAt = new Date(arrivedAt.getTime() + 1000);
    const waitEnd = new Date(queuedAt.getTime() + kind.waitS * 1000);
    const base = {
      callerNumber: `+3361234${String(j).padStart(4, "0")}`,
      dialedNumber: "2000",
      queueId: queue.id,
      arrivedAt,
      queuedAt,
      slThresholdS: 20,
      shortAbandonS: 5,
    };
    if (kind.outcome === "abandoned") {
      rows.push({ ...base, endedAt: waitEnd, outcome: "abandoned", endedBy: "caller" });
      return;
    }
    const a = answeredIndex++;
    const endedAt = new Date(waitEnd.getTime() + 150_000);
    rows.push({
      ...base,
      answeredAt: waitEnd,
      endedAt,
      wrapUpEndedAt: new Date(endedAt.getTime() + 30_000),
      holdMs: 10_000,
      offers: 1,
      operatorId: operators[a % 5]!.id,
      outcome: "answered",
      endedBy: "caller",
      topic: ["billing", "access", "billing", "other"][a % 4]!,
      outcomeDetail: a % 10 === 0 ? "could-not-help" : "answered-on-the-spot",
    });
  });
  for (let i = 0; i < 100; i += 1) {
    const arrivedAt = local("2026-11-07", 10, i * 30);
    rows.push({
      callerNumber: `+3369999${String(i).padStart(4, "0")}`,
      dialedNumber: "2000",
      queueId: queue.id,
      arrivedAt,
      endedAt: new Date(arrivedAt.getTime() + 8000),
      outcome: "closed",
      endedBy: "system",
      slThresholdS: 20,
      shortAbandonS: 5,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(callRecords).values(rows.slice(i, i + 500));

  const events: NewCallEvent[] = [];
  for (const day of WEEKDAYS) {
    for (const operator of operators) {
      events.push({ at: local(day, 8), type: "operator.state", operatorId: operator.id, data: { from: "offline", to: "available" } });
      events.push({ at: local(day, 18), type: "operator.state", operatorId: operator.id, data: { from: "available", to: "offline" } });
    }
  }
  await appendEvents(db, events);
  return { operators, supervisor, queueId: queue.id };
}
