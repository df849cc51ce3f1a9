import { describe, expect, it } from "vitest";
import { formatElapsed } from "../../../app/desk/format-elapsed";
import { describeCallEvent, humanizeEventType, idsNamedBy, type TimelineEvent } from "../../../server/calls/call-event-text";
import { translatorFor } from "../../../server/i18n/messages";

const names = { queue: (id: number) => ({ 3: "Support" })[id], operator: (id: number) => ({ 7: "Bilal", 9: "Chloé" })[id] };
const event = (type: string, data: Record<string, unknown>, operatorName: string | null = "Amina"): TimelineEvent => ({ type, data, operatorName });
const say = (e: TimelineEvent, locale: "en" | "fr" | "ar" = "en") => {
  const sentence = describeCallEvent(e, names, formatElapsed);
  return (translatorFor(locale) as unknown as (key: string, values: Record<string, string>) => string)(`callEvents.${sentence.key}`, sentence.values);
};

describe("the call timeline in words", () => {
  it("says who transferred the call to whom, with the talk time formatted", () => {
    expect(say(event("call.transferred", { queueId: "3", operatorId: "5", toQueueId: "3", talkMs: 125_000 }))).toBe("Transferred by Amina to Support after 2:05 of talk");
    expect(say(event("call.transferred", { toOperatorId: "7", talkMs: 5_000 }))).toBe("Transferred by Amina to Bilal after 0:05 of talk");
    expect(say(event("call.transferred", { toNumber: "+33612345678", talkMs: 61_000 }), "fr")).toBe("Transféré par Amina vers +33612345678 après 1:01 de conversation");
  });

  it("names monitoring, enum values and operators from their ids; a deleted one reads #id", () => {
    expect(say(event("call.monitored", { supervisorId: 9, mode: "whisper", from: "2026-12-01T08:00:00.000Z", to: "2026-12-01T08:01:30.000Z", reason: "stopped" }))).toBe(
      "Chloé whispered to the operator for 1:30",
    );
    expect(say(event("call.offered", { operatorIds: ["7", "42"] }, null))).toBe("Offered to Bilal, #42");
    expect(say(event("call.announcement", { announcement: "max-wait", prompts: [] }))).toBe("Announcement played: waited too long");
    expect(say(event("call.requeued", { queueId: "3", why: "transfer-unanswered" }))).toBe("Back in the queue Support (transfer not answered)");
    expect(say(event("call.finished", { outcome: "abandoned", reason: "caller-hung-up", waitedMs: 42_000, talkMs: 0 }))).toBe("Ended (caller hung up): waited 0:42, talked 0:00");
  });

  it("reads a type it does not know (one added later) as words and its data as pairs, never as raw JSON", () => {
    const sentence = describeCallEvent(event("call.sms-sent", { toNumber: "+331", delayMs: 3_000, queueId: "3", meta: { x: 1 } }), names, formatElapsed);
    expect(sentence).toEqual({ key: "generic", values: { name: "Sms sent", details: "to number: +331, delay: 0:03, queue: Support" } });
    expect(say(event("call.sms-sent", { toNumber: "+331" }))).toBe("Sms sent (to number: +331)");
    expect(humanizeEventType("board.operator-action")).toBe("Operator action");
  });

  it("never throws on odd data, and writes — for what is missing", () => {
    expect(say(event("call.resumed", { heldMs: "oops" }))).toBe("Resumed by Amina after — on hold");
    expect(() => describeCallEvent({ type: "call.arrived", data: null as unknown as Record<string, unknown>, operatorName: null }, names, formatElapsed)).not.toThrow();
  });

  it("lists the ids its sentences name, each once, so a page reads only those names", () => {
    const events = [
      event("call.transferred", { toQueueId: "3", operatorId: "5", talkMs: 1_000 }),
      event("call.offered", { operatorIds: ["7", 9, "7"] }, null),
      event("call.overflowed", { fromQueueId: 3, toQueueId: 4 }),
      event("call.consulted", { operatorTarget: "12" }),
      event("call.sms-sent", { queueId: "8", supervisorId: 13 }),
      event("call.requeued", { queueId: "1.5" }),
      event("call.caller-entered", { queueId: 99_999_999_999 }),
      event("call.arrived", { caller: "+331", dialed: "100" }, null),
    ];
    const ids = idsNamedBy(events);
    expect(ids.queueIds.sort((a, b) => a - b)).toEqual([3, 4, 8]);
    // 5 is the transfer's operator, already named by its operator column: not asked for.
    expect(ids.operatorIds.sort((a, b) => a - b)).toEqual([7, 9, 12, 13]);
  });
});
