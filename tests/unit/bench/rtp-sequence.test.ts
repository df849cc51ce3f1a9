import { describe, expect, it } from "vitest";
import { RtpSequence } from "../../../bench/calls/rtp-sequence";

const track = (seqs: number[]) => {
  const stream = new RtpSequence(seqs[0]!);
  for (const seq of seqs.slice(1)) stream.add(seq);
  return stream.expected;
};

describe("RtpSequence: packets expected from a stream's sequence numbers (RFC 3550 §A.1, §A.3)", () => {
  it("counts a stream in order, and the gaps of lost packets", () => {
    expect(track([10, 11, 12, 13])).toBe(4);
    expect(track([10, 11, 14, 15])).toBe(6);
  });

  it("extends across the wrap from 65535 to 0", () => {
    expect(track([65533, 65534, 65535, 0, 1, 2])).toBe(6);
  });

  it("does not count a packet from before the wrap, arriving after it, as a new cycle", () => {
    // 65534 arrives after 0 and 1: it is late, 3 behind; the wrong reading made it 65536 ahead.
    expect(track([65532, 65533, 65535, 0, 1, 65534, 2])).toBe(7);
  });

  it("a late packet older than the first extends the stream backwards, and never counts twice", () => {
    expect(track([100, 98, 101, 99])).toBe(4);
    expect(track([0, 65535, 1])).toBe(3);
  });

  it("follows several wraps", () => {
    const seqs = Array.from({ length: 3 * 65536 + 10 }, (_, i) => (40000 + i) & 0xffff);
    expect(track(seqs)).toBe(seqs.length);
  });
});
