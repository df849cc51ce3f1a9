import { describe, expect, it } from "vitest";
import { decodeUserPart } from "../../../server/sip/lexical.js";

describe("decodeUserPart (tolerant percent-decoding of a SIP URI user part, RFC 3261 §19.1.2)", () => {
  it("keeps Latin-1 escapes that are not UTF-8 as written instead of throwing (issue 7 item 9)", () => {
    expect(() => decodeURIComponent("J%E9r%F4me")).toThrow(URIError);
    expect(decodeUserPart("J%E9r%F4me")).toBe("J%E9r%F4me");
  });

  it("decodes valid UTF-8 escapes and plain escapes", () => {
    expect(decodeUserPart("J%C3%A9r%C3%B4me")).toBe("Jérôme");
    expect(decodeUserPart("%2B33123456789")).toBe("+33123456789");
    expect(decodeUserPart("%F0%9F%93%9E")).toBe("📞");
    expect(decodeUserPart("1000")).toBe("1000");
  });

  it("keeps each invalid byte escaped and decodes the valid sequences around it", () => {
    expect(decodeUserPart("%E9%C3%A9")).toBe("%E9é");
    expect(decodeUserPart("%C3")).toBe("%C3");
    expect(decodeUserPart("%C3%28")).toBe("%C3(");
    expect(decodeUserPart("%C0%AF")).toBe("%C0%AF"); // overlong '/'
    expect(decodeUserPart("%ED%A0%80")).toBe("%ED%A0%80"); // a UTF-16 surrogate
    expect(decodeUserPart("100%")).toBe("100%");
  });

  it("strips control characters, escaped or decoded (C0, DEL, C1)", () => {
    expect(decodeUserPart("a%00b%0D%0Ac%7Fd%C2%85e")).toBe("abcde");
    expect(decodeUserPart("%09+33")).toBe("+33");
  });
});
