/**
 * The files rtpengine plays to callers, as G.711 mu-law copies of the prompts (16-bit PCM WAV under SOUNDS_DIR).
 *
 * Measured on rtpengine 10.5 (Debian, this machine): `play media` of an 8 kHz 16-bit PCM WAV costs rtpengine about
 * 5.8 ms of CPU, the same file as 8 kHz mu-law WAV about 0.55 ms (200 calls, sequential), for the same audio and
 * duration reported, on PCMU and PCMA calls alike (rtpengine re-encodes to the call's codec). A queue in a surge
 * asks for a play per caller at the greeting, the hold music, and each announcement and the music after it (76 plays
 * a second with 1,000 callers waiting): at 5.8 ms each that was almost half of rtpengine's time, and its ng replies
 * (every call's setup) queued behind them.
 *
 * The copies live in a cache folder (DATA_DIR/playback-sounds), made with sox (a Debian package Hotline already
 * needs) in the background, one at a time: at start for the fixed sounds, on first use for the others (language sets,
 * synthesised greetings, uploads). Until a copy is ready, and whenever its source changed since (size or mtime: a
 * greeting re-synthesised under the same name), the original file is played, so a caller never waits for a
 * conversion. A source is looked at (stat) once, and again only after {@link PlaybackSounds.sourcesChanged}: the
 * prompt catalogue calls it when it rescans or adds a file (server/hours/prompt-catalog.ts), so playing a prompt
 * costs no file-system call. Only for an rtpengine on this host (the supervised child): external instances see SOUNDS_DIR as
 * their own host has it.
 */
import { execFile } from "node:child_process";
import { mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { type Logger, silentLogger } from "./logger.js";

/** Makes the mu-law copy `target` of `source`; rejects when it cannot. */
export type SoundConverter = (source: string, target: string) => Promise<void>;

/** sox: 8 kHz mono G.711 mu-law WAV (the prompts are 8 kHz mono already; sox resamples anything else). */
export const soxToMuLaw: SoundConverter = (source, target) =>
  new Promise((resolve, reject) => {
    execFile("sox", [source, "-r", "8000", "-c", "1", "-e", "u-law", "-t", "wav", target], { timeout: 30_000 }, (error) => (error ? reject(error) : resolve()));
  });

interface Copy {
  /** The source's size and mtime when the copy was made. */
  stamp: string;
  ready: boolean;
}

export class PlaybackSounds {
  private readonly copies = new Map<string, Copy>();
  /** Sounds whose source was looked at since the last {@link sourcesChanged}: their copy is current. */
  private readonly checked = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private failedOnce = false;

  constructor(
    private readonly sourceDir: string,
    private readonly cacheDir: string,
    private readonly options: { convert?: SoundConverter; logger?: Logger } = {},
  ) {}

  /**
   * The file to play for `sound` (a name under the sounds folder, without `.wav`, e.g. `hold-music`, `fr/periodic`):
   * its mu-law copy when that is ready and its source unchanged, else the source itself (and the copy is made in
   * the background).
   */
  file(sound: string): string {
    const source = path.join(this.sourceDir, `${sound}.wav`);
    if (this.checked.has(sound)) return this.copies.get(sound)?.ready ? this.target(sound) : source;
    this.checked.add(sound);
    const stamp = stampOf(source);
    if (stamp === undefined) return source;
    const copy = this.copies.get(sound);
    if (copy?.stamp === stamp) return copy.ready ? this.target(sound) : source;
    this.convert(sound, source, stamp);
    return source;
  }

  /** Prompt files may have been replaced or added: each source is looked at again when it is next played. */
  sourcesChanged(): void {
    this.checked.clear();
  }

  /** Makes the copies of `sounds` in the background (at start, for the sounds every call plays). */
  warm(sounds: readonly string[]): void {
    for (const sound of sounds) this.file(sound);
  }

  /** Resolves once every conversion asked for so far is done (tests, benchmarks). */
  settled(): Promise<void> {
    return this.queue;
  }

  private target(sound: string): string {
    return path.join(this.cacheDir, `${sound}.wav`);
  }

  private convert(sound: string, source: string, stamp: string): void {
    const copy: Copy = { stamp, ready: false };
    this.copies.set(sound, copy);
    const target = this.target(sound);
    const convert = this.options.convert ?? soxToMuLaw;
    this.queue = this.queue.then(async () => {
      const partial = `${target}.${process.pid}.part`;
      try {
        mkdirSync(path.dirname(target), { recursive: true });
        await convert(source, partial);
        renameSync(partial, target);
        // A newer source while converting: this copy is stale already, the next play asks again.
        if (this.copies.get(sound) === copy) copy.ready = true;
      } catch (error) {
        rmSync(partial, { force: true });
        if (!this.failedOnce) (this.options.logger ?? silentLogger).warn("playback copy of a sound failed: the original is played", { sound, error: String(error) });
        this.failedOnce = true;
      }
    });
  }
}

function stampOf(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}
