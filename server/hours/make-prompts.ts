/**
 * Generates the caller prompts of every language (server/hours/prompt-texts.ts) into `<dir>/<language>/<name>.wav`
 * with espeak-ng and sox, at install time (scripts/make-prompts.ts from scripts/ensure.sh and .ci/run). Cached: a
 * prompt is synthesised again only when its words or voice changed (each folder's `.manifest.json`) or its file is
 * gone. English prompts already in `<dir>` (the recorded set of scripts/make-sounds.sh) are not duplicated.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROMPT_LANGUAGES } from "../../db/enums";
import { promptTexts } from "./prompt-texts";
import { synthesize, VOICES } from "./prompt-synth";

/** Makes what is missing or changed; resolves with the counts. Throws when espeak-ng or sox fails. */
export async function makePrompts(dir: string): Promise<{ made: number; kept: number }> {
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
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return { made, kept };
}
