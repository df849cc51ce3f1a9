import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { closedPromptNames, nextBoundary, numberStatus, queueOpenStates, type NumberHours } from "../../../server/hours/number-hours";
import { minutesPhrase, promptTexts, timePhrase } from "../../../server/hours/prompt-texts";
import { parseWeekly } from "../../../server/hours/schedule-text";

const PARIS = "Europe/Paris";
const at = (local: string) => DateTime.fromISO(local, { zone: PARIS }).toMillis();
const office = { zone: PARIS, periods: [], closures: [], ...parseWeekly("mon-fri 09:00-18:00; sat 10:30-13:00") };

function number(more: Partial<NumberHours> = {}): NumberHours {
  return { numberId: 1, queueId: 7, schedule: office, zone: PARIS, campaignFrom: null, campaignTo: null, language: "en", ...more };
}

// 2026-12-07 is a Monday.
describe("a number's state and what a caller hears", () => {
  it("closed in the evening: the next opening is spoken as tomorrow at nine", () => {
    const now = at("2026-12-07T19:00");
    const status = numberStatus(number(), now);
    expect(status).toMatchObject({ state: "closed", nextOpening: at("2026-12-08T09:00") });
    expect(closedPromptNames(status, PARIS, now)).toEqual(["closed-now", "opens-tomorrow", "at-09-00", "goodbye"]);
  });

  it("closed early in the morning: today; on Friday evening: tomorrow at 10:30; on Saturday afternoon: Monday by name", () => {
    expect(closedPromptNames(numberStatus(number(), at("2026-12-08T07:00")), PARIS, at("2026-12-08T07:00"))).toEqual(["closed-now", "opens-today", "at-09-00", "goodbye"]);
    const friday = at("2026-12-11T20:00");
    expect(closedPromptNames(numberStatus(number(), friday), PARIS, friday)).toEqual(["closed-now", "opens-tomorrow", "at-10-30", "goodbye"]);
    const saturday = at("2026-12-12T14:00");
    expect(closedPromptNames(numberStatus(number(), saturday), PARIS, saturday)).toEqual(["closed-now", "opens-monday", "at-09-00", "goodbye"]);
  });

  it("an opening off the quarter hour is rounded up, never down", () => {
    const odd = number({ schedule: { ...office, ...parseWeekly("mon-fri 09:05-18:00") } });
    const now = at("2026-12-07T19:00");
    expect(closedPromptNames(numberStatus(odd, now), PARIS, now)).toContain("at-09-15");
  });

  it("an opening more than six days ahead is not spoken", () => {
    const holidays = number({ schedule: { ...office, closures: [{ from: "2026-12-19", to: "2027-01-03", reason: "Holidays" }] } });
    const now = at("2026-12-20T12:00");
    const status = numberStatus(holidays, now);
    expect(status).toMatchObject({ state: "closed", closure: "Holidays" });
    expect(closedPromptNames(status, PARIS, now)).toEqual(["closed-now", "call-again", "goodbye"]);
  });

  it("campaign numbers: not in service yet before, anymore after; open inside in the schedule's hours", () => {
    const campaign = number({ schedule: undefined, campaignFrom: "2027-07-01", campaignTo: "2027-07-20" });
    expect(numberStatus(campaign, at("2027-06-30T23:59"))).toEqual({ state: "not-yet", until: at("2027-07-01T00:00") });
    expect(closedPromptNames(numberStatus(campaign, at("2027-06-30T12:00")), PARIS, 0)).toEqual(["not-in-service-yet"]);
    expect(numberStatus(campaign, at("2027-07-10T03:00"))).toEqual({ state: "open", until: at("2027-07-21T00:00") });
    expect(closedPromptNames(numberStatus(campaign, at("2027-07-21T00:00")), PARIS, 0)).toEqual(["not-in-service-anymore"]);
  });

  it("a queue is open while any of its numbers is; the next boundary is the earliest change", () => {
    const always = number({ numberId: 2, schedule: undefined });
    expect(queueOpenStates([number()], at("2026-12-07T19:00")).get(7)).toBe(false);
    expect(queueOpenStates([number(), always], at("2026-12-07T19:00")).get(7)).toBe(true);
    expect(nextBoundary([number(), always], at("2026-12-07T19:00"))).toBe(at("2026-12-08T09:00"));
    expect(nextBoundary([always], at("2026-12-07T19:00"))).toBeUndefined();
  });
});

describe("prompt words", () => {
  it("French agrees 1 minute / 2 minutes; Arabic singular, dual, plural to ten, then singular", () => {
    expect(minutesPhrase("fr", 1)).toBe("une minute");
    expect(minutesPhrase("fr", 2)).toBe("2 minutes");
    expect(minutesPhrase("ar", 1)).toBe("دقيقة واحدة");
    expect(minutesPhrase("ar", 2)).toBe("دقيقتين");
    expect(minutesPhrase("ar", 3)).toBe("ثلاث دقائق");
    expect(minutesPhrase("ar", 10)).toBe("عشر دقائق");
    expect(minutesPhrase("ar", 15)).toBe("خمس عشرة دقيقة");
    expect(minutesPhrase("ar", 30)).toBe("ثلاثين دقيقة");
  });

  it("times of day in each language", () => {
    expect(timePhrase("en", 9, 0)).toBe("at nine o'clock in the morning");
    expect(timePhrase("en", 14, 30)).toBe("at two thirty in the afternoon");
    expect(timePhrase("fr", 9, 0)).toBe("à neuf heures");
    expect(timePhrase("fr", 1, 15)).toBe("à une heure 15");
    expect(timePhrase("ar", 9, 30)).toBe("الساعة التاسعة والنصف صباحًا");
  });

  it("every language has the same prompts, each with words", () => {
    const en = Object.keys(promptTexts("en")).sort();
    expect(en).toContain("at-23-45");
    for (const language of ["fr", "ar"] as const) {
      const texts = promptTexts(language);
      expect(Object.keys(texts).sort()).toEqual(en);
      expect(Object.values(texts).every((t) => t.trim().length > 0)).toBe(true);
    }
  });
});
