import { describe, expect, it } from "vitest";
import nextConfig from "../../../next.config";
import { MAX_CSV_BYTES, MAX_IMPORT_ROWS, MAX_PROMPT_BYTES, SERVER_ACTION_BODY_BYTES, SERVER_ACTION_BODY_LIMIT, fileTooLarge, limitMessageValues, oversizedFiles } from "../../../server/forms/upload-limits";
import { LOCALES } from "../../../server/i18n/locales";
import { translatorFor } from "../../../server/i18n/messages";

/** The bytes of a server action's request carrying `file` as `name`, as the browser sends it (multipart). */
async function actionBodyBytes(name: string, bytes: number): Promise<number> {
  const form = new FormData();
  // React's own fields of a server action form, then the form's.
  form.set("1_$ACTION_ID_0123456789abcdef0123456789abcdef01234567", "");
  form.set("0", JSON.stringify(["$K1"]));
  form.set(name, new File([new Uint8Array(bytes)], "x".repeat(200) + ".csv", { type: "text/csv" }));
  return (await new Response(form).arrayBuffer()).byteLength;
}

/** "5mb" -> bytes, as Next parses a size limit (the `bytes` package: 1 mb = 1024 × 1024). */
function limitBytes(limit: string): number {
  const m = /^(\d+)(kb|mb)$/.exec(limit);
  if (!m) throw new Error(`unreadable limit ${limit}`);
  return Number(m[1]) * (m[2] === "mb" ? 1024 * 1024 : 1024);
}

describe("upload limits under the server actions' body limit", () => {
  it("next.config.ts loads (it imports the body limit) and SERVER_ACTION_BODY_BYTES is that limit in bytes", () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBeDefined();
    expect(limitBytes(SERVER_ACTION_BODY_LIMIT)).toBe(SERVER_ACTION_BODY_BYTES);
  });

  it.each([
    ["directory CSV import", "file", MAX_CSV_BYTES],
    ["prompt upload", "file", MAX_PROMPT_BYTES],
  ])("a %s at its limit fits in one server action request, so a larger file gets the field error, not a failed page", async (_what, name, max) => {
    expect(await actionBodyBytes(name, max)).toBeLessThanOrEqual(SERVER_ACTION_BODY_BYTES);
  });

  it("the browser check refuses only what is over the limit, naming the field and its message", () => {
    expect(fileTooLarge(new File([new Uint8Array(MAX_CSV_BYTES)], "a.csv"), MAX_CSV_BYTES)).toBe(false);
    expect(fileTooLarge(new File([new Uint8Array(MAX_CSV_BYTES + 1)], "a.csv"), MAX_CSV_BYTES)).toBe(true);
    expect(fileTooLarge("text", 1)).toBe(false);
    expect(fileTooLarge(null, 1)).toBe(false);
    const form = new FormData();
    form.set("small", new File([new Uint8Array(10)], "a.wav"));
    form.set("big", new File([new Uint8Array(11)], "b.wav"));
    const fields = [
      { name: "small", maxBytes: 10 },
      { name: "big", maxBytes: 10, tooLarge: "hours.validation.fileSize" },
      { name: "free" },
    ];
    expect(oversizedFiles(form, fields)).toEqual({ big: "hours.validation.fileSize" });
    expect(oversizedFiles(form, [{ name: "big", maxBytes: 10 }])).toEqual({ big: "formChecks.fileTooLarge" });
  });

  it.each(LOCALES)("the %s messages state the limits given as arguments, in MB and rows", (locale) => {
    const t = translatorFor(locale) as unknown as (key: string, values?: Record<string, string>) => string;
    const say = (key: string) => t(key, limitMessageValues(key));
    expect(say("formChecks.csvTooLarge")).toContain(String(MAX_CSV_BYTES / 1_000_000));
    expect(say("formChecks.csvTooLarge")).toContain(String(MAX_IMPORT_ROWS));
    expect(say("validation.csvTooLarge")).toContain(String(MAX_IMPORT_ROWS));
    for (const key of ["hours.validation.fileSize", "hours.fileHint", "hours.promptsIntro"]) expect(say(key)).toContain(String(MAX_PROMPT_BYTES / 1_000_000));
    expect(limitMessageValues("hours.title")).toBeUndefined();
  });
});
