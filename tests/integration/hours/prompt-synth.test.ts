import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { synthesize } from "../../../server/hours/prompt-synth";

describe("prompt synthesis (espeak-ng + sox)", () => {
  it("several writers of one greeting at once all succeed and leave one whole file, no temporary files", async () => {
    // Found in the e2e run: numbers sharing a greeting synthesised it at once and all but one failed their rename.
    const dir = mkdtempSync(path.join(tmpdir(), "hotline-synth-"));
    const file = path.join(dir, "custom", "greeting.wav");
    const results = await Promise.allSettled([1, 2, 3].map(() => synthesize("Welcome to the Acme hotline", "en", file)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(readdirSync(path.dirname(file))).toEqual(["greeting.wav"]);
    // 8 kHz 16-bit mono: more than half a second of speech.
    expect(statSync(file).size).toBeGreaterThan(44 + 8000);
  }, 60_000);
});
