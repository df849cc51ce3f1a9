import { describe, expect, it } from "vitest";
import { allowingPattern, normaliseDialled, parseNumberPattern, patternMatches, type NumberPattern } from "../../../server/outbound/number-pattern";

function compile(text: string): NumberPattern {
  const parsed = parseNumberPattern(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.pattern;
}

describe("outbound number patterns", () => {
  it("0[1-9]* allows national numbers and refuses international and short ones", () => {
    const national = compile("0[1-9]*");
    expect(patternMatches(national, "0142000000")).toBe(true);
    expect(patternMatches(national, "0612345678")).toBe(true);
    expect(patternMatches(national, "01")).toBe(true);
    expect(patternMatches(national, "0012125550100")).toBe(false);
    expect(patternMatches(national, "0")).toBe(false);
    expect(patternMatches(national, "+33142000000")).toBe(false);
    expect(patternMatches(national, "142000000")).toBe(false);
  });

  it("without * the whole number must match, one element a digit; X is any digit", () => {
    const exact = compile("0[1-5]XXXXXXXX");
    expect(patternMatches(exact, "0142000000")).toBe(true);
    expect(patternMatches(exact, "014200000")).toBe(false);
    expect(patternMatches(exact, "01420000000")).toBe(false);
    expect(patternMatches(exact, "0842000000")).toBe(false);
    expect(patternMatches(compile("112"), "112")).toBe(true);
    expect(patternMatches(compile("112"), "1120")).toBe(false);
  });

  it("sets take digits and ranges; + only leads and matches a leading +", () => {
    const set = compile("0[1-59]*");
    expect(["01", "03", "05", "09"].every((n) => patternMatches(set, n))).toBe(true);
    expect(["06", "07", "08"].some((n) => patternMatches(set, n))).toBe(false);
    const plus = compile("+331*");
    expect(patternMatches(plus, "+33142000000")).toBe(true);
    expect(patternMatches(plus, "33142000000")).toBe(false);
  });

  it("refuses malformed patterns with the reason", () => {
    for (const [text, reason] of [
      ["", /empty/],
      ["0*1", /only at the end/],
      ["0+1", /only at the start/],
      ["0[1-", /without/],
      ["0[9-1]", /bad digit set/],
      ["0[a]", /bad digit set/],
      ["0#", /unexpected/],
      ["*", /every number/],
    ] as const) {
      const parsed = parseNumberPattern(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(reason);
    }
  });

  it("normalises visual separators and refuses anything that is not a number", () => {
    expect(normaliseDialled(" 01 42-00.00 (00) ")).toBe("0142000000");
    expect(normaliseDialled("+33 1 42")).toBe("+33142");
    expect(normaliseDialled("01*42")).toBeUndefined();
    expect(normaliseDialled("sip:evil")).toBeUndefined();
    expect(normaliseDialled("1".repeat(21))).toBeUndefined();
  });

  it("an empty list allows nothing; the first matching pattern is named", () => {
    expect(allowingPattern([], "0142000000")).toBeUndefined();
    const list = [compile("0[1-7]*"), compile("09*")];
    expect(allowingPattern(list, "01 42 00 00 00")?.source).toBe("0[1-7]*");
    expect(allowingPattern(list, "0912")?.source).toBe("09*");
    expect(allowingPattern(list, "0899123456")).toBeUndefined();
    expect(allowingPattern(list, "0033142000000")).toBeUndefined();
  });
});
