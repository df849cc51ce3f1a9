import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { NextResponse } from "next/server";
import { PROMPT_LANGUAGES } from "../../../../../db/enums";
import { promptCandidates } from "../../../../../server/hours/prompt-catalog";
import { promptTexts } from "../../../../../server/hours/prompt-texts";
import { getServices } from "../../../../../server/runtime-registry";
import { withRole } from "../../../../lib/api-auth";

/**
 * Hours (issue 11): the WAV a caller of a number in `language` hears for prompt `name` (an upload, the generated
 * file, or the English recording), for the admin page's player. Admins only; names outside the prompt list are 404.
 */
export const GET = withRole("admin", async (request) => {
  // /api/prompts/<language>/<name>
  const [, , language = "", name = ""] = request.nextUrl.pathname.split("/").filter(Boolean);
  const lang = PROMPT_LANGUAGES.find((l) => l === language);
  if (!lang || !Object.hasOwn(promptTexts(lang), name)) return NextResponse.json({ error: "not found" }, { status: 404 });
  const soundsDir = path.resolve(getServices().config.SOUNDS_DIR);
  const file = promptCandidates(lang, name)
    .map((candidate) => path.join(soundsDir, `${candidate}.wav`))
    .find((candidate) => existsSync(candidate));
  if (!file) return NextResponse.json({ error: "not found" }, { status: 404 });
  return new Response(new Uint8Array(await readFile(file)), { headers: { "Content-Type": "audio/wav", "Cache-Control": "no-store" } });
});
