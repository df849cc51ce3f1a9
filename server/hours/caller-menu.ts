/**
 * The caller menu of a number (issue 11, point 4): "For support, press 1; for French, press 2 …". Pure: a state
 * machine fed with what happened (the menu's prompts were started, a digit came, the wait for a digit ran out) that
 * answers with the next step. No clock and no media here: the call path (server/calls/call-menu.ts) plays the
 * prompts, arms the one timer and carries out the choice.
 *
 * Rules:
 * - A digit is taken at any time once the menu started, during its prompts too (barge-in).
 * - A digit that no option has, or no digit within the wait, plays the menu again ("invalid" first for a wrong
 *   digit), at most {@link MENU_REPEATS} more times; after that the caller gets the default choice.
 * - The default choice is the number's own queue in the number's language (what a caller gets without a menu).
 */
import { PROMPT_LANGUAGES, type MenuOption, type PromptLanguage } from "../../db/enums";

/** How many times the menu is played again after a timeout or a wrong digit before the default choice. */
export const MENU_REPEATS = 2;
/** How long the caller has to press a digit once the menu's prompts ended, ms. */
export const MENU_DIGIT_WAIT_MS = 5000;

/** What one digit does. */
export type MenuAction = { kind: "queue"; queueName: string } | { kind: "language"; language: PromptLanguage } | { kind: "callback" };

/** The outcome of a menu: an option the caller pressed, or the default after too many timeouts or wrong digits. */
export type MenuChoice = { kind: "option"; digit: string; action: MenuAction } | { kind: "default"; why: "timeout" | "invalid" };

/** What the call path does next. */
export type MenuStep =
  /** Play the menu (after "invalid" when `invalid`); `round` is 0 for the first time, then 1, 2. */
  | { type: "play"; round: number; invalid: boolean }
  | { type: "chosen"; choice: MenuChoice }
  /** Nothing to do (a digit or timeout after the choice was made). */
  | { type: "none" };

/** Reads a stored option's action (`queue:<name>`, `language:<en|fr|ar>`, `callback`); undefined when unreadable. */
export function parseMenuAction(action: string): MenuAction | undefined {
  if (action === "callback") return { kind: "callback" };
  const [kind, ...rest] = action.split(":");
  const target = rest.join(":").trim();
  if (kind === "queue" && target) return { kind: "queue", queueName: target };
  if (kind === "language" && (PROMPT_LANGUAGES as readonly string[]).includes(target)) return { kind: "language", language: target as PromptLanguage };
  return undefined;
}

/** The prompt-name form of a digit: `1`, `star`, `hash` (file names avoid `*` and `#`). */
export function digitName(digit: string): string {
  return digit === "*" ? "star" : digit === "#" ? "hash" : digit;
}

/** Menu digits: RFC 4733 §3.2 events 0-11 (0-9, *, #). */
export const MENU_DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"] as const;

type MenuState = "idle" | "waiting" | "done";

/** One caller's pass through a menu. Throws on an option list with an unreadable action or a repeated digit. */
export class CallerMenu {
  private state: MenuState = "idle";
  private round = 0;
  readonly options: ReadonlyArray<{ digit: string; action: MenuAction }>;

  constructor(options: readonly MenuOption[]) {
    const seen = new Set<string>();
    this.options = options.map((o) => {
      const action = parseMenuAction(o.action);
      if (!action || seen.has(o.digit)) throw new Error(`bad menu option ${o.digit}=${o.action}`);
      seen.add(o.digit);
      return { digit: o.digit, action };
    });
  }

  get done(): boolean {
    return this.state === "done";
  }

  /** The menu begins: play it. */
  start(): MenuStep {
    if (this.state !== "idle") return { type: "none" };
    this.state = "waiting";
    return { type: "play", round: 0, invalid: false };
  }

  /** The caller pressed `digit`. */
  digit(digit: string): MenuStep {
    if (this.state !== "waiting") return { type: "none" };
    const option = this.options.find((o) => o.digit === digit);
    if (option) return this.choose({ kind: "option", digit, action: option.action });
    return this.again("invalid");
  }

  /** No digit came within the wait after the prompts. */
  timeout(): MenuStep {
    if (this.state !== "waiting") return { type: "none" };
    return this.again("timeout");
  }

  private again(why: "timeout" | "invalid"): MenuStep {
    if (this.round >= MENU_REPEATS) return this.choose({ kind: "default", why });
    this.round += 1;
    return { type: "play", round: this.round, invalid: why === "invalid" };
  }

  private choose(choice: MenuChoice): MenuStep {
    this.state = "done";
    return { type: "chosen", choice };
  }
}
