/**
 * The caller menu's rules (server/hours/caller-menu.ts): a digit chooses its option, also during the prompts; a wrong
 * digit or no digit plays the menu again (twice at most), then the default choice; nothing happens after a choice.
 */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { deskHoursView } from "../../../server/hours/hours-desk";
import { queueHoursStates } from "../../../server/hours/number-hours";
import { CallerMenu, MENU_REPEATS, digitName, parseMenuAction } from "../../../server/hours/caller-menu";
import { parseDtmfLog } from "../../../server/media/dtmf-listener";
import { menuQueuePhrase, pressPhrase, promptTexts } from "../../../server/hours/prompt-texts";

const OPTIONS = [
  { digit: "1", action: "queue:Support" },
  { digit: "2", action: "language:ar" },
  { digit: "9", action: "callback" },
];

describe("caller menu", () => {
  it("plays the menu, then a known digit chooses its option", () => {
    const menu = new CallerMenu(OPTIONS);
    expect(menu.start()).toEqual({ type: "play", round: 0, invalid: false });
    expect(menu.digit("2")).toEqual({ type: "chosen", choice: { kind: "option", digit: "2", action: { kind: "language", language: "ar" } } });
    expect(menu.done).toBe(true);
  });

  it("maps each action: queue, language, callback", () => {
    expect(new CallerMenu(OPTIONS).options.map((o) => o.action)).toEqual([
      { kind: "queue", queueName: "Support" },
      { kind: "language", language: "ar" },
      { kind: "callback" },
    ]);
  });

  it("ignores digits before the start and after the choice", () => {
    const menu = new CallerMenu(OPTIONS);
    expect(menu.digit("1")).toEqual({ type: "none" });
    menu.start();
    expect(menu.digit("9").type).toBe("chosen");
    expect(menu.digit("1")).toEqual({ type: "none" });
    expect(menu.timeout()).toEqual({ type: "none" });
  });

  it("repeats the menu twice on timeouts, then gives the default", () => {
    const menu = new CallerMenu(OPTIONS);
    menu.start();
    expect(menu.timeout()).toEqual({ type: "play", round: 1, invalid: false });
    expect(menu.timeout()).toEqual({ type: "play", round: 2, invalid: false });
    expect(MENU_REPEATS).toBe(2);
    expect(menu.timeout()).toEqual({ type: "chosen", choice: { kind: "default", why: "timeout" } });
  });

  it("says invalid and repeats on an unknown digit; the repeats are shared with timeouts", () => {
    const menu = new CallerMenu(OPTIONS);
    menu.start();
    expect(menu.digit("5")).toEqual({ type: "play", round: 1, invalid: true });
    expect(menu.timeout()).toEqual({ type: "play", round: 2, invalid: false });
    expect(menu.digit("#")).toEqual({ type: "chosen", choice: { kind: "default", why: "invalid" } });
  });

  it("still takes a right digit on the last round", () => {
    const menu = new CallerMenu(OPTIONS);
    menu.start();
    menu.digit("7");
    menu.digit("8");
    expect(menu.digit("1")).toEqual({ type: "chosen", choice: { kind: "option", digit: "1", action: { kind: "queue", queueName: "Support" } } });
  });

  it("refuses unreadable actions and repeated digits", () => {
    expect(() => new CallerMenu([{ digit: "1", action: "language:de" }])).toThrow();
    expect(() => new CallerMenu([{ digit: "1", action: "callback" }, { digit: "1", action: "queue:A" }])).toThrow();
    expect(parseMenuAction("queue:")).toBeUndefined();
    expect(parseMenuAction("queue:Sales: EU")).toEqual({ kind: "queue", queueName: "Sales: EU" });
  });
});

describe("menu prompts", () => {
  it("has each option phrase in the three languages, a language option in its own language", () => {
    expect(promptTexts("en")["menu-callback-9"]).toBe("To leave your number and be called back, press nine.");
    expect(promptTexts("fr")["menu-language-2"]).toBe("Pour le français, appuyez sur la touche deux.");
    expect(promptTexts("ar")["menu-language-2"]).toBe("للعربية، اضغط على الرقم اثنين.");
    expect(promptTexts("en")[`menu-press-${digitName("#")}`]).toBe("Press hash.");
    for (const language of ["en", "fr", "ar"] as const) expect(promptTexts(language)["menu-invalid"]).toBeTruthy();
    expect(menuQueuePhrase("en", "Support", "1")).toBe("For Support, press one.");
    expect(menuQueuePhrase("fr", "Support", "*")).toBe("Pour Support, appuyez sur la touche étoile.");
    expect(pressPhrase("ar", "0")).toBe("اضغط على الرقم صفر");
  });
});

describe("rtpengine's DTMF log", () => {
  it("reads the call id, the tag and the RFC 4733 event as a digit", () => {
    const line = '{"callid":"abc","source_tag":"t1","tags":["t1","t2"],"type":"DTMF","timestamp":1764561600,"source_ip":"127.0.0.1","event":11,"duration":160,"volume":10}';
    expect(parseDtmfLog(line)).toEqual({ callId: "abc", sourceTag: "t1", digit: "#", durationMs: 160, timestamp: 1764561600 });
    expect(parseDtmfLog('{"callid":"abc","event":2}')?.digit).toBe("2");
    expect(parseDtmfLog('{"callid":"abc","event":16}')).toBeUndefined();
    expect(parseDtmfLog('{"event":1}')).toBeUndefined();
    expect(parseDtmfLog("not json")).toBeUndefined();
  });
});

describe("queue hours on the board and the desk", () => {
  const PARIS = "Europe/Paris";
  const base = { zone: PARIS, campaignFrom: null, campaignTo: null, language: "en" as const };
  const spec = (closures: Array<{ from: string; to: string; reason: string }> = []) => ({
    zone: PARIS,
    alwaysOpen: false,
    weekly: [1, 2, 3, 4, 5].map((day) => ({ day: day as 1, startMinute: 9 * 60, endMinute: 18 * 60 })),
    periods: [],
    closures,
  });
  const at = (iso: string) => DateTime.fromISO(iso, { zone: PARIS }).toMillis();

  it("a queue is open while any of its numbers is, closed until the earliest opening, with a closure's reason", () => {
    const numbers = [
      { ...base, numberId: 1, queueId: 10, schedule: spec([{ from: "2026-12-24", to: "2026-12-25", reason: "Christmas" }]) },
      { ...base, numberId: 2, queueId: 20, schedule: spec() },
      { ...base, numberId: 3, queueId: 20, schedule: undefined },
    ];
    const states = queueHoursStates(numbers, at("2026-12-24T10:00"));
    expect(states.get(10)).toEqual({ state: "closed", until: at("2026-12-28T09:00"), closure: "Christmas" });
    expect(states.get(20)).toEqual({ state: "open" });
    expect(queueHoursStates([numbers[1]!], at("2026-12-23T10:00")).get(20)).toEqual({ state: "open", until: at("2026-12-23T18:00") });
  });

  it("the desk: only queues with hours, and allClosed when every queue of the operator is closed", () => {
    const names = new Map([[10, "Admissions"], [20, "Support"]]);
    const states = new Map([[10, { state: "closed" as const, closure: "Christmas" }]]);
    expect(deskHoursView([10], names, states)).toEqual({ allClosed: true, queues: [{ queueId: 10, name: "Admissions", hours: { state: "closed", closure: "Christmas" } }] });
    // Support has no hours: always open, so the operator may still get calls.
    expect(deskHoursView([10, 20], names, states).allClosed).toBe(false);
    expect(deskHoursView([], names, states)).toEqual({ allClosed: false, queues: [] });
  });
});
