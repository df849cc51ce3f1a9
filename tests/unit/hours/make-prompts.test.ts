/**
 * Install-time prompts leave an unchanged install untouched (server/hours/make-prompts.ts, scripts/ui-stale.sh): a
 * second run of make-prompts writes no file (same mtimes), and the UI build's staleness check ignores the sounds
 * folder but still sees a changed page.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { makePrompts } from "../../../server/hours/make-prompts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "hotline-prompts-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Stands in for espeak-ng and sox: writes the text as the file. */
async function fakeSynthesize(text: string, _language: string, file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Every file under `root` with its mtime in ms. */
function mtimes(root: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(root, file)] = statSync(file).mtimeMs;
  }
  return out;
}

/** Sets every file's (and folder's) mtime to one hour ago, so a rewrite would show. */
function age(root: string): void {
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) utimesSync(path.join(entry.parentPath, entry.name), past, past);
}

it("a second run of make-prompts writes nothing: manifests and prompts keep their mtimes", async () => {
  const first = await makePrompts(dir, { synthesize: fakeSynthesize });
  expect(first.made).toBeGreaterThan(0);
  expect(readdirSync(dir).sort()).toEqual(["ar", "en", "fr"]);
  age(dir);
  const before = mtimes(dir);
  expect(Object.keys(before)).toContain(path.join("fr", ".manifest.json"));
  const second = await makePrompts(dir, { synthesize: fakeSynthesize });
  expect(second).toEqual({ made: 0, kept: first.made });
  expect(mtimes(dir)).toEqual(before);
});

it("a prompt whose file is gone is made again; the other prompts and the manifest (same content) are not rewritten", async () => {
  await makePrompts(dir, { synthesize: fakeSynthesize });
  const [gone] = readdirSync(path.join(dir, "fr")).filter((f) => f.endsWith(".wav"));
  rmSync(path.join(dir, "fr", gone!));
  age(dir);
  const before = mtimes(dir);
  const again = await makePrompts(dir, { synthesize: fakeSynthesize });
  expect(again.made).toBe(1);
  const after = mtimes(dir);
  expect(after[path.join("fr", gone!)]).toBeGreaterThan(before[path.join("fr", ".manifest.json")]!);
  expect(after[path.join("fr", ".manifest.json")]).toBe(before[path.join("fr", ".manifest.json")]);
  // Files only: a folder's own mtime moves when a file is created in it.
  const untouched = Object.keys(before).filter((file) => file !== path.join("fr", gone!) && statSync(path.join(dir, file)).isFile());
  expect(untouched.length).toBeGreaterThan(1);
  for (const file of untouched) expect(after[file], file).toBe(before[file]);
});

it("the UI build is stale for a changed page, not for regenerated sounds", () => {
  const script = path.resolve("scripts/ui-stale.sh");
  const stale = () => spawnSync("bash", [script, dir], { encoding: "utf8" });
  for (const folder of ["app", "server", "db", "public/sounds/fr", ".next"]) mkdirSync(path.join(dir, folder), { recursive: true });
  writeFileSync(path.join(dir, "app", "page.tsx"), "page");
  expect(stale().status).toBe(0); // no build yet
  age(dir);
  writeFileSync(path.join(dir, ".next", "BUILD_ID"), "build");
  expect(stale().status).toBe(1);
  writeFileSync(path.join(dir, "public", "sounds", "fr", ".manifest.json"), "{}");
  writeFileSync(path.join(dir, "public", "sounds", "custom.wav"), "x");
  const current = stale();
  expect(current.status, current.stdout).toBe(1);
  writeFileSync(path.join(dir, "app", "page.tsx"), "changed");
  expect(execFileSync("bash", [script, dir], { encoding: "utf8" }).trim()).toBe("app/page.tsx");
});
