/** Post-hoc trimming of a voicemail's leading and trailing silence (server/voicemail/silence-trim.ts). */
import { describe, expect, it } from "vitest";
import { SILENCE_DBFS, soundRange, trimSilence, TRIM_MARGIN_MS } from "../../../server/voicemail/silence-trim";

const RATE = 8000;
/** `seconds` of a 400 Hz tone at `dbfs` (peak), or of digital silence when dbfs is undefined. */
function segment(seconds: number, dbfs?: number): number[] {
  const peak = dbfs === undefined ? 0 : 32767 * 10 ** (dbfs / 20);
  return Array.from({ length: Math.round(seconds * RATE) }, (_, i) => Math.round(peak * Math.sin((2 * Math.PI * 400 * i) / RATE)));
}
const pcmOf = (samples: number[]) => Buffer.from(Int16Array.from(samples).buffer);

describe("soundRange / trimSilence", () => {
  it("cuts leading and trailing silence, keeping a margin each side, and keeps pauses inside", () => {
    const samples = [...segment(2), ...segment(1, -20), ...segment(0.8), ...segment(1, -30), ...segment(5, -70)];
    const { start, end } = soundRange(Int16Array.from(samples));
    const margin = (TRIM_MARGIN_MS / 1000) * RATE;
    expect(start).toBe(2 * RATE - margin);
    expect(end).toBe(Math.round(4.8 * RATE) + margin);
    expect(trimSilence(pcmOf(samples)).length / 2 / RATE).toBeCloseTo(2.8 + 0.6, 2);
  });

  it("a silent message (digital silence or line noise below the threshold) is empty", () => {
    expect(soundRange(Int16Array.from(segment(10)))).toEqual({ start: 0, end: 0 });
    expect(soundRange(Int16Array.from(segment(10, SILENCE_DBFS - 8)))).toEqual({ start: 0, end: 0 });
    expect(trimSilence(pcmOf(segment(3, -75))).length).toBe(0);
  });

  it("quiet speech above the threshold is kept whole", () => {
    const samples = segment(3, -40);
    expect(soundRange(Int16Array.from(samples))).toEqual({ start: 0, end: samples.length });
  });
});
