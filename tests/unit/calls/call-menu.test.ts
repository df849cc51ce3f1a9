/**
 * A caller menu on a call (server/calls/call-menu.ts), with fake timers: the prompts play one after the other, a
 * digit during them stops the rest, no digit within the wait plays the menu again (twice), then the default; a
 * wrong digit is told "invalid"; a cancelled run plays nothing more.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CallMenuRun } from "../../../server/calls/call-menu";
import { MENU_DIGIT_WAIT_MS, type MenuChoice } from "../../../server/hours/caller-menu";
import type { MenuPlan } from "../../../server/hours/hours-runtime";

const PLAN: MenuPlan = {
  options: [
    { digit: "1", action: "queue:Support" },
    { digit: "2", action: "language:fr" },
  ],
  prompts: ["custom/support-1", "fr/menu-language-2"],
  invalid: "en/menu-invalid",
  queues: new Map([["1", { queueId: 1, queueName: "Support" }]]),
};

function run() {
  const played: string[] = [];
  const chosen: MenuChoice[] = [];
  const menu = new CallMenuRun(PLAN, {
    play: (sound) => played.push(sound),
    durationMs: () => 1000,
    log: () => {},
    chosen: (choice) => chosen.push(choice),
  });
  return { menu, played, chosen };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("a caller menu on a call", () => {
  it("plays the option phrases one after the other, and a digit during them ends the menu", () => {
    const { menu, played, chosen } = run();
    menu.start();
    vi.advanceTimersByTime(0);
    expect(played).toEqual(["custom/support-1"]);
    menu.digit("2");
    vi.advanceTimersByTime(60_000);
    expect(played).toEqual(["custom/support-1"]);
    expect(chosen).toEqual([{ kind: "option", digit: "2", action: { kind: "language", language: "fr" } }]);
    expect(menu.done).toBe(true);
  });

  it("without a digit: the menu three times in all, then the default", () => {
    const { menu, played, chosen } = run();
    menu.start();
    const round = 2000 + MENU_DIGIT_WAIT_MS;
    vi.advanceTimersByTime(round * 3 - 1);
    expect(played).toHaveLength(6);
    expect(chosen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(chosen).toEqual([{ kind: "default", why: "timeout" }]);
  });

  it("a wrong digit is told invalid before the menu again", () => {
    const { menu, played } = run();
    menu.start();
    vi.advanceTimersByTime(2500);
    menu.digit("7");
    vi.advanceTimersByTime(2500);
    expect(played).toEqual(["custom/support-1", "fr/menu-language-2", "en/menu-invalid", "custom/support-1", "fr/menu-language-2"]);
  });

  it("plays nothing more once cancelled (the caller hung up)", () => {
    const { menu, played, chosen } = run();
    menu.start();
    vi.advanceTimersByTime(0);
    menu.cancel();
    vi.advanceTimersByTime(60_000);
    expect(played).toEqual(["custom/support-1"]);
    expect(chosen).toEqual([]);
  });
});
