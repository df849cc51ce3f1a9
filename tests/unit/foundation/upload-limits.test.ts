import { describe, expect, it } from "vitest";
import nextConfig from "../../../next.config";
import { MAX_CSV_BYTES, MAX_PROMPT_BYTES, SERVER_ACTION_BODY_BYTES, SERVER_ACTION_BODY_LIMIT, fileTooLarge } from "../../../server/forms/upload-limits";
import { MAX_UPLOAD_BYTES } from "../../../server/hours/prompt-upload";
import { LOCALES } from "../../../server/i18n/locales";
import { MESSAGES } from "../../../server/i18n/messages";

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
  it("next.config.ts sets the body limit stated in server/forms/upload-limits.ts", () => {
    expect(nextConfig.experimental?.serverActions?.bodySizeLimit).toBe(SERVER_ACTION_BODY_LIMIT);
    expect(limitBytes(SERVER_ACTION_BODY_LIMIT)).toBe(SERVER_ACTION_BODY_BYTES);
  });

  it.each([
    ["directory CSV import", "file", MAX_CSV_BYTES],
    ["prompt upload", "file", MAX_PROMPT_BYTES],
  ])("a %s at its limit fits in one server action request, so a larger file gets the field error, not a failed page", async (_what, name, max) => {
    expect(await actionBodyBytes(name, max)).toBeLessThanOrEqual(SERVER_ACTION_BODY_BYTES);
  });

  it("the prompt upload's server check is the shared limit; the browser check refuses only what is over it", () => {
    expect(MAX_UPLOAD_BYTES).toBe(MAX_PROMPT_BYTES);
    expect(fileTooLarge(new File([new Uint8Array(MAX_CSV_BYTES)], "a.csv"), MAX_CSV_BYTES)).toBe(false);
    expect(fileTooLarge(new File([new Uint8Array(MAX_CSV_BYTES + 1)], "a.csv"), MAX_CSV_BYTES)).toBe(true);
    expect(fileTooLarge("text", 1)).toBe(false);
    expect(fileTooLarge(null, 1)).toBe(false);
  });

  it.each(LOCALES)("the %s messages state the limits in MB", (locale) => {
    const messages = MESSAGES[locale] as unknown as { formChecks: { csvTooLarge: string }; hours: { validation: { fileSize: string } } };
    expect(messages.formChecks.csvTooLarge).toContain(String(MAX_CSV_BYTES / 1_000_000));
    expect(messages.hours.validation.fileSize).toContain(String(MAX_PROMPT_BYTES / 1_000_000));
  });
});
