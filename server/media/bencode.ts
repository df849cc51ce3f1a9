/**
 * Bencode codec for rtpengine's ng control protocol.
 *
 * The ng protocol only uses byte strings, integers, lists and dictionaries, so this is a small strict codec over
 * Buffers rather than a dependency. Decoding is defensive because the bytes come from the network: nesting depth
 * is bounded, lengths are checked against the buffer, and malformed input raises {@link BencodeError} instead of
 * returning half-parsed data.
 */

/** A value that can be bencoded. `undefined` dictionary entries are skipped, so optional fields can be passed as-is. */
export type BencodeValue = string | number | bigint | Buffer | BencodeValue[] | BencodeDict;
/** A bencode dictionary (keys are byte strings, decoded as UTF-8). */
export interface BencodeDict {
  [key: string]: BencodeValue | undefined;
}

/** Raised for values that cannot be encoded and for malformed input while decoding. */
export class BencodeError extends Error {
  override name = "BencodeError";
  /** Byte offset in the input where decoding failed (-1 for encoding errors). */
  readonly offset: number;
  constructor(message: string, offset = -1) {
    super(offset >= 0 ? `${message} at byte ${offset}` : message);
    this.offset = offset;
  }
}

/** Decoding options. */
export interface DecodeOptions {
  /** Return byte strings as Buffers instead of UTF-8 strings (for binary payloads). Default false. */
  bytes?: boolean;
  /** Maximum nesting of lists/dicts; guards the recursion against hostile input. Default 64. */
  maxDepth?: number;
}

const CH_I = 0x69; // i
const CH_L = 0x6c; // l
const CH_D = 0x64; // d
const CH_E = 0x65; // e
const CH_COLON = 0x3a;
const CH_0 = 0x30;
const CH_9 = 0x39;

/** Encodes a value; dictionary keys are written in byte order as the bencode spec requires. */
export function encode(value: BencodeValue): Buffer {
  const parts: Buffer[] = [];
  encodeInto(value, parts, 0);
  return Buffer.concat(parts);
}

function encodeInto(value: BencodeValue, parts: Buffer[], depth: number): void {
  if (depth > 64) throw new BencodeError("value nested too deeply to encode");
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    parts.push(Buffer.from(`${bytes.length}:`, "ascii"), bytes);
  } else if (Buffer.isBuffer(value)) {
    parts.push(Buffer.from(`${value.length}:`, "ascii"), value);
  } else if (typeof value === "number") {
    // Bencode has no floats; silently truncating would change what rtpengine receives.
    if (!Number.isSafeInteger(value)) throw new BencodeError(`cannot encode non-integer number ${value}`);
    parts.push(Buffer.from(`i${value}e`, "ascii"));
  } else if (typeof value === "bigint") {
    parts.push(Buffer.from(`i${value.toString()}e`, "ascii"));
  } else if (Array.isArray(value)) {
    parts.push(Buffer.from("l", "ascii"));
    for (const item of value) {
      if (item === undefined || item === null) throw new BencodeError("cannot encode undefined/null in a list");
      encodeInto(item, parts, depth + 1);
    }
    parts.push(Buffer.from("e", "ascii"));
  } else if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter((entry): entry is [string, BencodeValue] => entry[1] !== undefined && entry[1] !== null)
      .map(([key, item]) => [Buffer.from(key, "utf8"), item] as const)
      .sort((a, b) => Buffer.compare(a[0], b[0]));
    parts.push(Buffer.from("d", "ascii"));
    for (const [key, item] of entries) {
      parts.push(Buffer.from(`${key.length}:`, "ascii"), key);
      encodeInto(item, parts, depth + 1);
    }
    parts.push(Buffer.from("e", "ascii"));
  } else {
    throw new BencodeError(`cannot encode value of type ${typeof value}`);
  }
}

/**
 * Decodes exactly one value from `input`; trailing bytes are an error.
 * Integers outside the safe range come back as `bigint`. Unsorted or duplicate dictionary keys are accepted
 * (rtpengine writes keys in insertion order; the last duplicate wins).
 */
export function decode(input: Buffer | Uint8Array, options: DecodeOptions = {}): BencodeValue {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const state = { pos: 0, bytes: options.bytes ?? false, maxDepth: options.maxDepth ?? 64 };
  const value = decodeAt(buf, state, 0);
  if (state.pos !== buf.length) throw new BencodeError("trailing data after value", state.pos);
  return value;
}

interface DecodeState {
  pos: number;
  bytes: boolean;
  maxDepth: number;
}

function decodeAt(buf: Buffer, state: DecodeState, depth: number): BencodeValue {
  const c = buf[state.pos];
  if (c === undefined) throw new BencodeError("unexpected end of input", state.pos);
  if (c === CH_I) return decodeInt(buf, state);
  if (c >= CH_0 && c <= CH_9) {
    const bytes = decodeBytes(buf, state);
    return state.bytes ? bytes : bytes.toString("utf8");
  }
  if (c === CH_L || c === CH_D) {
    if (depth >= state.maxDepth) throw new BencodeError("nesting too deep", state.pos);
    state.pos++;
    if (c === CH_L) {
      const list: BencodeValue[] = [];
      while (buf[state.pos] !== CH_E) list.push(decodeAt(buf, state, depth + 1));
      state.pos++;
      return list;
    }
    // A null-prototype object keeps keys such as "__proto__" from reaching Object.prototype.
    const dict = Object.create(null) as BencodeDict;
    while (buf[state.pos] !== CH_E) {
      const k = buf[state.pos];
      if (k === undefined) throw new BencodeError("unterminated dictionary", state.pos);
      if (k < CH_0 || k > CH_9) throw new BencodeError("dictionary key is not a string", state.pos);
      const key = decodeBytes(buf, state).toString("utf8");
      dict[key] = decodeAt(buf, state, depth + 1);
    }
    state.pos++;
    return dict;
  }
  throw new BencodeError(`unexpected byte 0x${c.toString(16)}`, state.pos);
}

function decodeInt(buf: Buffer, state: DecodeState): number | bigint {
  const start = state.pos + 1;
  const end = buf.indexOf(CH_E, start);
  if (end < 0) throw new BencodeError("unterminated integer", state.pos);
  const text = buf.toString("ascii", start, end);
  // The spec forbids "-0", leading zeros and empty integers; rejecting them keeps encode(decode(x)) == x.
  if (!/^(0|-?[1-9][0-9]*)$/.test(text)) throw new BencodeError(`invalid integer "${text}"`, state.pos);
  state.pos = end + 1;
  const big = BigInt(text);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function decodeBytes(buf: Buffer, state: DecodeState): Buffer {
  const colon = buf.indexOf(CH_COLON, state.pos);
  if (colon < 0) throw new BencodeError("string length without ':'", state.pos);
  const text = buf.toString("ascii", state.pos, colon);
  if (!/^(0|[1-9][0-9]*)$/.test(text)) throw new BencodeError(`invalid string length "${text}"`, state.pos);
  const length = Number(text);
  const start = colon + 1;
  if (start + length > buf.length) throw new BencodeError("string runs past end of input", state.pos);
  state.pos = start + length;
  return buf.subarray(start, start + length);
}

/** Narrowing helper: is this decoded value a dictionary? */
export function isDict(value: BencodeValue | undefined): value is BencodeDict {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
