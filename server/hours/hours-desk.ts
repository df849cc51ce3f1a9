/**
 * Operating hours on the desks (issue 11, point 5): each operator is pushed the hours of the queues they serve, when
 * the hours runtime crosses a boundary (or reloads) and when their memberships change, never by polling; the desk
 * tells an available operator whose queues are all closed that no call will come.
 */
import type { QueueHoursState } from "./number-hours";

/** What one operator's desk shows: their queues with hours (queues without hours are always open and left out). */
export interface DeskHoursView {
  queues: Array<{ queueId: number; name: string; hours: QueueHoursState }>;
  /** True when the operator serves queues and every one of them is closed now. */
  allClosed: boolean;
}

/** The desk's view for an operator serving `queueIds`. Pure. */
export function deskHoursView(queueIds: readonly number[], names: ReadonlyMap<number, string>, states: ReadonlyMap<number, QueueHoursState>): DeskHoursView {
  const queues = queueIds.flatMap((queueId) => {
    const hours = states.get(queueId);
    return hours ? [{ queueId, name: names.get(queueId) ?? String(queueId), hours }] : [];
  });
  const allClosed = queueIds.length > 0 && queueIds.every((id) => states.get(id)?.state === "closed");
  return { queues, allClosed };
}

/** Keeps who serves which queue and pushes each operator's view when hours or memberships change. */
export class DeskHoursPush {
  private members = new Map<number, number[]>();
  private names = new Map<number, string>();
  private states: ReadonlyMap<number, QueueHoursState> = new Map();
  private pushed = new Map<number, string>();

  constructor(private readonly publish: (userId: number, view: DeskHoursView) => void) {}

  /** After a queue sync: the queues' names and each operator's queues. */
  configure(queues: ReadonlyArray<{ id: number; name: string }>, memberships: ReadonlyMap<number, ReadonlyArray<{ queueId: string }>>): void {
    this.names = new Map(queues.map((q) => [q.id, q.name]));
    this.members = new Map([...memberships].map(([userId, list]) => [userId, list.map((m) => Number(m.queueId))]));
    this.pushAll();
  }

  /** The hours runtime's news. */
  setStates(states: ReadonlyMap<number, QueueHoursState>): void {
    this.states = states;
    this.pushAll();
  }

  /** One operator's view now (a desk that connects). */
  view(userId: number): DeskHoursView {
    return deskHoursView(this.members.get(userId) ?? [], this.names, this.states);
  }

  private pushAll(): void {
    for (const userId of this.members.keys()) {
      const view = this.view(userId);
      const json = JSON.stringify(view);
      if (this.pushed.get(userId) === json) continue;
      this.pushed.set(userId, json);
      this.publish(userId, view);
    }
  }
}
