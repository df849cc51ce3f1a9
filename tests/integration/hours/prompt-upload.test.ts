/**
 * An administrator's replacement prompt, through the real ffmpeg and sox: converted to 8 kHz mono WAV, checked
 * (format, length, loudness), stored where the catalog prefers it to the generated prompt.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PromptCatalog } from "../../../server/hours/prompt-catalog";
import { importPrompt } from "../../../server/hours/prompt-upload";

const run = promisify(execFile);
let dir: string;
const soundsDir = () => path.join(dir, "sounds");

/** A recording made with ffmpeg's own generators: `source` like "sine=frequency=440:duration=2". */
async function recording(name: string, source: string, format: "mp3" | "ogg" | "wav", output = ["-ar", "44100", "-ac", "2"]): Promise<Uint8Array> {
  const file = path.join(dir, `${name}.${format}`);
  await run("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", source, ...output, file]);
  return readFileSync(file);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "hotline-upload-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("an MP3 or OGG becomes an 8 kHz mono WAV that the catalog plays instead of the generated prompt", async () => {
  const result = await importPrompt({ data: await recording("tone", "sine=frequency=440:duration=2", "mp3"), language: "fr", name: "closed-now", soundsDir: soundsDir() });
  expect(result).toMatchObject({ ok: true, value: { file: "custom/fr-closed-now" } });
  if (!result.ok) return;
  expect(result.value.durationMs).toBeGreaterThan(1900);
  const { stdout } = await run("soxi", [path.join(soundsDir(), "custom/fr-closed-now.wav")]);
  expect(stdout).toMatch(/Channels\s+:\s+1/);
  expect(stdout).toMatch(/Sample Rate\s+:\s+8000/);
  expect(stdout).toMatch(/Precision\s+:\s+16-bit/);
  expect(new PromptCatalog(soundsDir()).resolve("fr", "closed-now")).toBe("custom/fr-closed-now");
  expect((await importPrompt({ data: await recording("tone-ogg", "sine=frequency=300:duration=1", "ogg"), language: "ar", name: "goodbye", soundsDir: soundsDir() })).ok).toBe(true);
});

it("refuses what is not a recording, silence, a too-long file, and unknown prompts, with the field named", async () => {
  const base = { language: "en", name: "closed-now", soundsDir: soundsDir() };
  expect(await importPrompt({ ...base, data: new TextEncoder().encode("not audio at all") })).toEqual({ ok: false, errors: { file: "hours.validation.fileFormat" } });
  expect(await importPrompt({ ...base, data: await recording("silence", "anullsrc=duration=2", "wav") })).toEqual({ ok: false, errors: { file: "hours.validation.fileLoudness" } });
  expect(await importPrompt({ ...base, data: await recording("long", "sine=frequency=440:duration=130", "mp3", ["-ar", "8000", "-ac", "1", "-b:a", "16k"]) })).toEqual({ ok: false, errors: { file: "hours.validation.fileLength" } });
  expect(await importPrompt({ ...base, data: new Uint8Array() })).toEqual({ ok: false, errors: { file: "hours.validation.fileMissing" } });
  expect(await importPrompt({ ...base, name: "../../etc/passwd", data: new Uint8Array(10) })).toEqual({ ok: false, errors: { prompt: "hours.validation.prompt" } });
  expect(await importPrompt({ ...base, language: "de", data: new Uint8Array(10) })).toEqual({ ok: false, errors: { language: "hours.validation.language" } });
});
