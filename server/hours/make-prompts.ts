/**
 * Generates the caller prompts of every language (server/hours/prompt-texts.ts) into `<dir>/<language>/<name>.wav`
 * with espeak-ng and sox, at install time (scripts/make-prompts.ts from scripts/ensure.sh and .ci/run). Cached: a
 * prompt is synthesised again only when its words or voice changed (each folder's `.manifest.json`) or its file is
 * gone. English prompts already in `<dir>` (the recorded set of scripts/make-sounds.sh) are not duplicated.
 *
 * Writes nothing when nothing changed: a manifest is rewritten only when its content differs (keys sorted, so the
 * same prompts give the same bytes), and a kept prompt's file is not touched. Their mtimes thus stay put, which
 * keeps scripts/ensure.sh from taking an unchanged install for a changed source.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROMPT_LANGUAGES } from "../../db/enums";
import { promptTexts } from "./prompt-texts";
import { synthesize as espeakSynthesize, VOICES } from "./prompt-synth";

/** Writes `content` to `file` only when the file is missing or holds something else; says whether it wrote. */
export function writeFileIfChanged(file: string, content: string): boolean {
  if (existsSync(file) && readFileSync(file, "utf8") === content) return false;
  writeFileSync(file, content);
  return true;
}

/**
 * Makes what is missing or changed; resolves with the counts. Throws when espeak-ng or sox fails.
 * `options.synthesize` replaces espeak-ng and sox (tests).
 */
export async function makePrompts(
  dir: string,
  options: { synthesize?: typeof espeakSynthesize } = {},
): Promise<{ made: number; kept: number }> {
  const synthesize = options.synthesize ?? espeakSynthesize;
  let made = 0;
  let kept = 0;
  for (const language of PROMPT_LANGUAGES) {
    const folder = path.join(dir, language);
    const manifestFile = path.join(folder, ".manifest.json");
    const manifest: Record<string, string> = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, "utf8")) : {};
    const jobs = Object.entries(promptTexts(language)).filter(([name]) => !(language === "en" && existsSync(path.join(dir, `${name}.wav`))));
    // Two at a time: espeak-ng and sox are single-threaded, and the machine may be small.
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const [name, text] = job;
        const hash = createHash("sha256").update(`${VOICES[language]}\n${text}`).digest("hex").slice(0, 16);
        const file = path.join(folder, `${name}.wav`);
        if (manifest[name] === hash && existsSync(file)) {
          kept++;
          continue;
        }
        await synthesize(text, language, file);
        manifest[name] = hash;
        made++;
      }
    };
    await Promise.all([worker(), worker()]);
    if (Object.keys(manifest).length === 0 && !existsSync(folder)) continue;
    const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileIfChanged(manifestFile, `${JSON.stringify(sorted, null, 2)}\n`);
  }
  return { made, kept };
}
