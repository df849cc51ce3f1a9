import { describe, expect, it } from "vitest";
import { fillPlaceholders, partOfDay, placeholderProblems } from "../../../server/scripts/placeholders";
import { builtInScript, parseScript } from "../../../server/scripts/script-service";

describe("script placeholders", () => {
  it("accepts every known placeholder", () => {
    expect(placeholderProblems("{time_of_day_greeting}, {organisation}, {operator} for {queue}; caller {caller}")).toEqual([]);
  });

  it("names each unknown placeholder and flags a lone brace", () => {
    expect(placeholderProblems("Hello {organization} and {name}")).toEqual([
      { kind: "unknown", name: "organization" },
      { kind: "unknown", name: "name" },
    ]);
    expect(placeholderProblems("Hello {organisation")).toEqual([{ kind: "unbalanced" }]);
    expect(placeholderProblems("Hello }")).toEqual([{ kind: "unbalanced" }]);
  });

  it("a script with an unknown placeholder is a field error on the step and on the steps field", () => {
    const result = parseScript({ queueId: 1, locale: "fr", steps: ["Bonjour, {organisation}.", "Je suis {agent}."] });
    expect(result).toEqual({ ok: false, errors: { "step.1": "validation.scriptPlaceholder", steps: "validation.scriptPlaceholder" } });
  });

  it("drops empty lines, and refuses an unknown language or no step at all", () => {
    expect(parseScript({ queueId: null, locale: "ar", steps: "مرحبًا {operator}\n\n  \nكيف يمكنني مساعدتك؟" })).toEqual({
      ok: true,
      value: { queueId: null, locale: "ar", steps: ["مرحبًا {operator}", "كيف يمكنني مساعدتك؟"] },
    });
    expect(parseScript({ queueId: null, locale: "de", steps: [] })).toEqual({ ok: false, errors: { locale: "validation.locale", steps: "validation.scriptSteps" } });
  });

  it("fills known placeholders and the part of the day", () => {
    const values = { organisation: "Acme", operator: "Olga", queue: "Sales", caller: "+33612345678", time_of_day_greeting: "Good evening" };
    expect(fillPlaceholders("{time_of_day_greeting}, {organisation}, {operator} speaking ({queue}, {caller}).", values)).toBe(
      "Good evening, Acme, Olga speaking (Sales, +33612345678).",
    );
    expect([partOfDay(0), partOfDay(11), partOfDay(12), partOfDay(17), partOfDay(18), partOfDay(23)]).toEqual([
      "morning",
      "morning",
      "afternoon",
      "afternoon",
      "evening",
      "evening",
    ]);
  });

  it("an empty value leaves no dangling comma: the built-in greeting without an organisation name, in every language", () => {
    const values = { organisation: "", operator: "Amina", queue: "Support", caller: "+33612345678", time_of_day_greeting: "Good morning" };
    expect(fillPlaceholders(builtInScript("en")[0]!, values)).toBe("Good morning, Amina speaking.");
    expect(fillPlaceholders("{organisation}, {operator} speaking.", values)).toBe("Amina speaking.");
    expect(fillPlaceholders("Welcome to {organisation}.", values)).toBe("Welcome to.");
    expect(fillPlaceholders("Hello {organisation} team; {operator} here", values)).toBe("Hello team; Amina here");
    expect(fillPlaceholders("{operator}: {organisation}", { ...values, organisation: "   " })).toBe("Amina");
    for (const locale of ["fr", "ar"] as const) {
      const greeting = fillPlaceholders(builtInScript(locale)[0]!, { ...values, time_of_day_greeting: "X" });
      expect(greeting, locale).not.toMatch(/[,،]\s*[,،]|^\s*[,،]|\s[,،]/);
      expect(greeting).toMatch(/^X[,،] (Amina|معك Amina)/);
    }
  });
});
