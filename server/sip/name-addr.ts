/**
 * name-addr / addr-spec header values: From, To, Contact, Route, Record-Route, Reply-To
 * (RFC 3261 §20.10, §25.1).
 * @module
 */
import { fail, ok, type Result } from "./result.js";
import { quote, scanQuotedString, skipWs, TOKEN_PREFIX_RE, unquote } from "./lexical.js";
import { formatParams, parseParams, type Params } from "./params.js";
import { formatUri, parseUri, type Uri } from "./uri.js";

/** A parsed name-addr or addr-spec with its header parameters (e.g. `tag`, `expires`). */
export interface NameAddr {
  /** Display name, unquoted and unescaped; undefined when absent. */
  displayName?: string;
  uri: Uri;
  /** The URI exactly as written between the brackets (or in addr-spec form). */
  uriText: string;
  params: Params;
}

/**
 * Parses one name-addr or addr-spec followed by header parameters.
 *
 * Strict on purpose: no whitespace inside `<...>` (RFC 4475 badaspec), unquoted display names
 * must be tokens (baddn), quoted strings must terminate (quotbal), and an addr-spec (no
 * brackets) may not contain `?` or `,` because RFC 3261 §20.10 requires the bracketed form then
 * (regbadct); in addr-spec form a `;` always starts header parameters.
 */
export function parseNameAddr(value: string): Result<NameAddr> {
  const s = value.trim();
  let i = 0;
  let displayName: string | undefined;
  let bracketed = false;
  if (s[0] === '"') {
    const end = scanQuotedString(s, 0);
    if (end < 0) return fail("unterminated quoted display name");
    displayName = unquote(s.slice(0, end));
    i = skipWs(s, end);
    if (s[i] !== "<") return fail("quoted display name must be followed by <URI>");
    bracketed = true;
  } else if (s[0] === "<") {
    bracketed = true;
  } else {
    // Either `token *(LWS token) <uri>` or a bare addr-spec.
    const words: string[] = [];
    let j = 0;
    for (;;) {
      const word = TOKEN_PREFIX_RE.exec(s.slice(j))?.[0];
      if (!word) break;
      words.push(word);
      j = skipWs(s, j + word.length);
    }
    if (words.length > 0 && s[j] === "<") {
      displayName = words.join(" ");
      i = j;
      bracketed = true;
    }
  }
  let uriText: string;
  let rest: number;
  if (bracketed) {
    const close = s.indexOf(">", i);
    if (close < 0) return fail("missing > after URI");
    uriText = s.slice(i + 1, close);
    rest = close + 1;
  } else {
    const semi = s.indexOf(";");
    uriText = (semi < 0 ? s : s.slice(0, semi)).trim();
    rest = semi < 0 ? s.length : semi;
    if (/[?,]/.test(uriText)) return fail("URI with '?' or ',' must be enclosed in <>");
  }
  if (/[\s<>"]/.test(uriText)) return fail("whitespace or delimiter inside URI");
  const uri = parseUri(uriText);
  if (!uri.ok) return uri;
  const params = parseParams(s, rest);
  if (!params.ok) return params;
  const result: NameAddr = { uri: uri.value, uriText, params: params.value };
  if (displayName !== undefined) result.displayName = displayName;
  return ok(result);
}

/** Formats a name-addr, always in bracketed form (safe for every URI). */
export function formatNameAddr(addr: NameAddr): string {
  const name = addr.displayName !== undefined ? `${quote(addr.displayName)} ` : "";
  return `${name}<${formatUri(addr.uri)}>${formatParams(addr.params)}`;
}

/** Reads the `tag` parameter of a From/To value; undefined when absent or unparseable. */
export function getTag(headerValue: string | undefined): string | undefined {
  if (headerValue === undefined) return undefined;
  const parsed = parseNameAddr(headerValue);
  const tag = parsed.ok ? parsed.value.params.get("tag") : undefined;
  return tag ?? undefined;
}

/** Returns the header value with `;tag=` set (used to add the To-tag, RFC 3261 §8.2.6.2). */
export function withTag(headerValue: string, tag: string): string {
  const parsed = parseNameAddr(headerValue);
  if (!parsed.ok) return `${headerValue};tag=${tag}`;
  parsed.value.params.set("tag", tag);
  return formatNameAddr(parsed.value);
}
