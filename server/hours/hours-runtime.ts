/**
 * Operating hours in the running server: keeps each number's schedule, campaign and language in memory (reloaded
 * with the queues), tells the call path what a caller of a number hears ({@link HoursRuntime.route}, no query on a
 * call's path), and opens and closes the queue engine's queues at each boundary with ONE timer armed for the next
 * boundary of any number (no polling). A queue is open while any of its numbers is; callers already waiting when it
 * closes are served until the queue empties (the engine only turns away new callers of a closed queue).
 */
import { createHash } from "node:crypto";
import path from "node:path";
import type { Db } from "../../db/client";
import type { MenuOption, PromptLanguage } from "../../db/enums";
import type { Clock } from "../clock";
import type { Logger } from "../logger";
import { organisationName } from "../organisation/organisation-service";
import { closedPromptNames, nextBoundary, numberStatus, queueHoursStates, queueOpenStates, type NumberHours, type NumberStatus, type QueueHoursState } from "./number-hours";
import type { PromptCatalog, PromptFile } from "./prompt-catalog";
import { synthesize } from "./prompt-synth";
import { defaultGreeting, menuQueuePhrase } from "./prompt-texts";
import { digitName, parseMenuAction } from "./caller-menu";
import { DEFAULT_VOICEMAIL_MAX_S, VOICEMAIL_GOODBYE, VOICEMAIL_PROMPTS } from "../voicemail/voicemail-step";
import { loadHours } from "./hours-loader";

/** Re-check at least this often, so a timer never sleeps across a clock jump for long (setTimeout caps at ~24.8 days). */
const MAX_SLEEP_MS = 6 * 3_600_000;

/** What the call path needs to know about a number right now. */
export interface HoursRoute {
  language: PromptLanguage;
  /** The number's own greeting (synthesised), when ready. */
  greeting: PromptFile | undefined;
  /** Set when the number does not answer now: the prompts to play, then hang up with outcome `closed`. */
  closed:
    | {
        prompts: string[];
        endReason: "closed" | "not-in-service-yet" | "not-in-service-anymore";
        /** Closed action `voicemail` (closed hours only): the invitation and beep, the goodbye, the longest message. */
        voicemail?: { prompts: string[]; goodbye: string; maxMs: number };
      }
    | undefined;
  /** Closed with action `queue:<name>`: the caller goes to that queue instead. */
  queue: { queueId: number; queueName: string } | undefined;
  /**
   * Closed with action `forward:<number>`: the caller is forwarded to that number through the trunk (within the
   * outbound allow-list); `closed` is still set, the fallback when the forward fails.
   */
  forward?: string;
  /** The number's caller menu, when it has one and answers now (see server/hours/caller-menu.ts). */
  menu: MenuPlan | undefined;
}

/** A caller menu ready to play: its options, its prompt files in order, and the queues its digits lead to. */
export interface MenuPlan {
  options: MenuOption[];
  /** The menu's prompt files (one phrase per option), in the number's language (a language option in its own). */
  prompts: string[];
  /** "Sorry, that choice is not valid", in the number's language. */
  invalid: string | undefined;
  /** The queue of each `queue:` option, by digit (an option whose queue is gone is left out of `options`). */
  queues: Map<string, { queueId: number; queueName: string }>;
}

interface Entry extends NumberHours {
  closedAction: string;
  closedTarget: string | null;
  /** The number's longest voicemail, s; null: the server's. */
  voicemailMaxS: number | null;
  greeting: PromptFile | undefined;
  menu: MenuOption[];
  /** Synthesised "For <queue>, press <digit>" of each queue option, by digit, once ready. */
  menuPhrases: Map<string, PromptFile>;
}

/** The file of a text synthesised at run time in `language`: `custom/<hash>` of the words. */
const synthesisedFile = (language: PromptLanguage, text: string) =>
  `custom/${createHash("sha256").update(`${language}\n${text}`).digest("hex").slice(0, 20)}` as PromptFile;

export interface HoursRuntimeDeps {
  clock: Clock;
  /** TIMEZONE: the zone of schedules without their own. */
  zone: string;
  soundsDir: string;
  catalog: PromptCatalog;
  logger: Logger;
  /** Opens or closes a queue in the engine. */
  setQueueOpen(queueId: number, open: boolean): void;
  /** Longest voicemail, s (closed action `voicemail`); default {@link DEFAULT_VOICEMAIL_MAX_S}. */
  voicemailMaxS?: number;
  /** Speech synthesis for greetings (tests replace it). Default espeak-ng + sox. */
  synthesize?: typeof synthesize;
}

export class HoursRuntime {
  private entries = new Map<number, Entry>();
  private queueNames = new Map<string, { id: number; name: string }>();
  private applied = new Map<number, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private synthFailed = false;
  /**
   * Each number's status, valid until its `until`: evaluating a schedule takes milliseconds (time-zone arithmetic
   * over days), so it is done once per boundary, not once per call.
   */
  private statuses = new Map<number, { status: NumberStatus; from: number; until: number }>();
  /** Each queue's hours as last applied (queues without numbers are absent: always open). */
  private queueStates = new Map<number, QueueHoursState>();
  private queueStatesJson = "";
  /**
   * Told each time a queue's hours state changes (at a boundary, or after a reload), with every queue's state: the
   * board and the desks are pushed it (no polling).
   */
  readonly queueHoursChanged = new Set<(states: ReadonlyMap<number, QueueHoursState>) => void>();

  constructor(private readonly deps: HoursRuntimeDeps) {}

  /** Re-reads schedules and number settings, applies the queues' open states and re-arms the timer. */
  async reload(db: Db, queues: ReadonlyArray<{ id: number; name: string }>): Promise<void> {
    const { numbers, organisation: org } = await loadHours(db, this.deps.zone);
    this.deps.catalog.rescan(); // replacements uploaded by an administrator
    const entries = new Map<number, Entry>();
    const synth: Array<[Entry, string, PromptFile]> = [];
    const menuSynth: Array<[Entry, string, string, PromptFile]> = [];
    for (const { row: n, hours } of numbers) {
      const text = n.greeting ?? (org.name ? defaultGreeting(n.language, organisationName(org, n.language)) : undefined);
      const greetingFile = text === undefined ? undefined : synthesisedFile(n.language, text);
      const entry: Entry = {
        ...hours,
        closedAction: n.closedAction,
        closedTarget: n.closedTarget,
        voicemailMaxS: n.voicemailMaxS,
        greeting: greetingFile && this.deps.catalog.durationMs(greetingFile) > 0 ? greetingFile : undefined,
        menu: n.menu,
        menuPhrases: new Map(),
      };
      if (greetingFile && !entry.greeting && text !== undefined) synth.push([entry, text, greetingFile]);
      for (const option of n.menu) {
        const action = parseMenuAction(option.action);
        if (action?.kind !== "queue") continue;
        const phrase = menuQueuePhrase(n.language, action.queueName, option.digit);
        const file = synthesisedFile(n.language, phrase);
        if (this.deps.catalog.durationMs(file) > 0) entry.menuPhrases.set(option.digit, file);
        else menuSynth.push([entry, option.digit, phrase, file]);
      }
      entries.set(n.id, entry);
    }
    this.entries = entries;
    this.statuses.clear();
    this.queueNames = new Map(queues.map((q) => [q.name.toLowerCase(), { id: q.id, name: q.name }]));
    this.apply();
    // Greetings are synthesised off the call path; until one is ready, callers hear the language's standard greeting.
    for (const [entry, text, file] of synth) void this.synthesizeFile(entry, text, file, () => (entry.greeting = file));
    // Likewise each menu's "For <queue>, press <digit>": until ready, the caller hears "Press <digit>".
    for (const [entry, digit, text, file] of menuSynth) void this.synthesizeFile(entry, text, file, () => entry.menuPhrases.set(digit, file));
  }

  private async synthesizeFile(entry: Entry, text: string, file: PromptFile, ready: () => void): Promise<void> {
    if (this.synthFailed) return;
    try {
      await (this.deps.synthesize ?? synthesize)(text, entry.language, path.join(this.deps.soundsDir, `${file}.wav`));
      this.deps.catalog.add(file);
      ready();
    } catch (error) {
      // Without espeak-ng or sox, the standard greeting of the language plays: logged once, not per number.
      this.synthFailed = true;
      this.deps.logger.warn("greeting not synthesised: the standard greeting plays", { error: String(error) });
    }
  }

  /** What a caller of number `numberId` hears now; undefined for a number not loaded (then: standard, open). */
  route(numberId: number): HoursRoute | undefined {
    const entry = this.entries.get(numberId);
    if (!entry) return undefined;
    const now = this.deps.clock.now();
    const status = this.status(entry, now);
    let closed: HoursRoute["closed"];
    let queue: HoursRoute["queue"];
    let forward: string | undefined;
    if (status.state !== "open") {
      const target = entry.closedAction === "queue" && status.state === "closed" ? this.queueNames.get((entry.closedTarget ?? "").toLowerCase()) : undefined;
      if (target) queue = { queueId: target.id, queueName: target.name };
      else {
        // A failed forward falls back to the closed message; voicemail follows a shortened closed message.
        closed = { prompts: closedPromptNames(status, entry.zone, now), endReason: status.state === "closed" ? "closed" : status.state === "not-yet" ? "not-in-service-yet" : "not-in-service-anymore" };
        if (entry.closedAction === "forward" && status.state === "closed" && entry.closedTarget) forward = entry.closedTarget;
        if (entry.closedAction === "voicemail" && status.state === "closed") {
          // The closed message with the next opening, without its "call again... goodbye": the voicemail follows.
          closed.prompts = closed.prompts.filter((p) => p !== "goodbye" && p !== "call-again");
          closed.voicemail = { prompts: [...VOICEMAIL_PROMPTS], goodbye: VOICEMAIL_GOODBYE, maxMs: (entry.voicemailMaxS ?? this.deps.voicemailMaxS ?? DEFAULT_VOICEMAIL_MAX_S) * 1000 };
        }
      }
    }
    const menu = closed || queue || entry.menu.length === 0 ? undefined : this.menuPlan(entry);
    return { language: entry.language, greeting: entry.greeting, closed, queue, menu, ...(forward !== undefined && { forward }) };
  }

  /** The number's menu with its prompt files; options whose queue no longer exists are left out. */
  private menuPlan(entry: Entry): MenuPlan | undefined {
    const { catalog } = this.deps;
    const options: MenuOption[] = [];
    const prompts: string[] = [];
    const queues = new Map<string, { queueId: number; queueName: string }>();
    for (const option of entry.menu) {
      const action = parseMenuAction(option.action);
      const digit = digitName(option.digit);
      let prompt: string | undefined;
      if (action?.kind === "queue") {
        const target = this.queueNames.get(action.queueName.toLowerCase());
        if (!target) continue;
        queues.set(option.digit, { queueId: target.id, queueName: target.name });
        prompt = entry.menuPhrases.get(option.digit) ?? catalog.resolve(entry.language, `menu-press-${digit}`);
      } else if (action?.kind === "language") prompt = catalog.resolve(action.language, `menu-language-${digit}`);
      else if (action?.kind === "callback") prompt = catalog.resolve(entry.language, `menu-callback-${digit}`);
      else continue;
      options.push(option);
      if (prompt) prompts.push(prompt);
    }
    if (options.length === 0) return undefined;
    return { options, prompts, invalid: catalog.resolve(entry.language, "menu-invalid"), queues };
  }

  /** A number's state now (admin page). */
  numberStatus(numberId: number): NumberStatus | undefined {
    const entry = this.entries.get(numberId);
    return entry && this.status(entry, this.deps.clock.now());
  }

  /** Applies open states that changed and arms the timer for the next boundary; the timer calls it, tests may too. */
  apply(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const entries = [...this.entries.values()];
    const statusOf = (n: Entry, at: number) => this.status(n, at);
    const states = queueOpenStates(entries, now, statusOf);
    for (const [queueId, open] of states) {
      if (this.applied.get(queueId) === open) continue;
      this.deps.logger.info(open ? "queue opens (hours)" : "queue closes (hours)", { queueId });
      this.deps.setQueueOpen(queueId, open);
    }
    // A queue that lost its last number is open again.
    for (const queueId of this.applied.keys()) if (!states.has(queueId)) this.deps.setQueueOpen(queueId, true);
    this.applied = states;
    this.publishQueueHours(entries, now, statusOf);
    clearTimeout(this.timer);
    const next = nextBoundary(entries, now, statusOf);
    if (next === undefined) return;
    this.timer = setTimeout(() => this.apply(), Math.min(Math.max(0, next - now), MAX_SLEEP_MS));
    this.timer.unref();
  }

  /** Each queue's hours now (board snapshot, desk on connect). */
  queueHours(): ReadonlyMap<number, QueueHoursState> {
    return this.queueStates;
  }

  private publishQueueHours(entries: Entry[], now: number, statusOf: (n: Entry, at: number) => NumberStatus): void {
    const states = queueHoursStates(entries, now, statusOf);
    const json = JSON.stringify([...states]);
    if (json === this.queueStatesJson) return;
    this.queueStates = states;
    this.queueStatesJson = json;
    for (const listener of this.queueHoursChanged) {
      try {
        listener(states);
      } catch (error) {
        this.deps.logger.error("queue hours listener failed", { error: String(error) });
      }
    }
  }

  private status(entry: Entry, now: number): NumberStatus {
    const cached = this.statuses.get(entry.numberId);
    if (cached && now >= cached.from && now < cached.until) return cached.status;
    const status = numberStatus(entry, now);
    const until = status.state === "ended" ? Infinity : (status.until ?? Infinity);
    this.statuses.set(entry.numberId, { status, from: now, until });
    return status;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
