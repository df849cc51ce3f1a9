/**
 * The callback work list: callers who left their number (callback requests) and callers who hung up while waiting
 * (missed callers), and calling them back from the desk.
 *
 * - **Call back** ({@link CallbackService.startCallback}): the request is claimed by the operator (assigned to them;
 *   someone else's claim wins and is refused), then the operator's open desk is asked to dial the number with the
 *   request's id (`desk:dial`); the desk's softphone places the outbound call with `X-Hotline-Callback: <id>`.
 *   Nothing is claimed when the call cannot be placed: no desk open (`no-desk`), or a number the outbound allow-list
 *   refuses (`refused`, with the policy's reason, server/outbound/outbound-policy.ts); a claim taken before the desk
 *   turned out to be closed is given back.
 * - A missed caller becomes a request (reason `abandoned`) the first time someone calls them back, so attempts and
 *   the assignment live in one place.
 * - Each outbound call on a request is an attempt (answered, busy, no_answer, failed) with an optional note; an
 *   answered attempt closes the request, others leave it open with its attempts.
 * @module
 */
import type { Db } from "../../db/client";
import {
  claimCallbackRequest,
  claimedCallbackRequest,
  insertCallbackAttempt,
  insertCallbackRequest,
  listCallbackAttempts,
  listMissedCallers,
  listOpenCallbackRequests,
  openCallbackRequestNumber,
  noteLatestCallbackAttempt,
  releaseCallbackRequest,
} from "../../db/queries/callback-requests";
import { callRecords } from "../../db/schema";
import { eq } from "drizzle-orm";
import type { CallbackPort } from "../outbound/outbound-calls";
import type { OutboundPolicy, OutboundRefusal } from "../outbound/outbound-policy";
import type { Role } from "../auth/roles";

/** How far back missed callers are listed. */
export const MISSED_CALLERS_DAYS = 7;

export type StartCallbackResult =
  | { ok: true; requestId: number }
  | { ok: false; error: "taken" | "no-desk" | "not-found" }
  /** The outbound allow-list (or the operator's role) does not allow calling the number: nothing was claimed. */
  | { ok: false; error: "refused"; reason: OutboundRefusal };

/** What the callback needs to know before claiming: whether the desk can place the call at all. */
export interface CallbackChecks {
  /** The operator has a desk open (the call is placed from its softphone). */
  deskOpen(): Promise<boolean>;
  /** Whether the operator may call `number` out (the outbound policy's check). */
  mayCall(number: string): Promise<{ ok: true } | { ok: false; reason: OutboundRefusal }>;
}

/**
 * The checks of a callback from /callbacks: the operator's desk is open (`hasDesk`), a trunk route for outbound calls
 * exists (`trunk`: TRUNK_REGISTRAR or TRUNK_OUTBOUND_PROXY; none: `no-trunk`, as the desk would answer), and the
 * outbound policy lets `role` call the number.
 */
export function callbackChecks(args: {
  hasDesk: () => Promise<boolean>;
  trunk: boolean;
  policy: Pick<OutboundPolicy, "check">;
  role: Role | undefined;
}): CallbackChecks {
  return {
    deskOpen: args.hasDesk,
    mayCall: async (number) => {
      if (!args.trunk) return { ok: false, reason: "no-trunk" };
      const check = await args.policy.check(number, args.role);
      return check.ok ? { ok: true } : check;
    },
  };
}

/** The outbound policy's refusal of `number`, as the result of a callback that cannot start. */
async function refusal(checks: CallbackChecks, number: string): Promise<StartCallbackResult | undefined> {
  const allowed = await checks.mayCall(number);
  return allowed.ok ? undefined : { ok: false, error: "refused", reason: allowed.reason };
}

export class CallbackService implements CallbackPort {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  claimed(requestId: number, operatorId: number) {
    return claimedCallbackRequest(this.db, requestId, operatorId);
  }

  attempted(requestId: number, attempt: { callId: string; operatorId: number; at: Date; outcome: string }): Promise<void> {
    return insertCallbackAttempt(this.db, { requestId, ...attempt });
  }

  /**
   * Claims the request (or, with `missedCallId`, first turns that missed call into a request) and asks the operator's
   * desk to dial it through `dial` (false when no desk is open). Nothing is claimed (nor a missed call turned into a
   * request) when `checks` say no desk is open or the number may not be called; a claim whose dial found no desk
   * after all is given back, so the item never stays "being called back" by nobody.
   */
  async startCallback(
    operatorId: number,
    target: { requestId: number } | { missedCallId: string },
    dial: (request: { number: string; callbackId: number }) => Promise<boolean>,
    checks: CallbackChecks,
  ): Promise<StartCallbackResult> {
    const at = new Date(this.now());
    if (!(await checks.deskOpen())) return { ok: false, error: "no-desk" };
    let requestId: number;
    if ("missedCallId" in target) {
      const [call] = await this.db.select().from(callRecords).where(eq(callRecords.id, target.missedCallId));
      if (!call || call.direction !== "inbound" || call.outcome !== "abandoned") return { ok: false, error: "not-found" };
      const refused = await refusal(checks, call.callerNumber);
      if (refused) return refused;
      requestId = (await insertCallbackRequest(this.db, { callId: call.id, queueId: call.queueId, callerNumber: call.callerNumber, reason: "abandoned", requestedAt: at })).id;
    } else {
      const number = await openCallbackRequestNumber(this.db, target.requestId);
      if (number === undefined) return { ok: false, error: "not-found" };
      const refused = await refusal(checks, number);
      if (refused) return refused;
      requestId = target.requestId;
    }
    if (!(await claimCallbackRequest(this.db, requestId, operatorId, at))) return { ok: false, error: "taken" };
    const request = await claimedCallbackRequest(this.db, requestId, operatorId);
    if (!request) return { ok: false, error: "not-found" };
    if (!(await dial({ number: request.callerNumber, callbackId: requestId }))) {
      await releaseCallbackRequest(this.db, requestId, operatorId);
      return { ok: false, error: "no-desk" };
    }
    return { ok: true, requestId };
  }

  /** The operator's note on their latest attempt. */
  note(requestId: number, operatorId: number, note: string): Promise<boolean> {
    return noteLatestCallbackAttempt(this.db, requestId, operatorId, note);
  }

  /** Open requests with their attempts, and missed callers of the last {@link MISSED_CALLERS_DAYS} days. */
  async workList() {
    const requests = await listOpenCallbackRequests(this.db);
    const attempts = await listCallbackAttempts(this.db, requests.map((r) => r.id));
    const missed = await listMissedCallers(this.db, new Date(this.now() - MISSED_CALLERS_DAYS * 86_400_000));
    return {
      requests: requests.map((request) => ({ ...request, attempts: attempts.filter((a) => a.requestId === request.id) })),
      missed,
    };
  }
}
