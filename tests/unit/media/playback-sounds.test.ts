/**
 * The mu-law playback copies of the prompts (server/media/playback-sounds.ts), with a fake converter: the original
 * plays until its copy is ready, the copy after; a changed source plays as it is until its new copy is ready; a
 * failed conversion leaves the original; conversions run one at a time.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PlaybackSounds, type SoundConverter } from "../../../server/media/playback-sounds";

let dir: string;
let sources: string;
let cache: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "playback-sounds-"));
  sources = path.join(dir, "sounds");
  cache = path.join(dir, "cache");
  mkdirSync(path.join(sources, "fr"), { recursive: true });
  writeFileSync(path.join(sources, "greeting.wav"), "pcm greeting");
  writeFileSync(path.join(sources, "fr", "periodic.wav"), "pcm periodic");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Copies the file (as the conversion), counting calls and how many ran at once. */
function fakeConverter() {
  const calls: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const convert: SoundConverter = async (source, target) => {
    calls.push(path.relative(sources, source));
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    copyFileSync(source, target);
    running -= 1;
  };
  return { convert, calls, maxRunning: () => maxRunning };
}

describe("playback copies of the prompts", () => {
  it("plays the original until the copy is ready, then the copy, converting each sound once, one at a time", async () => {
    const converter = fakeConverter();
    const sounds = new PlaybackSounds(sources, cache, { convert: converter.convert });
    sounds.warm(["greeting", "fr/periodic"]);
    expect(sounds.file("greeting")).toBe(path.join(sources, "greeting.wav"));
    await sounds.settled();
    expect(sounds.file("greeting")).toBe(path.join(cache, "greeting.wav"));
    expect(sounds.file("fr/periodic")).toBe(path.join(cache, "fr", "periodic.wav"));
    expect(converter.calls).toEqual(["greeting.wav", path.join("fr", "periodic.wav")]);
    expect(converter.maxRunning()).toBe(1);
  });

  it("a source changed since its copy (a greeting synthesised again) is looked at once the catalogue says so, and plays as it is until the new copy is ready", async () => {
    const converter = fakeConverter();
    const sounds = new PlaybackSounds(sources, cache, { convert: converter.convert });
    sounds.file("greeting");
    await sounds.settled();
    writeFileSync(path.join(sources, "greeting.wav"), "pcm greeting, new words");
    utimesSync(path.join(sources, "greeting.wav"), new Date(), new Date(Date.now() + 5_000));
    // No file-system call per play: the change is not seen until the prompt catalogue reports it.
    expect(sounds.file("greeting")).toBe(path.join(cache, "greeting.wav"));
    expect(converter.calls).toHaveLength(1);
    sounds.sourcesChanged();
    expect(sounds.file("greeting")).toBe(path.join(sources, "greeting.wav"));
    await sounds.settled();
    expect(sounds.file("greeting")).toBe(path.join(cache, "greeting.wav"));
    expect(converter.calls).toHaveLength(2);
  });

  it("a failed conversion leaves the original, without trying again for the same file; a missing file is given as is", async () => {
    const calls: string[] = [];
    const sounds = new PlaybackSounds(sources, cache, {
      convert: async (source) => {
        calls.push(source);
        throw new Error("sox: not found");
      },
    });
    sounds.file("greeting");
    await sounds.settled();
    expect(sounds.file("greeting")).toBe(path.join(sources, "greeting.wav"));
    await sounds.settled();
    expect(calls).toHaveLength(1);
    expect(sounds.file("custom/none")).toBe(path.join(sources, "custom", "none.wav"));
  });
});
