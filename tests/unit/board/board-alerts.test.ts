/**
 * Queue alerts (server/board/board-alerts.ts): each threshold raises its alert only when crossed, an alert that stays
 * keeps its start, the long-wait deadline is when the oldest caller passes the limit; queue settings carry them.
 */
import { describe, expect, it } from "vitest";
import { alertChanges, nextAlertDeadline, queueAlerts, type AlertThresholds } from "../../../server/board/board-alerts";
import type { QueuePanelView } from "../../../server/board/board-view";
import { parseQueueSettings } from "../../../server/queues/queue-input";

const panel = (over: { serviceLevel?: number | null; waitingCount?: number; available?: number } = {}): QueuePanelView => ({
  queueId: 3,
  name: "Support",
  slThresholdS: 20,
  waiting: [],
  waitingCount: over.waitingCount ?? 0,
  calls: [],
  staff: { loggedIn: 2, available: over.available ?? 1, onCall: 1, wrapUp: 0, paused: 0 },
  today: { offered: 10, answered: 8, answeredWithinSl: 6, abandoned: 2, shortAbandons: 0, serviceLevel: over.serviceLevel === undefined ? 0.6 : over.serviceLevel, asaMs: 1, ahtMs: 1, longestWaitMs: 1 },
  slots: { dayStart: 0, offered: [], answered: [], abandoned: [], withinSl: [] },
  waitingHistory: [],
  alerts: [],
});
const all: AlertThresholds = { serviceLevelTarget: 0.8, longWaitS: 60, nobodyAvailable: true };

describe("queue alerts", () => {
  it("raises nothing while every threshold holds", () => {
    expect(queueAlerts(panel({ serviceLevel: 0.9 }), 1_000, all, 30_000)).toEqual([]);
    expect(queueAlerts(panel({ serviceLevel: null }), undefined, all, 30_000)).toEqual([]);
  });

  it("raises service level, long wait and nobody available when crossed, keeping the start of a standing alert", () => {
    const first = queueAlerts(panel({ waitingCount: 2, available: 0 }), 0, all, 61_000);
    expect(first.map((a) => [a.kind, a.value])).toEqual([["service-level", 0.6], ["long-wait", 61_000], ["nobody-available", 2]]);
    const later = queueAlerts(panel({ waitingCount: 1, available: 0 }), 0, all, 90_000, first);
    expect(later.every((a) => a.since === 61_000)).toBe(true);
    const { raised, cleared } = alertChanges(later, queueAlerts(panel({ serviceLevel: 0.85, waitingCount: 0 }), undefined, all, 95_000, later));
    expect(raised).toEqual([]);
    expect(cleared.map((a) => a.kind)).toEqual(["service-level", "long-wait", "nobody-available"]);
  });

  it("turns each alert off with a null threshold", () => {
    expect(queueAlerts(panel({ waitingCount: 2, available: 0 }), 0, { serviceLevelTarget: null, longWaitS: null, nobodyAvailable: false }, 600_000)).toEqual([]);
  });

  it("tells when the oldest caller passes the long-wait limit", () => {
    expect(nextAlertDeadline(10_000, all, 20_000)).toBe(70_001);
    expect(nextAlertDeadline(10_000, all, 80_000)).toBeUndefined();
    expect(nextAlertDeadline(undefined, all, 0)).toBeUndefined();
  });

  it("reads the thresholds from the queue form with field-level errors", () => {
    const base = { name: "Support", strategy: "longest-idle", weight: "0", ringTimeoutS: "20", retryDelayS: "5", wrapUpS: "10", slThresholdS: "20", shortAbandonS: "5", joinWhen: "always", leaveWhen: "never", tierDelaysS: "0", maxMissedOffers: "3", maxWaitAction: "hang-up", queueFullAction: "hang-up", noOperatorsAction: "hang-up" };
    const ok = parseQueueSettings({ ...base, alertSlBelowPct: "80", alertWaitOverS: "", alertNobodyAvailable: "on" }, { queueId: 1, queueIds: [1] });
    expect(ok).toMatchObject({ ok: true, value: { alertSlBelowPct: 80, alertWaitOverS: null, alertNobodyAvailable: true } });
    const off = parseQueueSettings(base, { queueId: 1, queueIds: [1] });
    expect(off).toMatchObject({ ok: true, value: { alertSlBelowPct: null, alertNobodyAvailable: false } });
    const bad = parseQueueSettings({ ...base, alertSlBelowPct: "150", alertWaitOverS: "2" }, { queueId: 1, queueIds: [1] });
    expect(bad).toEqual({ ok: false, errors: { alertSlBelowPct: "validation.alertServiceLevel", alertWaitOverS: "validation.alertWait" } });
  });
});
