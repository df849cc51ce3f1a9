/**
 * Header parameters: `*( SEMI generic-param )` after a name-addr, Via or media type
 * (RFC 3261 §25.1 `generic-param = token [ EQUAL gen-value ]`).
 * @module
 */
import { fail, ok, type Result } from "./result.js";
import { scanQuotedString, skipWs, TOKEN_PREFIX_RE } from "./lexical.js";

/**
 * Ordered parameters keyed by lowercase name (parameter names are case-insensitive,
 * RFC 3261 §7.3.1). A value of `null` means a flag parameter (`;lr`). Quoted values keep their
 * quotes so serialisation is lossless; use `unquote` to read them.
 */
export type Params = Map<string, string | null>;

/**
 * Parses `;name[=value]` pairs from `s` starting at `start` until end of string.
 * Empty parameters (`;;`) are rejected: the grammar has no empty generic-param (RFC 4475 badinv01).
 */
export function parseParams(s: string, start: number): Result<Params> {
  const params: Params = new Map();
  let i = skipWs(s, start);
  while (i < s.length) {
    if (s[i] !== ";") return fail(`unexpected character '${s[i] ?? ""}' before parameter`);
    i = skipWs(s, i + 1);
    const name = TOKEN_PREFIX_RE.exec(s.slice(i))?.[0];
    if (!name) return fail("empty or invalid parameter name");
    i = skipWs(s, i + name.length);
    let value: string | null = null;
    if (s[i] === "=") {
      i = skipWs(s, i + 1);
      if (s[i] === '"') {
        const end = scanQuotedString(s, i);
        if (end < 0) return fail(`unterminated quoted value for parameter ${name}`);
        value = s.slice(i, end);
        i = end;
      } else if (s[i] === "[") {
        const end = s.indexOf("]", i);
        if (end < 0 || !/^\[[0-9A-Fa-f:.]+\]$/.test(s.slice(i, end + 1))) return fail(`invalid IPv6 value for ${name}`);
        value = s.slice(i, end + 1);
        i = end + 1;
      } else {
        value = TOKEN_PREFIX_RE.exec(s.slice(i))?.[0] ?? "";
        if (!value) return fail(`empty value for parameter ${name}`);
        i += value.length;
      }
      i = skipWs(s, i);
    }
    const key = name.toLowerCase();
    if (params.has(key)) return fail(`duplicate parameter ${name}`);
    params.set(key, value);
  }
  return ok(params);
}

/** Serialises parameters back to `;a=b;c` form. */
export function formatParams(params: Params): string {
  let out = "";
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}
