/**
 * A queue's alert thresholds checked against its panel: pure, time passed in.
 *
 * Three kinds (break overruns are the engine's own warning, see `warn-supervisors`):
 * - `service-level`: today's service level is below the queue's target (only once some call counts in it);
 * - `long-wait`: a caller has waited longer than the queue's limit;
 * - `nobody-available`: callers wait and no member of the queue is available.
 * {@link nextAlertDeadline} tells when a `long-wait` will start without any other event (the feed's one timer).
 */
import type { QueueAlertView, QueuePanelView } from "./board-view";

/** A queue's thresholds (queue settings, `alert_*` columns); null turns one off. */
export interface AlertThresholds {
  /** Service level target, 0..1. */
  serviceLevelTarget: number | null;
  /** Longest acceptable wait, seconds. */
  longWaitS: number | null;
  nobodyAvailable: boolean;
}

export const NO_ALERTS: AlertThresholds = { serviceLevelTarget: null, longWaitS: null, nobodyAvailable: false };

/**
 * The alerts that hold for `panel` at `now`, keeping the `since` of those already active in `previous` (same kind):
 * an alert that stays raised is the same alert.
 */
export function queueAlerts(panel: QueuePanelView, oldestWaiting: number | undefined, t: AlertThresholds, now: number, previous: readonly QueueAlertView[] = []): QueueAlertView[] {
  const out: QueueAlertView[] = [];
  const since = (kind: QueueAlertView["kind"]) => previous.find((a) => a.kind === kind)?.since ?? now;
  const sl = panel.today.serviceLevel;
  if (t.serviceLevelTarget !== null && sl !== null && sl < t.serviceLevelTarget) {
    out.push({ kind: "service-level", queueId: panel.queueId, since: since("service-level"), value: sl, threshold: t.serviceLevelTarget });
  }
  if (t.longWaitS !== null && oldestWaiting !== undefined && now - oldestWaiting > t.longWaitS * 1000) {
    out.push({ kind: "long-wait", queueId: panel.queueId, since: since("long-wait"), value: now - oldestWaiting, threshold: t.longWaitS });
  }
  if (t.nobodyAvailable && panel.waitingCount > 0 && panel.staff.available === 0) {
    out.push({ kind: "nobody-available", queueId: panel.queueId, since: since("nobody-available"), value: panel.waitingCount, threshold: 0 });
  }
  return out;
}

/** When the oldest waiting caller passes the long-wait limit (epoch ms), if that is still ahead of `now`. */
export function nextAlertDeadline(oldestWaiting: number | undefined, t: AlertThresholds, now: number): number | undefined {
  if (t.longWaitS === null || oldestWaiting === undefined) return undefined;
  const at = oldestWaiting + t.longWaitS * 1000 + 1;
  return at > now ? at : undefined;
}

/** Kinds raised and cleared between two checks of one queue. */
export function alertChanges(before: readonly QueueAlertView[], after: readonly QueueAlertView[]): { raised: QueueAlertView[]; cleared: QueueAlertView[] } {
  const kinds = (list: readonly QueueAlertView[]) => new Set(list.map((a) => a.kind));
  const had = kinds(before);
  const has = kinds(after);
  return { raised: after.filter((a) => !had.has(a.kind)), cleared: before.filter((a) => !has.has(a.kind)) };
}
