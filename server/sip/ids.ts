/**
 * Identifier generation: branches, tags, Call-IDs.
 * @module
 */
import { randomBytes } from "node:crypto";
import { MAGIC_COOKIE } from "./via.js";

/**
 * A new branch: the RFC 3261 §8.1.1.7 magic cookie plus 64 random bits, so it is unique across
 * space and time as required for transaction matching (§17.1.3).
 */
export function generateBranch(): string {
  return `${MAGIC_COOKIE}${randomBytes(8).toString("hex")}`;
}

/** A From/To tag with at least 32 bits of randomness (RFC 3261 §19.3). */
export function generateTag(): string {
  return randomBytes(6).toString("hex");
}

/** A globally unique Call-ID (RFC 3261 §8.1.1.4), optionally `@host`. */
export function generateCallId(host?: string): string {
  const id = randomBytes(12).toString("hex");
  return host ? `${id}@${host}` : id;
}
