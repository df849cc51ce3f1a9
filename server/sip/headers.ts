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
];
const CANONICAL = new Map(KNOWN_NAMES.map((n) => [n.toLowerCase(), n] as const));

/**
 * Headers whose ABNF is a comma-separated list (RFC 3261 §7.3.1), so a combined line may be
 * split into one entry per element. Authorization-style headers and Date are excluded on
 * purpose: their values contain commas that are not element separators.
 */
const LIST_HEADERS = new Set(
  [
    "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
    "Call-Info", "Contact", "Content-Encoding", "Content-Language", "Error-Info", "In-Reply-To",
    "Path", "Proxy-Require", "Record-Route", "Require", "Route", "Service-Route", "Supported",
    "Unsupported", "Via", "Warning",
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
 * Splits a header value on commas that are outside quoted strings and angle brackets.
 * Returns every element trimmed, including empty ones, so callers can reject `a,,b`.
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (inQuotes) {
      if (ch === "\\") i++;
      else if (ch === '"') inQuotes = false;
    } else if (ch === '"') inQuotes = true;
    else if (ch === "<") inAngle = true;
    else if (ch === ">") inAngle = false;
    else if (ch === "," && !inAngle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
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
