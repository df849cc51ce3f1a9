/**
 * The database's configuration as the queue engine and the call path need it, held in memory so no call waits on a
 * query: queues and their settings, pause reasons and their limits, memberships, dialled numbers -> queue (routes),
 * VIP priorities, and shifts (given to the shift scheduler). {@link EngineConfig.sync} re-reads all of it (at start,
 * and after every admin change).
 */
import type { Db } from "../../db/client";
import { listPauseReasons } from "../../db/queries/pause-reasons";
import { listAllMemberships, listHotlineNumbers, listQueues, listVipNumbers } from "../../db/queries/queues";
import { listShifts } from "../../db/queries/shifts";
import { listUsers } from "../../db/queries/users";
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

  constructor(
    private readonly db: Db,
    private readonly dispatch: (event: EngineEvent) => void,
    private readonly shifts: Pick<ShiftScheduler, "update">,
  ) {}

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
    const byUser = new Map<number, Array<{ queueId: string; tier: number }>>();
    for (const m of await listAllMemberships(this.db)) {
      const list = byUser.get(m.userId) ?? [];
      list.push({ queueId: String(m.queueId), tier: m.level });
      byUser.set(m.userId, list);
    }
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

  /** Told after each sync with the queues and who serves which (the supervisors' board, operating hours). */
  readonly synced = new Set<
    (queues: Awaited<ReturnType<typeof listQueues>>, memberships: Map<number, Array<{ queueId: string; tier: number }>>) => void | Promise<void>
  >();
}
