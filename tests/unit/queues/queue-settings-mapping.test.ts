import { describe, expect, it } from "vitest";
import type { Queue } from "../../../db/schema";
import { queueSettingsFromRow } from "../../../server/calls/queue-settings-mapping";
import { DispatchEngine, resolveQueueSettings } from "../../../server/queue";

/** A row as a fresh `queues` insert returns it: the column defaults. */
const row = (overrides: Partial<Queue> = {}): Queue => ({
  id: 7,
  name: "Sales",
  slThresholdS: 20,
  shortAbandonS: 5,
  ringTimeoutS: 20,
  wrapUpS: 10,
  strategy: "longest-idle",
  weight: 0,
  retryDelayS: 5,
  maxWaitS: null,
  maxWaitAction: "hang-up",
  maxWaitTargetId: null,
  maxQueueLength: null,
  queueFullAction: "hang-up",
  queueFullTargetId: null,
  joinWhen: "always",
  leaveWhen: "never",
  noOperatorsAction: "hang-up",
  noOperatorsTargetId: null,
  positionAnnounceEveryS: null,
  periodicAnnounceEveryS: null,
  tierDelaysS: [0],
  maxMissedOffers: 3,
  topicRequired: false,
  wrapUpExtendS: null,
  alertSlBelowPct: null,
  alertWaitOverS: null,
  alertNobodyAvailable: true,
  recordingEnabled: false,
  recordingSamplePct: 100,
  recordingRetentionDays: null,
  maxOnBreak: null,
  createdAt: new Date("2026-11-02T09:00:00Z"),
  ...overrides,
});

describe("queueSettingsFromRow", () => {
  it("maps the column defaults to exactly the engine's defaults", () => {
    expect(resolveQueueSettings(queueSettingsFromRow(row()))).toEqual(resolveQueueSettings({ id: "7" }));
  });

  it("converts seconds to milliseconds and null limits to undefined", () => {
    const settings = queueSettingsFromRow(
      row({
        strategy: "skills",
        weight: 5,
        ringTimeoutS: 15,
        retryDelayS: 2,
        wrapUpS: 0,
        slThresholdS: 30,
        shortAbandonS: 3,
        maxWaitS: 300,
        maxQueueLength: 10,
        joinWhen: "staffed",
        leaveWhen: "none-logged-in",
        positionAnnounceEveryS: 60,
        periodicAnnounceEveryS: null,
        tierDelaysS: [0, 30, 90],
        maxMissedOffers: 0,
        maxOnBreak: 2,
      }),
    );
    expect(settings).toMatchObject({
      id: "7",
      strategy: "skills",
      weight: 5,
      ringTimeoutMs: 15_000,
      retryDelayMs: 2_000,
      wrapUpMs: 0,
      serviceLevelMs: 30_000,
      shortAbandonMs: 3_000,
      maxWaitMs: 300_000,
      maxQueueLength: 10,
      joinWhen: "staffed",
      leaveWhen: "none-logged-in",
      positionAnnounceEveryMs: 60_000,
      periodicAnnounceEveryMs: undefined,
      tierDelaysMs: [0, 30_000, 90_000],
      maxMissedOffers: 0,
      maxOnBreak: 2,
    });
  });

  it("maps each action slot with its own hang-up announcement, overflow target and callback", () => {
    expect(queueSettingsFromRow(row())).toMatchObject({
      maxWaitAction: { type: "hang-up", announcement: "max-wait" },
      queueFullAction: { type: "hang-up", announcement: "queue-full" },
      noOperatorsAction: { type: "hang-up", announcement: "no-operators" },
    });
    const settings = queueSettingsFromRow(
      row({ maxWaitAction: "overflow", maxWaitTargetId: 3, queueFullAction: "callback", noOperatorsAction: "overflow", noOperatorsTargetId: null }),
    );
    expect(settings.maxWaitAction).toEqual({ type: "overflow", queueId: "3" });
    expect(settings.queueFullAction).toEqual({ type: "callback" });
    // The target queue was deleted (set null): hang up rather than overflow nowhere.
    expect(settings.noOperatorsAction).toEqual({ type: "hang-up", announcement: "no-operators" });
  });

  it("clears a limit on a live engine when the column goes back to null", () => {
    // The engine merges a reconfiguration over the queue's current settings, so the mapping
    // must name every key, undefined included, or an old limit would survive.
    const engine = new DispatchEngine({}, 0);
    engine.handle({ type: "queue-configured", settings: queueSettingsFromRow(row({ maxWaitS: 60, maxOnBreak: 1, strategy: "ring-all" })) }, 0);
    expect(engine.state.queues.get("7")?.settings).toMatchObject({ maxWaitMs: 60_000, maxOnBreak: 1, strategy: "ring-all" });
    engine.handle({ type: "queue-configured", settings: queueSettingsFromRow(row()) }, 1);
    expect(engine.state.queues.get("7")?.settings).toMatchObject({ maxWaitMs: undefined, maxOnBreak: undefined, strategy: "longest-idle" });
  });
});
