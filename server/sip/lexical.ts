/**
 * RFC 3261 §25.1 lexical building blocks shared by the header-value parsers.
 * @module
 */

/** `token` (RFC 3261 §25.1): method names, header names, parameter names. */
export const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** Prefix form of {@link TOKEN_RE} for scanners. */
export const TOKEN_PREFIX_RE = /^[A-Za-z0-9\-.!%*_+`'~]+/;

export function isToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

/**
 * Reads a quoted-string starting at `start` (which must be `"`). Returns the index just after
 * the closing quote, or -1 when unterminated or when it contains characters the grammar
 * forbids (raw CR/LF, or a quoted-pair escaping CR/LF).
 */
export function scanQuotedString(s: string, start: number): number {
  if (s[start] !== '"') return -1;
  for (let i = start + 1; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 0x5c) {
      const next = s.charCodeAt(i + 1);
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      if (Number.isNaN(next) || next === 0x0a || next === 0x0d || next > 0x7f) return -1;
      i++;
    } else if (code === 0x22) return i + 1;
    else if (code === 0x0a || code === 0x0d || (code < 0x20 && code !== 0x09) || code === 0x7f) return -1;
  }
  return -1;
}

/** Removes surrounding quotes and quoted-pair escapes; returns the input unchanged if unquoted. */
export function unquote(s: string): string {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return s;
  return s.slice(1, -1).replace(/\\([\s\S])/g, "$1");
}

/** Quotes a display name or parameter value as a quoted-string. */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Skips SP/HTAB (LWS after unfolding) from `i`. */
export function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  return i;
}

/**
 * Decodes %HH escapes (RFC 3261 §19.1.4 compares URIs unescaped). Bytes are interpreted as
 * UTF-8; %00 survives as U+0000, which is legal inside a SIP user part (RFC 4475 escnull).
 */
export function percentDecode(s: string): string {
  if (!s.includes("%")) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? "";
    if (ch === "%" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(ch, "utf8")) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

const CONTROL_CHARS_RE = /[\u0000-\u001f\u007f-\u009f]/g;
const ESCAPE_RUN_RE = /(?:%[0-9A-Fa-f]{2})+/g;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Length of the UTF-8 sequence a lead byte announces (RFC 3629 §4), 0 for a byte that cannot lead one. */
function utf8SequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Decodes one run of `%HH` escapes: valid UTF-8 sequences become characters, any other byte keeps its escape. */
function decodeEscapeRun(run: string): string {
  const bytes = Buffer.from(run.replace(/%/g, ""), "hex");
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes[i] ?? 0);
    if (length > 0 && i + length <= bytes.length) {
      try {
        out += strictUtf8.decode(bytes.subarray(i, i + length));
        i += length;
        continue;
      } catch {
        // Not a valid sequence (bad continuation, overlong, surrogate): keep the lead byte escaped.
      }
    }
    out += run.slice(3 * i, 3 * i + 3);
    i += 1;
  }
  return out;
}

/**
 * Tolerant percent-decoder for the user part of a SIP URI (a caller or dialled number, RFC 3261
 * §19.1.2 `user`), for display and routing. Never throws, whatever the input:
 * - escapes that form valid UTF-8 (RFC 3629) are decoded (`%2B33` -> `+33`, `J%C3%A9r%C3%B4me` -> `Jérôme`);
 * - escapes of bytes that are not valid UTF-8 (Latin-1 `J%E9r%F4me`, truncated or overlong
 *   sequences, surrogates) are kept as written (`J%E9r%F4me` stays `J%E9r%F4me`), so nothing is
 *   lost or guessed;
 * - control characters (C0, DEL, C1: U+0000-U+001F, U+007F-U+009F), escaped or not, are removed,
 *   so a decoded user part can never split a log line or a header.
 * Use it wherever a URI user part is decoded, never `decodeURIComponent` (which throws URIError
 * on `%E9`). For comparing URIs per §19.1.4 use {@link percentDecode}.
 */
export function decodeUserPart(user: string): string {
  const decoded = user.includes("%") ? user.replace(ESCAPE_RUN_RE, decodeEscapeRun) : user;
  return decoded.replace(CONTROL_CHARS_RE, "");
}
