/**
 * Who may call which number out through the trunk (the toll-fraud guard), and with which caller ID.
 *
 * - Numbers: only those matching one of the admin's patterns ({@link parseNumberPattern}); an empty list allows
 *   nothing, so a fresh install can never be used for international or premium-rate fraud until an admin says which
 *   numbers are fine (e.g. `0[1-7]*` and `09*` for French landlines and mobiles, leaving 08 premium numbers out).
 * - People: logged-in accounts with a desk (operators, supervisors, admins); the SIP WebSocket is already
 *   authenticated by the session cookie, so the identity is the session's.
 * - Caller ID: the first hotline number of the queue the call is for (a callback's queue), else of the operator's
 *   first queue (tier 1 first), else the trunk account's user name.
 * The pattern list is read from the database on every check (a handful of rows), so CLI and admin changes apply to
 * the next call without a restart.
 * @module
 */
import type { Db } from "../../db/client";
import { addOutboundPattern, firstNumberOfQueue, listOutboundPatterns, queuesOfOperator, removeOutboundPattern } from "../../db/queries/outbound";
import { ROLES, type Role } from "../auth/roles";
import { allowingPattern, normaliseDialled, parseNumberPattern, type NumberPattern } from "./number-pattern";

/** Every reason a number may not be called (pages that read one back from a URL check it against this list). */
export const OUTBOUND_REFUSALS = ["not-a-number", "not-allowed", "forbidden-role", "no-trunk"] as const;

/** Why a number may not be called; the desk shows `outbound.refused.<reason>`. */
export type OutboundRefusal = (typeof OUTBOUND_REFUSALS)[number];

export type OutboundCheck = { ok: true; number: string; pattern: string } | { ok: false; reason: OutboundRefusal };

/** Roles that may call out: everyone who staffs the desk. */
const DIALLING_ROLES: readonly Role[] = ROLES;

export class OutboundPolicy {
  constructor(
    private readonly db: Db,
    private readonly fallbackCallerId: string | undefined,
  ) {}

  /** Whether `role` may call `number`; on success the normalised number and the pattern that allowed it. */
  async check(number: string, role: Role | undefined): Promise<OutboundCheck> {
    if (!role || !DIALLING_ROLES.includes(role)) return { ok: false, reason: "forbidden-role" };
    const normalised = normaliseDialled(number);
    if (normalised === undefined) return { ok: false, reason: "not-a-number" };
    const allowed = allowingPattern(await this.patterns(), normalised);
    return allowed ? { ok: true, number: normalised, pattern: allowed.source } : { ok: false, reason: "not-allowed" };
  }

  /** True when a pattern of the allow-list covers `number` (any role: e.g. a closed number's forward, server/hours). */
  async allows(number: string): Promise<boolean> {
    return allowingPattern(await this.patterns(), number) !== undefined;
  }

  /** The caller ID for a call by `operatorId`, for `queueId` when the call is made for a queue (a callback). */
  async callerId(operatorId: number, queueId?: number | null): Promise<string> {
    return (await this.callerIdOf(operatorId, queueId)).number;
  }

  /**
   * {@link callerId} and the queue whose number it is (undefined for the trunk account's fallback): that queue's
   * wrap-up time applies after the call.
   */
  async callerIdOf(operatorId: number, queueId?: number | null): Promise<{ number: string; queueId: number | undefined }> {
    const queues = queueId ? [queueId] : await queuesOfOperator(this.db, operatorId);
    for (const queue of queues) {
      const number = await firstNumberOfQueue(this.db, queue);
      if (number) return { number, queueId: queue };
    }
    return { number: this.fallbackCallerId ?? "anonymous", queueId: undefined };
  }

  async patterns(): Promise<NumberPattern[]> {
    return (await listOutboundPatterns(this.db)).flatMap((text) => {
      const parsed = parseNumberPattern(text);
      return parsed.ok ? [parsed.pattern] : [];
    });
  }
}

/** Adds a pattern after checking its syntax; the error says what is wrong with it. */
export async function allowOutboundPattern(db: Db, text: string): Promise<{ ok: true; pattern: string; added: boolean } | { ok: false; error: string }> {
  const parsed = parseNumberPattern(text);
  if (!parsed.ok) return parsed;
  return { ok: true, pattern: parsed.pattern.source, added: await addOutboundPattern(db, parsed.pattern.source) };
}

export { listOutboundPatterns, removeOutboundPattern };
