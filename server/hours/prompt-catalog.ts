/**
 * Which prompt file a caller hears, by the number's language: `<SOUNDS_DIR>/<language>/<name>.wav` when it was
 * generated (scripts/make-prompts.ts), else the English recording `<SOUNDS_DIR>/<name>.wav`, so a server whose
 * language sets were not generated still answers (in English). Also each file's length, for hanging up after a
 * goodbye. Files are listed once at start and when a greeting is synthesised: no file system access on a call's path.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { PromptLanguage } from "../../db/enums";

/** A prompt file under SOUNDS_DIR, without `.wav`: a language set's, or a synthesised greeting (`custom/<hash>`). */
export type PromptFile = `${PromptLanguage | "custom"}/${string}`;

/** The files that may voice prompt `name` in `language`, best first (see {@link PromptCatalog.resolve}). */
export function promptCandidates<S extends string>(language: PromptLanguage, name: S): Array<S | PromptFile> {
  return [`custom/${language}-${name}`, `${language}/${name}`, name];
}

/** 8 kHz 16-bit mono: 16 bytes a millisecond after the 44-byte header. */
const wavMs = (file: string) => Math.max(0, (statSync(file).size - 44) / 16);

/** {@link wavMs}, or undefined when the file is not there (ENOENT), instead of throwing. */
function wavMsIfThere(file: string): number | undefined {
  try {
    return wavMs(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export class PromptCatalog {
  private readonly durations = new Map<string, number>();

  /** `changed`: told after each rescan and each file added (e.g. playback copies are checked again). */
  constructor(
    private readonly soundsDir: string,
    private readonly changed: () => void = () => {},
  ) {
    this.rescan();
  }

  /** Lists the files again (after an administrator uploaded a replacement). */
  rescan(): void {
    this.durations.clear();
    for (const folder of ["", "en", "fr", "ar", "custom"]) {
      const dir = path.join(this.soundsDir, folder);
      if (!existsSync(dir)) continue;
      for (const entry of readdirSync(dir)) {
        // A synthesis in progress (prompt-synth.ts writes `<name>.<unique>.partial.wav`, then renames) is no prompt.
        if (!entry.endsWith(".wav") || entry.endsWith(".partial.wav")) continue;
        const name = folder ? `${folder}/${entry.slice(0, -4)}` : entry.slice(0, -4);
        // Gone between the listing and the stat (renamed or removed by another process): not listed.
        const ms = wavMsIfThere(path.join(dir, entry));
        if (ms !== undefined) this.durations.set(name, ms);
      }
    }
    this.changed();
  }

  /**
   * The file for prompt `name` in `language`: an administrator's upload (`custom/<language>-<name>`), else the
   * language's generated one, else the English recording, else undefined.
   */
  resolve<S extends string>(language: PromptLanguage, name: S): S | PromptFile | undefined {
    return promptCandidates(language, name).find((file) => this.durations.has(file));
  }

  /** Length of a prompt file, ms (0 when unknown). */
  durationMs(sound: string): number {
    return this.durations.get(sound) ?? 0;
  }

  /** Registers a file written after start (a synthesised greeting). */
  add(sound: PromptFile): void {
    this.durations.set(sound, wavMs(path.join(this.soundsDir, `${sound}.wav`)));
    this.changed();
  }
}
