/**
 * The `Range` request header for one file (RFC 9110 §14.1.2, §14.2): what a media player sends to seek.
 * Only a single byte range is served (a multi-range request gets the whole file, which RFC 9110 §14.2 allows:
 * a server may ignore Range).
 */
export type RangeResult =
  | { kind: "full" }
  | { kind: "partial"; start: number; end: number }
  /** 416 Range Not Satisfiable, with `Content-Range: bytes * /size`. */
  | { kind: "unsatisfiable" };

/** Parses `header` against a file of `size` bytes; `end` is inclusive. */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return { kind: "full" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  // Unknown units, or several ranges: ignored (RFC 9110 §14.2).
  if (!match) return { kind: "full" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "full" };
  if (first === "") {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: "full" };
  return { kind: "partial", start, end };
}
