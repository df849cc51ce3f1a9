/**
 * What the desk shows when a call rings (screen pop): the conversation script with its placeholder values, the
 * caller's history (previous calls, open callback requests, VIP label), and the queue's wrap-up topics.
 * Privacy: history is shown to supervisors, and to operators of the call's queue for calls of their queues only;
 * it reaches `organisation.history_days` back. Numbers are compared normalised (server/phone/normalise.ts).
 */
import type { Db } from "../../db/client";
import { callerTail, callsByCallerTail, openCallbacksByCallerTail } from "../../db/queries/caller-history";
import { findCall } from "../../db/queries/calls";
import { getOrganisation } from "../../db/queries/organisation";
import { findQueueById, listQueueIdsOfUser, listVipNumbers } from "../../db/queries/queues";
import { listTopics } from "../../db/queries/topics";
import type { CallRecord, User } from "../../db/schema";
import { hasRole } from "../auth/roles";
import type { Locale } from "../i18n/locales";
import { organisationName } from "../organisation/organisation-service";
import { normaliseNumber } from "../phone/normalise";
import { scriptFor } from "../scripts/script-service";
import { HISTORY_MAX, PROMISE_OUTCOMES, PROMISES_MAX, type CallContext } from "./call-context-types";

export type { CallContext, HistoryRow } from "./call-context-types";

/** The record of a call just offered: written behind by the call controller (every 20 ms), so wait for it briefly. */
async function awaitCall(db: Db, callId: string): Promise<CallRecord | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const call = await findCall(db, callId);
    if (call) return call;
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
  }
  return undefined;
}

/**
 * The screen pop of call `callId` for `user`, in `locale`; undefined when the call does not exist or is not in
 * one of the user's queues (a supervisor sees every call).
 */
export async function callContext(db: Db, user: User, callId: string, locale: Locale, now: Date): Promise<CallContext | undefined> {
  const call = await awaitCall(db, callId);
  if (!call) return undefined;
  const supervisor = hasRole(user.role, "supervisor");
  const myQueues = await listQueueIdsOfUser(db, user.id);
  // An operator's own outbound call (dial pad, callback) has its context too: the wrap-up form after it.
  const ownOutbound = call.direction === "outbound" && call.operatorId === user.id;
  if (!supervisor && !ownOutbound && (call.queueId === null || !myQueues.includes(call.queueId))) return undefined;
  const queue = call.queueId === null ? undefined : await findQueueById(db, call.queueId);
  const org = await getOrganisation(db);
  const script = await scriptFor(db, call.queueId, locale);
  // Outbound: the person called (callerNumber is our caller ID).
  const caller = call.direction === "outbound" ? call.dialedNumber : call.callerNumber;
  return {
    callId,
    queueId: call.queueId,
    queue: queue?.name ?? "",
    caller,
    script: { steps: script.steps, values: { organisation: organisationName(org, locale), operator: user.displayName, queue: queue?.name ?? "", caller } },
    history: await history(db, { caller, country: org.country, days: org.historyDays, queueIds: supervisor ? null : myQueues, excludeCallId: callId, now }),
    topics: call.queueId === null ? [] : (await listTopics(db, call.queueId)).map((t) => t.name),
    topicRequired: queue?.topicRequired ?? false,
    wrapUpExtendS: queue?.wrapUpExtendS ?? null,
  };
}

async function history(
  db: Db,
  args: { caller: string; country: string | null; days: number; queueIds: number[] | null; excludeCallId: string; now: Date },
): Promise<CallContext["history"]> {
  const key = normaliseNumber(args.caller, args.country);
  const tail = callerTail(key);
  if (tail.length < 3) return { calls: [], callbacks: [], promises: [], vipLabel: null };
  const same = (number: string) => normaliseNumber(number, args.country) === key;
  const since = new Date(args.now.getTime() - args.days * 86_400_000);
  const calls = (await callsByCallerTail(db, { tail, since, queueIds: args.queueIds, excludeCallId: args.excludeCallId, limit: HISTORY_MAX * 2 }))
    .filter((row) => same(row.callerNumber))
    .slice(0, HISTORY_MAX)
    .map(({ callerNumber: _number, arrivedAt, ...row }) => ({ ...row, arrivedAt: arrivedAt.toISOString() }));
  const callbacks = (await openCallbacksByCallerTail(db, tail))
    .filter((row) => same(row.callerNumber))
    .map((row) => ({ id: row.id, requestedAt: row.requestedAt.toISOString(), queue: row.queue }));
  const vip = (await listVipNumbers(db)).find((row) => same(row.number));
  const promises = calls.filter((row) => row.outcomeDetail !== null && PROMISE_OUTCOMES.includes(row.outcomeDetail)).slice(0, PROMISES_MAX);
  return { calls, callbacks, promises, vipLabel: vip ? (vip.label ?? "VIP") : null };
}
