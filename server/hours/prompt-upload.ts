/**
 * An administrator's replacement for one prompt of one language: any WAV, MP3 or OGG file is converted with ffmpeg to
 * the telephone format (8 kHz, 16-bit, mono WAV), checked (length, loudness: a silent or clipped-to-nothing file is
 * refused), normalised to -3 dBFS with sox like the generated prompts, and stored as
 * `<SOUNDS_DIR>/custom/<language>-<name>.wav`, which the prompt catalog prefers to the generated file.
 * Field errors are message keys under `hours.validation`.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PROMPT_LANGUAGES, type PromptLanguage } from "../../db/enums";
import type { Result } from "../accounts/user-input";
import { MAX_PROMPT_BYTES } from "../forms/upload-limits";
import { TELEPHONE_FORMAT } from "./prompt-synth";
import { promptTexts } from "./prompt-texts";

const run = promisify(execFile);

/** Accepted length of a prompt, ms. */
export const MIN_PROMPT_MS = 300;
export const MAX_PROMPT_MS = 120_000;
/** Quieter than this (RMS, dBFS) is taken for silence or a wrong file. */
export const MIN_RMS_DB = -45;

/** The file an upload replaces prompt `name` of `language` with, relative to SOUNDS_DIR without `.wav`. */
export const uploadedPrompt = (language: PromptLanguage, name: string) => `custom/${language}-${name}` as const;

/** `sox … -n stats` figures: length (s) and RMS level (dBFS). */
export function parseSoxStats(stderr: string): { lengthS: number; rmsDb: number } {
  const figure = (label: string) => {
    const m = new RegExp(`^${label}\\s+(-?[\\d.]+|-inf)`, "m").exec(stderr);
    return m ? (m[1] === "-inf" ? -Infinity : Number(m[1])) : NaN;
  };
  return { lengthS: figure("Length s"), rmsDb: figure("RMS lev dB") };
}

export async function importPrompt(args: { data: Uint8Array; language: unknown; name: unknown; soundsDir: string }): Promise<Result<{ file: string; durationMs: number }>> {
  const language = PROMPT_LANGUAGES.find((l) => l === args.language);
  if (!language) return { ok: false, errors: { language: "hours.validation.language" } };
  if (typeof args.name !== "string" || !Object.hasOwn(promptTexts(language), args.name)) return { ok: false, errors: { prompt: "hours.validation.prompt" } };
  if (args.data.byteLength === 0) return { ok: false, errors: { file: "hours.validation.fileMissing" } };
  if (args.data.byteLength > MAX_PROMPT_BYTES) return { ok: false, errors: { file: "hours.validation.fileSize" } };
  const work = path.join(tmpdir(), `hotline-prompt-${randomUUID()}`);
  await mkdir(work, { recursive: true });
  try {
    const input = path.join(work, "upload");
    const converted = path.join(work, "converted.wav");
    const final = path.join(work, "final.wav");
    await writeFile(input, args.data);
    try {
      // ffmpeg reads WAV, MP3 and OGG alike (sox needs extra format packages for MP3); `-vn` ignores cover art.
      await run("ffmpeg", ["-v", "error", "-nostdin", "-i", input, "-vn", "-ar", "8000", "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav", converted], { timeout: 30_000 });
    } catch {
      return { ok: false, errors: { file: "hours.validation.fileFormat" } };
    }
    const { stderr } = await run("sox", [converted, "-n", "stats"], { timeout: 30_000 });
    const { lengthS, rmsDb } = parseSoxStats(stderr);
    if (!(lengthS * 1000 >= MIN_PROMPT_MS && lengthS * 1000 <= MAX_PROMPT_MS)) return { ok: false, errors: { file: "hours.validation.fileLength" } };
    if (!(rmsDb >= MIN_RMS_DB)) return { ok: false, errors: { file: "hours.validation.fileLoudness" } };
    await run("sox", [converted, ...TELEPHONE_FORMAT, final, "norm", "-3"], { timeout: 30_000 });
    const file = uploadedPrompt(language, args.name);
    const target = path.join(args.soundsDir, `${file}.wav`);
    await mkdir(path.dirname(target), { recursive: true });
    // Copied, not renamed: the temporary folder may be on another file system (tmpfs).
    await copyFile(final, `${target}.partial`);
    await rename(`${target}.partial`, target);
    return { ok: true, value: { file, durationMs: Math.round(lengthS * 1000) } };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
