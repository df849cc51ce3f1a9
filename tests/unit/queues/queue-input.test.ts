import { describe, expect, it } from "vitest";
import { hotlineNumberSchema, memberSchema, parseQueueSettings, vipNumberSchema } from "../../../server/queues/queue-input";

/** A complete settings form as the browser submits it: strings, "" for empty fields. */
const form = (overrides: Record<string, string> = {}) => ({
  name: "Sales",
  strategy: "longest-idle",
  weight: "0",
  ringTimeoutS: "20",
  retryDelayS: "5",
  wrapUpS: "10",
  slThresholdS: "20",
  shortAbandonS: "5",
  maxWaitS: "",
  maxQueueLength: "",
  joinWhen: "always",
  leaveWhen: "never",
  positionAnnounceEveryS: "",
  periodicAnnounceEveryS: "",
  tierDelaysS: "0",
  maxMissedOffers: "3",
  maxOnBreak: "",
  maxWaitAction: "hang-up",
  maxWaitTargetId: "",
  queueFullAction: "hang-up",
  queueFullTargetId: "",
  noOperatorsAction: "hang-up",
  noOperatorsTargetId: "",
  ...overrides,
});
const context = { queueId: 1, queueIds: [1, 2] };

describe("queue settings input", () => {
  it("turns form strings into a typed patch, empty limits into null", () => {
    const result = parseQueueSettings(form({ name: "  Sales  ", strategy: "round-robin", ringTimeoutS: " 15 ", tierDelaysS: "0, 30 60" }), context);
    expect(result).toEqual({
      ok: true,
      value: {
        name: "Sales",
        strategy: "round-robin",
        weight: 0,
        ringTimeoutS: 15,
        retryDelayS: 5,
        wrapUpS: 10,
        slThresholdS: 20,
        shortAbandonS: 5,
        maxWaitS: null,
        maxQueueLength: null,
        joinWhen: "always",
        leaveWhen: "never",
        positionAnnounceEveryS: null,
        periodicAnnounceEveryS: null,
        tierDelaysS: [0, 30, 60],
        maxMissedOffers: 3,
        maxOnBreak: null,
        alertSlBelowPct: null,
        alertWaitOverS: null,
        alertNobodyAvailable: false,
        recordingEnabled: false,
        recordingSamplePct: 100,
        recordingRetentionDays: null,
        maxWaitAction: "hang-up",
        maxWaitTargetId: null,
        queueFullAction: "hang-up",
        queueFullTargetId: null,
        noOperatorsAction: "hang-up",
        noOperatorsTargetId: null,
      },
    });
  });

  it("takes the recording switch, a sampling share of 1-100 % and a retention of 1-3650 days (empty: kept)", () => {
    const on = parseQueueSettings(form({ recordingEnabled: "on", recordingSamplePct: "25", recordingRetentionDays: "90" }), context);
    expect(on.ok && [on.value.recordingEnabled, on.value.recordingSamplePct, on.value.recordingRetentionDays]).toEqual([true, 25, 90]);
    const bad = parseQueueSettings(form({ recordingEnabled: "on", recordingSamplePct: "0", recordingRetentionDays: "0" }), context);
    expect(bad).toEqual({ ok: false, errors: { recordingSamplePct: "validation.recordingSample", recordingRetentionDays: "validation.recordingRetention" } });
    const tooMuch = parseQueueSettings(form({ recordingSamplePct: "101", recordingRetentionDays: "4000" }), context);
    expect(tooMuch.ok).toBe(false);
  });

  it("accepts numbers as well as strings, and an empty tier list as [0]", () => {
    const result = parseQueueSettings({ ...form({ tierDelaysS: "" }), ringTimeoutS: 30, maxWaitS: 120 }, context);
    expect(result.ok && [result.value.ringTimeoutS, result.value.maxWaitS, result.value.tierDelaysS]).toEqual([30, 120, [0]]);
  });

  it("flags each out-of-range or malformed field with its own message", () => {
    const result = parseQueueSettings(
      form({
        name: "",
        strategy: "random",
        weight: "101",
        ringTimeoutS: "0",
        retryDelayS: "1.5",
        wrapUpS: "-1",
        slThresholdS: "0",
        shortAbandonS: "abc",
        maxWaitS: "5",
        maxQueueLength: "0",
        joinWhen: "sometimes",
        positionAnnounceEveryS: "10",
        tierDelaysS: "30, 10",
        maxMissedOffers: "21",
        maxOnBreak: "-1",
        maxWaitAction: "transfer",
      }),
      context,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        name: "validation.queueName",
        strategy: "validation.choice",
        weight: "validation.weight",
        ringTimeoutS: "validation.ringTimeout",
        retryDelayS: "validation.seconds0to300",
        wrapUpS: "validation.seconds0to3600",
        slThresholdS: "validation.seconds1to3600",
        shortAbandonS: "validation.seconds0to300",
        maxWaitS: "validation.maxWait",
        maxQueueLength: "validation.maxQueueLength",
        joinWhen: "validation.choice",
        positionAnnounceEveryS: "validation.announceEvery",
        tierDelaysS: "validation.tierDelays",
        maxMissedOffers: "validation.maxMissedOffers",
        maxOnBreak: "validation.maxOnBreak",
        maxWaitAction: "validation.choice",
      },
    });
  });

  it.each([
    ["a negative delay", "0, -5"],
    ["more than nine levels", "0,1,2,3,4,5,6,7,8,9"],
    ["a delay over an hour", "3601"],
    ["words", "soon"],
  ])("refuses tier delays with %s", (_case, tierDelaysS) => {
    expect(parseQueueSettings(form({ tierDelaysS }), context)).toEqual({ ok: false, errors: { tierDelaysS: "validation.tierDelays" } });
  });

  it("requires an overflow target that is another existing queue", () => {
    expect(parseQueueSettings(form({ maxWaitAction: "overflow" }), context)).toEqual({ ok: false, errors: { maxWaitTargetId: "validation.overflowTarget" } });
    expect(parseQueueSettings(form({ queueFullAction: "overflow", queueFullTargetId: "1" }), context)).toEqual({
      ok: false,
      errors: { queueFullTargetId: "validation.overflowSelf" },
    });
    expect(parseQueueSettings(form({ noOperatorsAction: "overflow", noOperatorsTargetId: "9" }), context)).toEqual({
      ok: false,
      errors: { noOperatorsTargetId: "validation.overflowTarget" },
    });
    const ok = parseQueueSettings(form({ noOperatorsAction: "overflow", noOperatorsTargetId: "2" }), context);
    expect(ok.ok && [ok.value.noOperatorsAction, ok.value.noOperatorsTargetId]).toEqual(["overflow", 2]);
  });

  it("drops a target left in the form when the action is not overflow", () => {
    const result = parseQueueSettings(form({ maxWaitAction: "callback", maxWaitTargetId: "2", queueFullTargetId: "1" }), context);
    expect(result.ok && [result.value.maxWaitTargetId, result.value.queueFullTargetId]).toEqual([null, null]);
  });
});

describe("member, number and VIP input", () => {
  it("takes levels 1 to 9 only", () => {
    expect(memberSchema.safeParse({ userId: "4", level: "2" }).data).toEqual({ userId: 4, level: 2 });
    for (const level of ["0", "10", "", "x"]) {
      expect(memberSchema.safeParse({ userId: "4", level }).error?.issues[0]?.message).toBe("validation.level");
    }
  });

  it("normalises phone numbers as the trunk sends them and keeps labels short", () => {
    expect(hotlineNumberSchema.parse({ number: "+33 1 23-45.67", label: "" })).toEqual({ number: "+331234567", label: null });
    expect(hotlineNumberSchema.safeParse({ number: "call me", label: "x" }).error?.issues[0]?.message).toBe("validation.phoneNumber");
    expect(hotlineNumberSchema.safeParse({ number: "2000", label: "x".repeat(81) }).error?.issues[0]?.message).toBe("validation.labelLength");
  });

  it("takes VIP priorities from 1 to 100", () => {
    expect(vipNumberSchema.parse({ number: "0612345678", priority: "50", label: "Mayor" })).toEqual({ number: "0612345678", priority: 50, label: "Mayor" });
    expect(vipNumberSchema.safeParse({ number: "0612345678", priority: "0", label: "" }).error?.issues[0]?.message).toBe("validation.vipPriority");
  });
});
