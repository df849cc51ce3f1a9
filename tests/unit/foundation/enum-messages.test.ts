/**
 * Every enum value a user sees has a label in EN, FR and AR: call outcomes (outbound ones too), the call event
 * types the server writes (the call timeline), the reasons the engine gives operator state changes (desk, board),
 * the desk's operator statuses and last-call outcomes. The lists are checked against the sources that write the
 * values, so a value added without a message fails here rather than showing `callLog.outcomes.busy` to a user.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CALL_TRANSITIONS } from "../../../app/desk/call-state-machine";
import { CALL_DIRECTIONS, CALL_OUTCOMES, ENDED_BY } from "../../../db/schema";
import { CALL_EVENT_TYPES, describeCallEvent } from "../../../server/calls/call-event-text";
import { LOCALES } from "../../../server/i18n/locales";
import { MESSAGES, translatorFor } from "../../../server/i18n/messages";
import { OPERATOR_STATE_REASONS, OperatorStatus } from "../../../server/queue/operator-state";

const ROOT = path.resolve(__dirname, "../../..");

function lookup(messages: unknown, key: string): unknown {
  // Message keys nest on dots, except that a value's own dots (`call.transferred`) nest too.
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), messages);
}

/** The keys missing from any language, as "<locale>: <key>". */
function missing(keys: readonly string[]): string[] {
  return LOCALES.flatMap((locale) => keys.filter((key) => typeof lookup(MESSAGES[locale], key) !== "string").map((key) => `${locale}: ${key}`));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === "node_modules" || name === "migrations" ? [] : sources(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

describe("enum labels in every language", () => {
  it("call outcomes (inbound and outbound), directions and who ended a call", () => {
    expect(CALL_OUTCOMES).toContain("busy");
    expect(missing(CALL_OUTCOMES.map((o) => `callLog.outcomes.${o}`))).toEqual([]);
    expect(missing(CALL_DIRECTIONS.map((d) => `callLog.directions.${d}`))).toEqual([]);
    expect(missing(ENDED_BY.map((e) => `callLog.endedByValues.${e}`))).toEqual([]);
  });

  it("call event types: each written type is listed, and each listed one has a sentence", () => {
    const written = new Set<string>();
    for (const file of [...sources(path.join(ROOT, "server")), ...sources(path.join(ROOT, "db"))]) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/["`](call\.[a-z][a-z-]*)["`]/g)) written.add(match[1]!);
      // Other families reach the call timeline when written with a call id.
      for (const match of text.matchAll(/type: "(queue\.[a-z-]+)", callId/g)) written.add(match[1]!);
    }
    // The engine's record entries become `call.<kind without "call-">` (server/calls/call-records.ts).
    const effects = read("server/queue/engine-effects.ts");
    const entries = effects.slice(effects.indexOf("export type RecordEntry"), effects.indexOf("export type Effect"));
    for (const match of entries.matchAll(/kind: "([a-z-]+)"/g)) written.add(`call.${match[1]!.replace(/^call-/, "")}`);
    expect(written.size).toBeGreaterThan(30);
    expect([...written].filter((type) => !(CALL_EVENT_TYPES as readonly string[]).includes(type))).toEqual([]);
    expect(missing(CALL_EVENT_TYPES.map((type) => `callEvents.${type}`).concat("callEvents.generic"))).toEqual([]);
  });

  it("every event sentence formats in every language with the values describeCallEvent gives (no ICU error, no raw key)", () => {
    const names = { queue: (id: number) => `Queue ${id}`, operator: (id: number) => `Op ${id}` };
    for (const locale of LOCALES) {
      const t = translatorFor(locale);
      const errors: string[] = [];
      const tt = (key: string, values: Record<string, string>) => {
        try {
          return (t as unknown as (k: string, v: Record<string, string>) => string)(`callEvents.${key}`, values);
        } catch (error) {
          errors.push(`${locale} ${key}: ${String(error)}`);
          return "";
        }
      };
      for (const type of CALL_EVENT_TYPES) {
        const sentence = describeCallEvent({ type, data: {}, operatorName: "Amina" }, names, () => "1:00");
        const out = tt(sentence.key, sentence.values);
        expect(out, `${locale} ${type}`).not.toContain("callEvents");
        expect(out, `${locale} ${type}`).not.toMatch(/[{}]/);
      }
      expect(errors).toEqual([]);
    }
  });

  it("operator state reasons the engine gives, on the desk and the board", () => {
    const engine = read("server/queue/dispatch-engine.ts");
    const given = new Set<string>(["presence"]);
    for (const match of engine.matchAll(/(?:settle|afterTalk|requestPause)\([^;]*?"([a-z-]+)"\)/g)) given.add(match[1]!);
    for (const match of engine.matchAll(/setPause\(op, \{ reason: "([a-z-]+)"/g)) given.add(match[1]!);
    for (const match of engine.matchAll(/withdrawOffer\([^)]*reason: ((?:"[a-z-]+"(?: \| )?)+)/g)) for (const r of match[1]!.matchAll(/"([a-z-]+)"/g)) given.add(r[1]!);
    for (const match of read("server/calls/desk-bridge.ts").matchAll(/reason: [^;]*?\?\? "([a-z-]+)"/g)) given.add(match[1]!);
    expect(given).toContain("call-transferred");
    expect(given).toContain("not-ready");
    expect([...given].filter((reason) => !(OPERATOR_STATE_REASONS as readonly string[]).includes(reason))).toEqual([]);
    expect(missing(OPERATOR_STATE_REASONS.map((reason) => `operatorStatus.reasons.${reason}`))).toEqual([]);
  });

  it("operator statuses and the desk's last-call outcomes", () => {
    expect(missing(Object.values(OperatorStatus).map((status) => `operatorStatus.status.${status}`))).toEqual([]);
    const outcomes = new Set(Object.values(CALL_TRANSITIONS).flatMap((moves) => Object.keys(moves)));
    for (const event of ["offer", "dial", "answered"]) outcomes.delete(event);
    expect(outcomes).toContain("transferred");
    expect(missing([...outcomes].map((outcome) => `softphone.outcome.${outcome}`))).toEqual([]);
  });
});
