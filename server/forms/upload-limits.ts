/**
 * The size limits of the files admins upload through server actions, shared by the browser (checked before the file
 * is sent) and the server (checked again in the action). Pure, so client components import it too.
 *
 * Next.js refuses a server action's request body over `experimental.serverActions.bodySizeLimit` (next.config.ts)
 * before the action runs, and the page then fails as a whole ("This page couldn't load"): every upload limit must
 * stay below that bound with room for the multipart framing, so an oversized file always gets its field error.
 * tests/unit/foundation/upload-limits.test.ts checks the bound against next.config.ts and these limits.
 */

/** next.config.ts `experimental.serverActions.bodySizeLimit` (Next's default is "1mb"). */
export const SERVER_ACTION_BODY_LIMIT = "5mb";
/** {@link SERVER_ACTION_BODY_LIMIT} in bytes (Next parses "mb" as 1024 × 1024). */
export const SERVER_ACTION_BODY_BYTES = 5 * 1024 * 1024;

/**
 * A directory CSV import (/admin/directory), bytes: 2000 rows (MAX_IMPORT_ROWS) of up to ~3 KB each would be far
 * more, but 2 KB a row is a rich directory (notes, hours, several phones); the message
 * `formChecks.csvTooLarge` states it as "4 MB".
 */
export const MAX_CSV_BYTES = 4_000_000;

/** A recorded prompt (/admin/hours), bytes; the message `hours.validation.fileSize` states it as "1 MB". */
export const MAX_PROMPT_BYTES = 1_000_000;

/** True when `value` (a form's file field) is a file larger than `maxBytes`. */
export function fileTooLarge(value: FormDataEntryValue | null | undefined, maxBytes: number): boolean {
  return typeof value === "object" && value !== null && value.size > maxBytes;
}
