import { describe, expect, it } from "vitest";
import { normaliseNumber } from "../../../server/phone/normalise";

describe("caller number normalisation", () => {
  it("reads a national number in the organisation's country as E.164", () => {
    expect(normaliseNumber("0612345678", "FR")).toBe("+33612345678");
    expect(normaliseNumber("+33612345678", "FR")).toBe("+33612345678");
    expect(normaliseNumber("06 12 34 56 78", "fr")).toBe("+33612345678");
  });

  it("keeps international numbers international whatever the country", () => {
    expect(normaliseNumber("+15550001111", "FR")).toBe("+15550001111");
    expect(normaliseNumber("0033612345678", null)).toBe("+33612345678");
    expect(normaliseNumber("+212612345678", "FR")).toBe("+212612345678");
  });

  it("without a country, a national number stays its digits (and still equals itself)", () => {
    expect(normaliseNumber("0612345678", null)).toBe("0612345678");
    expect(normaliseNumber("0612345678", null)).not.toBe(normaliseNumber("+33612345678", null));
  });

  it("a number that cannot be read keeps its digits", () => {
    expect(normaliseNumber("anonymous", "FR")).toBe("");
    expect(normaliseNumber("*31#12", "FR")).toBe("3112");
  });
});
