/**
 * Password hashing with scrypt (RFC 7914), Node's built-in memory-hard KDF.
 * Stored form: `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later and old hashes
 * still verify.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** scrypt computations allowed at once (each holds 32 MiB at the default cost and a libuv worker). */
export const SCRYPT_CONCURRENCY = 2;
/** scrypt computations allowed to wait for a slot; beyond it {@link PasswordWorkBusyError} is thrown at once. */
export const SCRYPT_QUEUE_LENGTH = 16;

/** Thrown when the bounded scrypt queue is full: the caller answers "try again shortly". */
export class PasswordWorkBusyError extends Error {
  constructor() {
    super("password hashing is saturated");
    this.name = "PasswordWorkBusyError";
  }
}

/**
 * At most `concurrency` scrypt runs at once and `queueLength` waiting, in arrival order: a burst of
 * logins costs bounded memory (32 MiB each) and leaves libuv workers for the rest of the process.
 */
export class WorkQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLength: number,
  ) {}

  /** Runs `work` when a slot is free; rejects with {@link PasswordWorkBusyError} when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.queueLength) throw new PasswordWorkBusyError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.active -= 1;
    }
  }

  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}

/** The process's one scrypt queue. */
export const scryptQueue = new WorkQueue(SCRYPT_CONCURRENCY, SCRYPT_QUEUE_LENGTH);

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  scryptQueue.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );

/** OWASP's scrypt minimum (N=2^17, r=8, p=1) costs ~128 MiB; 2^15 keeps a login under ~100 ms on 2 cores. */
export const DEFAULT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: 256 * cost.N * cost.r });
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every(Number.isSafeInteger)) return false;
  const expected = Buffer.from(parts[5]!, "base64url");
  const key = await scrypt(password, Buffer.from(parts[4]!, "base64url"), expected.length, {
    N,
    r,
    p,
    maxmem: 256 * N * r,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash that never verifies, to spend the same time on unknown usernames (no user enumeration by timing). */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString("hex")).catch((error: unknown) => {
    decoy = undefined; // a full queue must not leave a rejected decoy behind for ever
    throw error;
  });
  return decoy;
}
