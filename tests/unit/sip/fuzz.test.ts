/**
 * Hostile input: whatever arrives, the parser and the layer return a message or a typed error
 * and never throw.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseMessage, type ParseResult } from "../../../server/sip/parser.js";
import { StreamFramer } from "../../../server/sip/stream-framer.js";
import { TransactionLayer } from "../../../server/sip/transaction-layer.js";
import { loadFixture } from "../../fixtures/sip/load-fixture.js";
import { FakeTimers } from "./fake-timers.js";
import { FakeTransport, requestText } from "./sip-test-helpers.js";

const seeds = ["wsinv", "intmeth", "esc01", "longreq", "mpart01", "unreason", "badinv01", "quotbal"].map(loadFixture);
seeds.push(Buffer.from(requestText("INVITE")));

function isWellTyped(result: ParseResult): boolean {
  if (result.ok) return result.message.type === "request" || result.message.type === "response";
  return result.kind === "drop" || (result.kind === "bad-request" && [400, 416, 505].includes(result.status));
}

/** Mutations that hit SIP structure: byte flips, deletions, duplications, CRLF and separator injection. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.tuple(fc.nat(), fc.constantFrom("flip", "delete", "insert", "dup"), fc.constantFrom(..."\r\n :;,<>\"\\%@=/\0\xff".split(""))),
      { minLength: 1, maxLength: 8 },
    ),
  )
  .map(([seed, edits]) => {
    let bytes = Buffer.from(seed);
    for (const [pos, op, ch] of edits) {
      const i = bytes.length === 0 ? 0 : pos % bytes.length;
      const b = Buffer.from(ch, "latin1");
      if (op === "flip") bytes[i] = (bytes[i] ?? 0) ^ 0x20;
      else if (op === "delete") bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
      else if (op === "insert") bytes = Buffer.concat([bytes.subarray(0, i), b, bytes.subarray(i)]);
      else bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i, i + 40), bytes.subarray(i)]);
    }
    return bytes;
  });

describe("fuzz", () => {
  it("random bytes never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        expect(isWellTyped(parseMessage(bytes))).toBe(true);
        expect(isWellTyped(parseMessage(bytes, { framing: "stream" }))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("random text shaped like SIP never throws", () => {
    const line = fc.tuple(fc.constantFrom("Via", "v", "To", "From", "f", "CSeq", "Call-ID", "Max-Forwards", "Contact", "m", "l", "Route", "X"), fc.string({ maxLength: 60 }));
    fc.assert(
      fc.property(fc.constantFrom("INVITE sip:a@b SIP/2.0", "SIP/2.0 200 OK", "ACK sip:a@b SIP/2.0", "X y z"), fc.array(line, { maxLength: 12 }), fc.string(), (start, lines, body) => {
        const text = `${start}\r\n${lines.map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n${body}`;
        expect(isWellTyped(parseMessage(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it("mutated valid messages never throw", () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        expect(isWellTyped(parseMessage(bytes))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("the transaction layer and the stream framer survive mutated input", () => {
    const transport = new FakeTransport("UDP");
    const layer = new TransactionLayer({ transports: [transport], timers: new FakeTimers(), user: { onRequest: () => undefined } });
    fc.assert(
      fc.property(mutated, fc.nat({ max: 50 }), (bytes, split) => {
        expect(() => transport.inject(bytes)).not.toThrow();
        const framer = new StreamFramer();
        expect(() => [...framer.push(bytes.subarray(0, split)), ...framer.push(bytes.subarray(split))]).not.toThrow();
      }),
      { numRuns: 1000 },
    );
    layer.shutdown();
  });
});
