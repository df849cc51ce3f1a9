/**
 * Text search helpers shared by prepared answers and the directory: the operator's words as a PostgreSQL
 * tsquery that matches word prefixes (results while typing), and the text-search configuration per language.
 */
import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * pg_trgm word similarity (0-1) from which a misspelt text still matches: `parsel` finds "Where is my parcel?"
 * (0.43); below pg_trgm's own default (0.6), which misses a one-letter typo in a six-letter word.
 */
export const TRIGRAM_THRESHOLD = 0.4;

/** At most this many words of what the operator typed go into the query. */
const MAX_WORDS = 8;

/**
 * The words of `text` (letters and digits of any script, Unicode NFC, lower case) as a tsquery source in which
 * every word is a prefix and all must match: `'rembours':* & 'carte':*`. Undefined when there is no word.
 * Only letters and digits reach the query, so nothing the operator types can change its syntax.
 */
export function prefixTsQuery(text: string): string | undefined {
  const words = text.normalize("NFC").toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  if (words.length === 0) return undefined;
  return words
    .slice(0, MAX_WORDS)
    .map((word) => `'${word}':*`)
    .join(" & ");
}

/** The configuration for a row's language column: english, french, else simple (Arabic has no PostgreSQL dictionary). */
export function configOf(locale: AnyPgColumn): SQL {
  return sql`(case ${locale} when 'en' then 'english'::regconfig when 'fr' then 'french'::regconfig else 'simple'::regconfig end)`;
}

/**
 * Does a row's stored vector match the query in the row's own language? Written as one branch per
 * configuration with a constant configuration each, so PostgreSQL can use the GIN index on the vector.
 */
export function matchesInOwnLanguage(vector: AnyPgColumn, locale: AnyPgColumn, query: string): SQL {
  return sql`((${locale} = 'en' and ${vector} @@ to_tsquery('english', ${query}))
    or (${locale} = 'fr' and ${vector} @@ to_tsquery('french', ${query}))
    or (${locale} not in ('en', 'fr') and ${vector} @@ to_tsquery('simple', ${query})))`;
}
