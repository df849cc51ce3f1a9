/**
 * Ordered, case-insensitive header multimap.
 *
 * Order matters in SIP: Via and Route are processed top-down (RFC 3261 §7.3.1 allows
 * reordering only of different field names), so entries keep the order they arrived in.
 * @module
 */

/** RFC 3261 §7.3.3 compact forms (plus RFC 3265/3515/3841 ones seen in the wild). */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: "Call-ID",
  m: "Contact",
  e: "Content-Encoding",
  l: "Content-Length",
  c: "Content-Type",
  f: "From",
  s: "Subject",
  k: "Supported",
  t: "To",
  v: "Via",
  o: "Event",
  r: "Refer-To",
  u: "Allow-Events",
  b: "Referred-By",
  x: "Session-Expires",
};

const KNOWN_NAMES = [
  "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
  "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact", "Content-Disposition",
  "Content-Encoding", "Content-Language", "Content-Length", "Content-Type", "CSeq", "Date",
  "Error-Info", "Event", "Expires", "From", "In-Reply-To", "Max-Forwards", "Min-Expires",
  "MIME-Version", "Organization", "Path", "Priority", "Proxy-Authenticate", "Proxy-Authorization",
  "Proxy-Require", "RAck", "Record-Route", "Refer-To", "Referred-By", "Reply-To", "Require",
  "Retry-After", "Route", "RSeq", "Server", "Service-Route", "Session-Expires", "Subject",
  "Supported", "Timestamp", "To", "Unsupported", "User-Agent", "Via", "Warning", "WWW-Authenticate",
  "P-Asserted-Identity", "P-Preferred-Identity", "Privacy", "Diversion", "History-Info", "Remote-Party-ID",
  "Reason", "Accept-Contact", "Reject-Contact", "Request-Disposition", "Security-Client", "Security-Server",
  "Security-Verify", "P-Associated-URI", "P-Early-Media", "Recv-Info", "Resource-Priority",
  "Accept-Resource-Priority", "Geolocation", "Feature-Caps", "Min-SE", "Replaces",
];
const CANONICAL = new Map(KNOWN_NAMES.map((n) => [n.toLowerCase(), n] as const));

/**
 * Headers whose ABNF is a comma-separated list (RFC 3261 §7.3.1), so a combined line may be
 * split into one entry per element: RFC 3261 §20 (Via, Route, Record-Route, Contact, Allow,
 * Supported, Require, Proxy-Require, Unsupported, Accept...), RFC 3325 §9.1 (P-Asserted-Identity,
 * P-Preferred-Identity), RFC 3326 (Reason), RFC 5806 (Diversion), RFC 7044 (History-Info),
 * RFC 3841 (Accept-/Reject-Contact, Request-Disposition), RFC 3329 (Security-*), RFC 3455
 * (P-Associated-URI), RFC 5009 (P-Early-Media), RFC 6086 (Recv-Info), RFC 4412
 * (Resource-Priority), RFC 6442 (Geolocation), RFC 6809 (Feature-Caps), Remote-Party-ID (draft).
 * Authorization-style headers and Date are excluded on purpose: their values contain commas that
 * are not element separators; Privacy separates its values with `;` (RFC 3323 §4.2).
 */
const LIST_HEADERS = new Set(
  [
    "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
    "Call-Info", "Contact", "Content-Encoding", "Content-Language", "Error-Info", "In-Reply-To",
    "Path", "Proxy-Require", "Record-Route", "Require", "Route", "Service-Route", "Supported",
    "Unsupported", "Via", "Warning",
    "P-Asserted-Identity", "P-Preferred-Identity", "Reason", "Diversion", "History-Info",
    "Remote-Party-ID", "Accept-Contact", "Reject-Contact", "Request-Disposition", "Security-Client",
    "Security-Server", "Security-Verify", "P-Associated-URI", "P-Early-Media", "Recv-Info",
    "Resource-Priority", "Accept-Resource-Priority", "Geolocation", "Feature-Caps",
  ].map((n) => n.toLowerCase()),
);

/**
 * Normalises a header name: compact forms expand (RFC 3261 §7.3.3), known names get their
 * canonical spelling, unknown names keep the spelling they were received with.
 */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT_FORMS[lower] ?? CANONICAL.get(lower) ?? name;
}

/** True when the header's grammar is a comma-separated list that may be split (RFC 3261 §7.3.1). */
export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(canonicalHeaderName(name).toLowerCase());
}

/**
 * Splits a header value on the commas that separate list elements (RFC 3261 §7.3.1): a comma
 * inside a quoted-string (with its `\\` quoted-pairs, §25.1) or inside `<...>` (a URI, where a
 * comma may appear in the user part or a parameter) does not split, and a `"` inside `<...>` does
 * not open a quoted-string. Returns every element trimmed of SP/HTAB, including empty ones, so
 * callers can reject `a,,b`. An unterminated quote or bracket keeps the rest as one element.
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let state: "plain" | "quoted" | "angle" = "plain";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (state === "quoted") {
      if (ch === "\\") i++;
      else if (ch === '"') state = "plain";
    } else if (state === "angle") {
      if (ch === ">") state = "plain";
    } else if (ch === '"') state = "quoted";
    else if (ch === "<") state = "angle";
    else if (ch === ",") {
      out.push(trimLws(value.slice(start, i)));
      start = i + 1;
    }
  }
  out.push(trimLws(value.slice(start)));
  return out;
}

/** Trims SP/HTAB only (LWS after unfolding); String#trim would also eat Unicode spaces. */
function trimLws(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, "");
}

/** One header line as stored: canonical name and raw (unfolded, trimmed) value. */
export interface HeaderEntry {
  readonly name: string;
  readonly value: string;
}

/** Ordered multimap of SIP headers with case-insensitive, compact-form-aware lookup. */
export class Headers implements Iterable<HeaderEntry> {
  private entries: HeaderEntry[] = [];

  constructor(init?: Iterable<readonly [string, string]>) {
    if (init) for (const [n, v] of init) this.append(n, v);
  }

  /** Number of entries (one per value, not per name). */
  get size(): number {
    return this.entries.length;
  }

  /** First value for `name`, or undefined. */
  get(name: string): string | undefined {
    const key = canonicalHeaderName(name).toLowerCase();
    return this.entries.find((e) => e.name.toLowerCase() === key)?.value;
  }

  /** All values for `name`, in order. */
  getAll(name: string): string[] {
    const key = canonicalHeaderName(name).toLowerCase();
    return this.entries.filter((e) => e.name.toLowerCase() === key).map((e) => e.value);
  }

  /**
   * Every element of a list header, in order, across all its lines (RFC 3261 §7.3.1: `a, b` on one
   * line is the same as two lines): each stored value is split with {@link splitHeaderList}, so
   * commas inside quoted strings and `<...>` stay inside their element; empty elements are
   * dropped. Use it for Via, Route, Record-Route, P-Asserted-Identity, Supported, Require, Allow,
   * Proxy-Require, Accept and the other list headers; it works whether or not the parser already
   * split the line (headers built in code are stored as written). Returns [] when absent.
   * Elements keep their spelling: compare them as their RFC says.
   */
  getList(name: string): string[] {
    return this.getAll(name).flatMap((value) => splitHeaderList(value).filter((element) => element !== ""));
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Adds an entry after all existing ones. */
  append(name: string, value: string): this {
    this.entries.push({ name: canonicalHeaderName(name), value });
    return this;
  }

  /** Adds an entry before all existing ones (e.g. a proxy's own Via or a Record-Route). */
  prepend(name: string, value: string): this {
    this.entries.unshift({ name: canonicalHeaderName(name), value });
    return this;
  }

  /** Replaces every value of `name` with one value, keeping the position of the first one. */
  set(name: string, value: string): this {
    const canonical = canonicalHeaderName(name);
    const key = canonical.toLowerCase();
    const index = this.entries.findIndex((e) => e.name.toLowerCase() === key);
    this.remove(name);
    const entry = { name: canonical, value };
    if (index < 0) this.entries.push(entry);
    else this.entries.splice(index, 0, entry);
    return this;
  }

  /** Replaces only the first value of `name` (e.g. rewriting the topmost Via). */
  setFirst(name: string, value: string): this {
    const key = canonicalHeaderName(name).toLowerCase();
    const index = this.entries.findIndex((e) => e.name.toLowerCase() === key);
    if (index < 0) return this.append(name, value);
    const current = this.entries[index];
    if (current) this.entries[index] = { name: current.name, value };
    return this;
  }

  /** Removes every value of `name`. */
  remove(name: string): this {
    const key = canonicalHeaderName(name).toLowerCase();
    this.entries = this.entries.filter((e) => e.name.toLowerCase() !== key);
    return this;
  }

  /** Removes only the first value of `name` (e.g. popping the top Via of a response). */
  removeFirst(name: string): this {
    const key = canonicalHeaderName(name).toLowerCase();
    const index = this.entries.findIndex((e) => e.name.toLowerCase() === key);
    if (index >= 0) this.entries.splice(index, 1);
    return this;
  }

  clone(): Headers {
    const copy = new Headers();
    copy.entries = [...this.entries];
    return copy;
  }

  [Symbol.iterator](): Iterator<HeaderEntry> {
    return this.entries[Symbol.iterator]();
  }
}
