/**
 * Speech for prompts: espeak-ng (Debian's `espeak-ng`, deterministic, no network) in the language's voice, then sox
 * to the telephone format rtpengine plays without surprises (8 kHz, 16-bit, mono WAV), band-limited to the
 * telephone band, normalised to -3 dBFS, with a short lead-in so the first syllable is not clipped (as
 * scripts/make-sounds.sh does for the English set).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { PromptLanguage } from "../../db/enums";

const run = promisify(execFile);

/** espeak-ng voice of each language. */
export const VOICES: Record<PromptLanguage, string> = { en: "en-us", fr: "fr-fr", ar: "ar" };

/** Telephone format: 8 kHz, signed 16-bit, one channel. */
export const TELEPHONE_FORMAT = ["-r", "8000", "-b", "16", "-c", "1", "-e", "signed-integer"] as const;

/**
 * Writes `file` (created with its folder; replaced atomically) with `text` spoken in `language`. Throws when
 * espeak-ng or sox is missing or fails. Several writers of one file at once (numbers sharing a greeting, a reload
 * during a synthesis) each work on their own temporary files; the last rename wins, whole.
 */
export async function synthesize(text: string, language: PromptLanguage, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const unique = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const speech = `${file}.${unique}.speech.wav`;
  const partial = `${file}.${unique}.partial.wav`;
  try {
    await run("espeak-ng", ["-v", VOICES[language], "-s", "150", "-p", "45", "-w", speech, text], { timeout: 30_000 });
    await run("sox", [speech, ...TELEPHONE_FORMAT, partial, "highpass", "300", "lowpass", "3400", "norm", "-3", "pad", "0.3", "0.5"], { timeout: 30_000 });
    await rename(partial, file);
  } finally {
    await rm(speech, { force: true });
    await rm(partial, { force: true });
  }
}
