/**
 * Generates the caller prompts of English, French and Arabic with espeak-ng (see server/hours/make-prompts.ts).
 * Usage: npx tsx scripts/make-prompts.ts [DIR]   (default: SOUNDS_DIR or public/sounds)
 */
import path from "node:path";
import { PROMPT_LANGUAGES } from "../db/enums";
import { makePrompts } from "../server/hours/make-prompts";

const dir = path.resolve(process.argv[2] ?? process.env.SOUNDS_DIR ?? "public/sounds");
const { made, kept } = await makePrompts(dir);
console.log(`make-prompts: ${made} made, ${kept} unchanged, in ${dir}/{${PROMPT_LANGUAGES.join(",")}}`);
