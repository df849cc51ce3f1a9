import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { PromptCatalog } from "../../../server/hours/prompt-catalog";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A WAV-sized file: 44-byte header plus `ms` milliseconds of 8 kHz 16-bit mono. */
function wav(dir: string, name: string, ms: number) {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, `${name}.wav`), Buffer.alloc(44 + ms * 16));
}

it("prefers an upload, then the language's generated prompt, then the English recording; knows each length", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-catalog-"));
  dirs.push(dir);
  wav(dir, "closed", 3000);
  wav(dir, "greeting", 2000);
  wav(dir, "fr/closed", 2500);
  wav(dir, "custom/fr-greeting", 1500);
  const catalog = new PromptCatalog(dir);
  expect(catalog.resolve("fr", "closed")).toBe("fr/closed");
  expect(catalog.resolve("fr", "greeting")).toBe("custom/fr-greeting");
  expect(catalog.resolve("ar", "closed")).toBe("closed");
  expect(catalog.resolve("ar", "nothing")).toBeUndefined();
  expect(catalog.durationMs("fr/closed")).toBe(2500);
  wav(dir, "ar/closed", 4000);
  catalog.rescan();
  expect(catalog.resolve("ar", "closed")).toBe("ar/closed");
});

it("lists no synthesis in progress, and no file gone between the listing and its stat (another process renamed it)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-catalog-"));
  dirs.push(dir);
  wav(dir, "closed", 3000);
  // prompt-synth.ts writes `<name>.<unique>.partial.wav`, then renames it.
  wav(dir, "custom/fr-greeting.1234.partial", 1500);
  // A name whose file is gone when stat runs (a dangling link stands for the race).
  symlinkSync(path.join(dir, "custom", "vanished.wav"), path.join(dir, "custom", "fr-closed.wav"));
  const catalog = new PromptCatalog(dir);
  expect(catalog.resolve("fr", "greeting")).toBeUndefined();
  expect(catalog.durationMs("custom/fr-greeting.1234.partial")).toBe(0);
  expect(catalog.resolve("fr", "closed")).toBe("closed");
});

it("tells its listener after each rescan and each file added (the playback copies are checked again then)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-catalog-"));
  dirs.push(dir);
  wav(dir, "closed", 3000);
  let told = 0;
  const catalog = new PromptCatalog(dir, () => (told += 1));
  expect(told).toBe(1);
  catalog.rescan();
  expect(told).toBe(2);
  wav(dir, "custom/fr-greeting", 1500);
  catalog.add("custom/fr-greeting");
  expect(told).toBe(3);
  expect(catalog.durationMs("custom/fr-greeting")).toBe(1500);
});
