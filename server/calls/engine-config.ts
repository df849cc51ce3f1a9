/**
 * The database's configuration as the queue engine and the call path need it, held in memory so no call waits on a
 * query: queues and their settings, pause reasons and their limits, memberships, dialled numbers -> queue (routes),
 * VIP priorities, and shifts (given to the shift scheduler). {@link EngineConfig.sync} re-reads all of it (at start,
 * and after every admin change).
 *
 * Memberships are each operator's `queue_members`, unless a supervisor set the operator's queues for today
 * (`queue_member_days`, from the board): then those, until the day ends in `TIMEZONE`, when ONE timer re-syncs and the
 * usual memberships apply again.
 */
import { DateTime } from "luxon";
import type { Db } from "../../db/client";
import { listMemberDays, type DayMembership } from "../../db/queries/member-days";
import { listPauseReasons } from "../../db/queries/pause-reasons";
import { listAllMemberships, listHotlineNumbers, listQueues, listVipNumbers } from "../../db/queries/queues";
import { listShifts } from "../../db/queries/shifts";
import { listUsers } from "../../db/queries/users";
import type { Clock } from "../clock";
import type { EngineEvent } from "../queue";
import type { ShiftScheduler } from "../staffing/shift-scheduler";
import type { RoutedNumber } from "./call-controller";
import { queueSettingsFromRow } from "./queue-settings-mapping";

export class EngineConfig {
  /** Dialled number -> queue. */
  private routes = new Map<string, RoutedNumber>();
  /**
   * Caller number -> VIP priority. The engine takes its own VIP table only when it is built, so the priority travels
   * on each caller-entered event instead.
   */
  private vipPriorities = new Map<string, number>();
  /** Operators choose among the configured reasons only; the engine's own (missed-calls, shift-ended…) are not choices. */
  private pauseReasonCodes = new Set<string>();
  /** Queue id -> name, for transfers and the desk's transfer targets. */
  private queueNames = new Map<number, string>();
  /** Active user id -> display name (the transfer panel's colleagues). */
  private userNames = new Map<number, string>();
  /** User id -> their usual memberships (`queue_members`) and today's, when a supervisor changed them. */
  private usual = new Map<number, DayMembership[]>();
  private today = new Map<number, DayMembership[]>();
  /** Re-syncs when the day of today's changes ends. */
  private dayEnd: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly dispatch: (event: EngineEvent) => void,
    private readonly shifts: Pick<ShiftScheduler, "update">,
    /** The clock and zone of "today" for the day's memberships. */
    private readonly day: { clock: Clock; zone: string } = { clock: { now: () => Date.now() }, zone: "UTC" },
  ) {}

  /** Today, YYYY-MM-DD in the hotline's zone. */
  currentDay(): string {
    return DateTime.fromMillis(this.day.clock.now(), { zone: this.day.zone }).toISODate()!;
  }

  /**
   * An operator's queues as the board's form shows them: every queue with the usual level and today's (null: not a
   * member), and whether a supervisor changed them for today.
   */
  operatorQueues(userId: number): { queues: Array<{ id: number; name: string; usual: number | null; today: number | null }>; changed: boolean } {
    const usual = new Map((this.usual.get(userId) ?? []).map((m) => [m.queueId, m.level]));
    const changed = this.today.has(userId);
    const today = changed ? new Map((this.today.get(userId) ?? []).map((m) => [m.queueId, m.level])) : usual;
    return {
      queues: [...this.queueNames].map(([id, name]) => ({ id, name, usual: usual.get(id) ?? null, today: today.get(id) ?? null })),
      changed,
    };
  }

  /** Stops the day-end timer. */
  close(): void {
    clearTimeout(this.dayEnd);
  }

  routeNumber(dialed: string): RoutedNumber | undefined {
    return this.routes.get(dialed);
  }

  callerPriority(callerNumber: string): number | undefined {
    return this.vipPriorities.get(callerNumber);
  }

  isPauseReason(code: string): boolean {
    return this.pauseReasonCodes.has(code);
  }

  /** The configured pause reasons' codes (those an operator or a supervisor may choose). */
  pauseReasons(): ReadonlySet<string> {
    return this.pauseReasonCodes;
  }

  /** Every queue by id and name. */
  queues(): Array<{ id: number; name: string }> {
    return [...this.queueNames].map(([id, name]) => ({ id, name }));
  }

  queueName(queueId: number): string | undefined {
    return this.queueNames.get(queueId);
  }

  operatorName(userId: number): string | undefined {
    return this.userNames.get(userId);
  }

  /** Re-reads queues, memberships, pause reasons, routes, VIPs and shifts into the engine and this cache. */
  async sync(): Promise<void> {
    const reasons = await listPauseReasons(this.db);
    this.pauseReasonCodes = new Set(reasons.map((r) => r.code));
    this.dispatch({
      type: "pause-policy-configured",
      limitedPauseReasons: reasons.filter((r) => r.limited).map((r) => r.code),
      maxPauseMs: Object.fromEntries(reasons.flatMap((r) => (r.maxMinutes === null ? [] : [[r.code, r.maxMinutes * 60_000]]))),
    });
    const queues = await listQueues(this.db);
    for (const queue of queues) this.dispatch({ type: "queue-configured", settings: queueSettingsFromRow(queue) });
    this.queueNames = new Map(queues.map((q) => [q.id, q.name]));
    const byId = new Map(queues.map((q) => [q.id, q]));
    this.routes = new Map(
      (await listHotlineNumbers(this.db)).flatMap((n) => {
        const queue = byId.get(n.queueId);
        return queue
          ? [
              [
                n.number,
                {
                  numberId: n.id,
                  queueId: queue.id,
                  queueName: queue.name,
                  slThresholdS: queue.slThresholdS,
                  shortAbandonS: queue.shortAbandonS,
                  ...(queue.recordingEnabled && { recording: { samplePct: queue.recordingSamplePct, retentionDays: queue.recordingRetentionDays } }),
                },
              ] as const,
            ]
          : [];
      }),
    );
    this.vipPriorities = new Map((await listVipNumbers(this.db)).map((vip) => [vip.number, vip.priority]));
    const usual = new Map<number, DayMembership[]>();
    for (const m of await listAllMemberships(this.db)) usual.set(m.userId, [...(usual.get(m.userId) ?? []), { queueId: m.queueId, level: m.level }]);
    this.usual = usual;
    this.today = await listMemberDays(this.db, this.currentDay());
    const byUser = new Map<number, Array<{ queueId: string; tier: number }>>();
    for (const [userId, list] of [...usual, ...this.today]) {
      byUser.set(userId, list.flatMap((m) => (m.level === null ? [] : [{ queueId: String(m.queueId), tier: m.level }])));
    }
    this.armDayEnd();
    // Every active account can staff the desk (a supervisor may take calls too); without a
    // membership it simply serves no queue, but its presence is tracked from the first login.
    const active = (await listUsers(this.db)).filter((user) => !user.disabled);
    this.userNames = new Map(active.map((user) => [user.id, user.displayName || user.username]));
    for (const user of active) {
      this.dispatch({ type: "operator-configured", operatorId: String(user.id), memberships: byUser.get(user.id) ?? [] });
    }
    const specs = (await listShifts(this.db))
      .filter((shift) => !shift.disabled)
      .map((shift) => ({ operatorId: String(shift.userId), days: shift.days, startMinute: shift.startMinute, endMinute: shift.endMinute }));
    this.shifts.update(
      specs,
      active.map((user) => String(user.id)),
    );
    for (const listener of this.synced) await listener(queues, byUser);
  }

  /** With changes for today: one timer to the start of tomorrow, when the usual memberships apply again. */
  private armDayEnd(): void {
    clearTimeout(this.dayEnd);
    this.dayEnd = undefined;
    if (this.today.size === 0) return;
    const now = this.day.clock.now();
    const tomorrow = DateTime.fromMillis(now, { zone: this.day.zone }).plus({ days: 1 }).startOf("day").toMillis();
    this.dayEnd = setTimeout(() => this.resyncAtDayEnd(), Math.max(0, tomorrow - now) + 1000);
    this.dayEnd.unref();
  }

  /** The day-end sync; with the database down, tried again every minute until it works. */
  private resyncAtDayEnd(): void {
    this.sync().catch(() => {
      this.dayEnd = setTimeout(() => this.resyncAtDayEnd(), 60_000);
      this.dayEnd.unref();
    });
  }

  /** Told after each sync with the queues and who serves which (the supervisors' board, operating hours). */
  readonly synced = new Set<
    (queues: Awaited<ReturnType<typeof listQueues>>, memberships: Map<number, Array<{ queueId: string; tier: number }>>) => void | Promise<void>
  >();
}
