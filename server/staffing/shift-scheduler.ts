/**
 * Turns shifts into engine events at the right instants: one timer, armed for the next boundary, re-armed after
 * each firing and whenever the shifts change. No polling; a late timer fires everything it missed, in order.
 */
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { dayStarts, shiftBoundaries, shiftStatus, type ShiftEventType, type ShiftSpec } from "./shift-schedule";

/** Far enough ahead to find the next boundary of any weekly shift pattern. */
const LOOKAHEAD_MS = 8 * 24 * 3_600_000;
/** Re-check at least this often, so a timer never sleeps across a clock jump or a daylight-saving change for long. */
const MAX_SLEEP_MS = 6 * 3_600_000;

export interface ShiftSchedulerDeps {
  clock: Clock;
  zone: string;
  dispatch(event: { type: ShiftEventType; operatorId: string }): void;
  /** Who of the operators with shifts is inside one: after every change of shifts and every boundary. */
  onStatus?(status: Map<string, boolean>): void;
  logger?: Logger;
}

export class ShiftScheduler {
  private shifts: readonly ShiftSpec[] = [];
  private operatorIds: readonly string[] = [];
  private firedUpTo: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: ShiftSchedulerDeps) {
    this.firedUpTo = deps.clock.now();
  }

  /** Replaces the shifts (and the operators whose day starts at midnight when they have none) and re-arms. */
  update(shifts: readonly ShiftSpec[], operatorIds: readonly string[]): void {
    this.shifts = shifts;
    this.operatorIds = operatorIds;
    this.reportStatus();
    this.arm();
  }

  /** Fires what is due at the clock's time; the timer calls it, and tests may too. */
  fire(): void {
    const now = this.deps.clock.now();
    if (now > this.firedUpTo) {
      const withShift = new Set(this.shifts.map((s) => s.operatorId));
      const events = [
        ...shiftBoundaries(this.shifts, this.firedUpTo, now, this.deps.zone),
        ...dayStarts(this.firedUpTo, now, this.deps.zone).flatMap((at) =>
          this.operatorIds.filter((id) => !withShift.has(id)).map((operatorId) => ({ at, type: "shift-started" as const, operatorId })),
        ),
      ].sort((a, b) => a.at - b.at);
      this.firedUpTo = now;
      for (const event of events) {
        this.deps.logger?.info("shift boundary", { type: event.type, operatorId: event.operatorId });
        this.deps.dispatch({ type: event.type, operatorId: event.operatorId });
      }
      if (events.length > 0) this.reportStatus();
    }
    this.arm();
  }

  private reportStatus(): void {
    this.deps.onStatus?.(shiftStatus(this.shifts, this.deps.clock.now(), this.deps.zone));
  }

  /** The instant the timer is armed for, if any. */
  nextAt(): number | undefined {
    const from = this.firedUpTo;
    const next = shiftBoundaries(this.shifts, from, from + LOOKAHEAD_MS, this.deps.zone)[0]?.at;
    const midnight = this.operatorIds.length > 0 ? dayStarts(from, from + LOOKAHEAD_MS, this.deps.zone)[0] : undefined;
    const candidates = [next, midnight].filter((at): at is number => at !== undefined);
    return candidates.length > 0 ? Math.min(...candidates) : undefined;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    const at = this.nextAt();
    if (at === undefined) return;
    const delay = Math.min(Math.max(0, at - this.deps.clock.now()), MAX_SLEEP_MS);
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref();
  }
}
