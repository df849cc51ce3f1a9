/**
 * The size limits of the files admins upload through server actions, shared by the browser (checked before the file
 * is sent) and the server (checked again in the action). Pure, so client components import it too.
 *
 * Next.js refuses a server action's request body over `experimental.serverActions.bodySizeLimit` (next.config.ts)
 * before the action runs, and the page then fails as a whole ("This page couldn't load"): every upload limit must
 * stay below that bound with room for the multipart framing, so an oversized file always gets its field error.
 * next.config.ts imports {@link SERVER_ACTION_BODY_LIMIT}; tests/unit/foundation/upload-limits.test.ts checks the
 * limits against it. The messages that state a limit take it as an ICU argument ({@link limitMessageValues}).
 */

/** next.config.ts `experimental.serverActions.bodySizeLimit` (Next's default is "1mb"). */
export const SERVER_ACTION_BODY_LIMIT = "5mb";
/** {@link SERVER_ACTION_BODY_LIMIT} in bytes (Next parses "mb" as 1024 × 1024). */
export const SERVER_ACTION_BODY_BYTES = 5 * 1024 * 1024;

/** Rows of one directory CSV import (server/directory/directory-service.ts). */
export const MAX_IMPORT_ROWS = 2000;

/**
 * A directory CSV import (/admin/directory), bytes: {@link MAX_IMPORT_ROWS} rows of up to ~3 KB each would be far
 * more, but 2 KB a row is a rich directory (notes, hours, several phones).
 */
export const MAX_CSV_BYTES = 4_000_000;

/** A recorded prompt (/admin/hours), bytes. */
export const MAX_PROMPT_BYTES = 1_000_000;

/** Bytes as the messages' "MB" (10^6 bytes), e.g. "4". */
const megabytes = (bytes: number) => String(bytes / 1_000_000);

/**
 * The ICU values of the messages that state a limit, by full message key: `mb` (as text, so the number reads as
 * the limit is written, e.g. "4", in every language) and `rows`.
 */
const LIMIT_MESSAGE_VALUES: Readonly<Record<string, Record<string, string>>> = {
  "formChecks.csvTooLarge": { mb: megabytes(MAX_CSV_BYTES), rows: String(MAX_IMPORT_ROWS) },
  "validation.csvTooLarge": { rows: String(MAX_IMPORT_ROWS) },
  "hours.validation.fileSize": { mb: megabytes(MAX_PROMPT_BYTES) },
  "hours.fileHint": { mb: megabytes(MAX_PROMPT_BYTES) },
  "hours.promptsIntro": { mb: megabytes(MAX_PROMPT_BYTES) },
};

/** The values message `key` needs to state its limit; undefined for a message that states none. */
export function limitMessageValues(key: string): Record<string, string> | undefined {
  return Object.hasOwn(LIMIT_MESSAGE_VALUES, key) ? LIMIT_MESSAGE_VALUES[key] : undefined;
}

/** True when `value` (a form's file field) is a file larger than `maxBytes`. */
export function fileTooLarge(value: FormDataEntryValue | null | undefined, maxBytes: number): boolean {
  return typeof value === "object" && value !== null && value.size > maxBytes;
}

/**
 * The browser's check before a form with files is sent: each of `fields` whose file is over its `maxBytes`, with
 * its `tooLarge` message key (default `formChecks.fileTooLarge`), as field name -> key; empty when all fit.
 */
export function oversizedFiles(form: FormData, fields: ReadonlyArray<{ name: string; maxBytes?: number; tooLarge?: string }>): Record<string, string> {
  return Object.fromEntries(fields.flatMap((f) => (f.maxBytes !== undefined && fileTooLarge(form.get(f.name), f.maxBytes) ? [[f.name, f.tooLarge ?? "formChecks.fileTooLarge"]] : [])));
}
