import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BencodeError, type BencodeValue, decode, encode, isDict } from "../../../server/media/bencode.js";

const enc = (v: BencodeValue): string => encode(v).toString("latin1");
const dec = (s: string): BencodeValue => decode(Buffer.from(s, "latin1"));

describe("bencode encode", () => {
  it("encodes the four types as the spec writes them", () => {
    expect(enc("spam")).toBe("4:spam");
    expect(enc("")).toBe("0:");
    expect(enc(42)).toBe("i42e");
    expect(enc(-3)).toBe("i-3e");
    expect(enc(0)).toBe("i0e");
    expect(enc(["spam", 1])).toBe("l4:spami1ee");
    expect(enc({ cow: "moo", spam: "eggs" })).toBe("d3:cow3:moo4:spam4:eggse");
  });

  it("counts string length in bytes, not characters", () => {
    expect(encode("é")).toEqual(Buffer.from("2:\xc3\xa9", "latin1"));
  });

  it("sorts dictionary keys by bytes and skips undefined values", () => {
    expect(enc({ b: 1, a: 2, "call-id": "x", skip: undefined })).toBe("d1:ai2e1:bi1e7:call-id1:xe");
  });

  it("encodes Buffers and bigints verbatim", () => {
    expect(enc(Buffer.from([0, 255]))).toBe("2:\x00\xff");
    expect(enc(2n ** 70n)).toBe(`i${(2n ** 70n).toString()}e`);
  });

  it("refuses values bencode cannot carry", () => {
    expect(() => encode(1.5)).toThrow(BencodeError);
    expect(() => encode(Number.NaN)).toThrow(BencodeError);
    expect(() => encode(true as unknown as BencodeValue)).toThrow(BencodeError);
    expect(() => encode([undefined] as unknown as BencodeValue)).toThrow(BencodeError);
  });
});

describe("bencode decode", () => {
  it("decodes the four types", () => {
    expect(dec("4:spam")).toBe("spam");
    expect(dec("i-42e")).toBe(-42);
    expect(dec("l4:spami1ee")).toEqual(["spam", 1]);
    expect({ ...(dec("d3:cow3:moo4:spaml1:a1:bee") as object) }).toEqual({ cow: "moo", spam: ["a", "b"] });
  });

  it("accepts unsorted keys (rtpengine writes insertion order)", () => {
    expect({ ...(dec("d6:result2:ok3:sdp3:v=0e") as object) }).toEqual({ result: "ok", sdp: "v=0" });
  });

  it("returns big integers as bigint and bytes as Buffers on request", () => {
    expect(dec("i9007199254740993e")).toBe(9007199254740993n);
    expect(decode(Buffer.from("3:abc"), { bytes: true })).toEqual(Buffer.from("abc"));
  });

  it("does not let a __proto__ key touch the prototype", () => {
    const d = dec("d9:__proto__d1:xi1eee");
    expect(isDict(d)).toBe(true);
    expect(({} as Record<string, unknown>)["x"]).toBeUndefined();
  });

  it.each([
    ["", "unexpected end"],
    ["i12", "unterminated integer"],
    ["ie", "invalid integer"],
    ["i-0e", "invalid integer"],
    ["i03e", "invalid integer"],
    ["i1.5e", "invalid integer"],
    ["5:abc", "past end"],
    ["05:abcde", "invalid string length"],
    ["3abc", "without ':'"],
    ["l1:a", "unexpected end"],
    ["d1:a", "unexpected end"],
    ["di1ei2ee", "key is not a string"],
    ["d1:ae", "unexpected byte"],
    ["x", "unexpected byte"],
    ["i1ei2e", "trailing data"],
  ])("rejects malformed %j", (input, message) => {
    expect(() => dec(input)).toThrow(BencodeError);
    expect(() => dec(input)).toThrow(message);
  });

  it("bounds nesting depth", () => {
    expect(() => dec("l".repeat(100) + "e".repeat(100))).toThrow("nesting too deep");
    expect(dec("l".repeat(10) + "e".repeat(10))).toBeDefined();
  });

  it("round-trips arbitrary values", () => {
    const key = fc.string({ maxLength: 8 }).filter((k) => k !== "__proto__");
    const value = fc.letrec<{ v: BencodeValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        fc.string(),
        fc.integer(),
        fc.array(tie("v"), { maxLength: 4 }),
        fc.dictionary(key, tie("v"), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        const once = encode(v);
        expect(encode(decode(once))).toEqual(once);
        expect(decode(once)).toEqual(v);
      }),
    );
  });

  it("never throws anything but BencodeError on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decode(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(BencodeError);
        }
      }),
    );
  });
});
