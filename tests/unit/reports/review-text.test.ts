import { describe, expect, it } from "vitest";
import { translatorFor } from "../../../server/i18n/messages";
import { durationText, statementText, type ReviewTranslator } from "../../../server/reports/review-text";
import type { Statement } from "../../../server/reports/week-review";

const understaffed: Statement = {
  key: "understaffedHour",
  values: {
    slot: { kind: "slot", value: "2026-11-03T10" },
    calls: { kind: "count", value: 300 },
    aht: { kind: "seconds", value: 250 },
    needed: { kind: "count", value: 18 },
    loggedIn: { kind: "count", value: 5 },
    target: { kind: "percent", value: 0.8 },
    threshold: { kind: "count", value: 20 },
  },
};

const t = (locale: "en" | "fr" | "ar") => translatorFor(locale) as unknown as ReviewTranslator;

describe("review sentences", () => {
  it("say the under-staffed hour with its figures in English, French and Arabic", () => {
    expect(statementText(understaffed, t("en"), "en")).toBe(
      "Tuesday 2026-11-03, 10:00–11:00: 300 calls; with an AHT of 4 min 10 s, Erlang C needs 18 operators for 80% within 20 s, 5 were logged in. Schedule more operators then.",
    );
    expect(statementText(understaffed, t("fr"), "fr")).toContain("mardi 2026-11-03, 10 h–11 h : 300 appels ; avec une durée de traitement de 4 min 10 s, Erlang C demande 18 opérateurs pour 80");
    const arabic = statementText(understaffed, t("ar"), "ar");
    expect(arabic).toContain("الثلاثاء");
    expect(arabic).toContain("إرلانغ C");
    expect(arabic).not.toContain("{");
  });

  it("chooses each language's plural form by the count (English one/other, French one for 0 and 1, Arabic's six forms)", () => {
    const topNumber = (calls: number): Statement => ({
      key: "topNumber",
      values: { number: { kind: "text", value: "2170" }, label: { kind: "text", value: "Flyer" }, calls: { kind: "count", value: calls }, share: { kind: "percent", value: 1 } },
    });
    expect(statementText(topNumber(1), t("en"), "en")).toBe("Number 2170 (Flyer) brought 1 call, 100% of the total.");
    expect(statementText(topNumber(1234), t("en"), "en")).toBe("Number 2170 (Flyer) brought 1,234 calls, 100% of the total.");
    expect(statementText(topNumber(0), t("fr"), "fr")).toContain("a apporté 0 appel,");
    expect(statementText(topNumber(2), t("fr"), "fr")).toContain("a apporté 2 appels,");
    const arabic = (calls: number) => statementText(topNumber(calls), t("ar"), "ar");
    expect(arabic(1)).toContain("مكالمة واحدة");
    expect(arabic(2)).toContain("مكالمتين");
    expect(arabic(3)).toContain(`${new Intl.NumberFormat("ar").format(3)} مكالمات`);
    expect(arabic(11)).toContain(`${new Intl.NumberFormat("ar").format(11)} مكالمة`);
  });

  it("leaves no placeholder unfilled in any statement, for counts of 0, 1, 2, 5 and 1000", () => {
    const statement = (key: string, count: number): Statement => ({
      key: key as Statement["key"],
      values: Object.fromEntries(
        ["level", "target", "answered", "reached", "threshold", "asa", "rate", "abandoned", "short", "wait", "slot", "calls", "aht", "needed", "loggedIn", "more", "hours", "count", "weekday", "hour", "atThatHour", "topic", "overall", "share", "operators", "min", "least", "max", "most", "open", "requested", "number", "label"].map((name) => [
          name,
          name === "slot" ? { kind: "slot", value: "2026-11-03T10" } : name === "weekday" ? { kind: "weekday", value: 2 } : { kind: "count", value: count },
        ]),
      ) as Statement["values"],
    });
    for (const locale of ["en", "fr", "ar"] as const) {
      for (const key of ["serviceLevelMet", "serviceLevelMissed", "abandonLow", "abandonHigh", "understaffedHour", "understaffedMore", "staffedEveryHour", "outsideHours", "longTopic", "couldNotHelp", "loadBalanced", "loadUnbalanced", "callbacksOpen", "topNumber"]) {
        for (const count of [0, 1, 2, 5, 1000]) expect(statementText(statement(key, count), t(locale), locale)).not.toMatch(/[{}#]/);
      }
    }
  });

  it("formats durations under a minute, in minutes and in hours", () => {
    expect(durationText(42.4, t("en"), "en")).toBe("42 s");
    expect(durationText(180, t("en"), "en")).toBe("3 min 0 s");
    expect(durationText(180_000, t("en"), "en")).toBe("50 h 0 min");
  });

  it("has a sentence in every language for every statement the review makes", () => {
    const keys = ["serviceLevelMet", "serviceLevelMissed", "abandonLow", "abandonHigh", "understaffedHour", "understaffedMore", "staffedEveryHour", "outsideHours", "longTopic", "couldNotHelp", "loadBalanced", "loadUnbalanced", "callbacksOpen", "topNumber"];
    for (const locale of ["en", "fr", "ar"] as const) {
      for (const key of keys) expect(translatorFor(locale).has(`review.statements.${key}` as never)).toBe(true);
    }
  });
});
