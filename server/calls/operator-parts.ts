/**
 * Each operator's part of a call, as the board's "Operators today" (server/board) and the reports by operator
 * (server/reports) credit it (pure, no I/O).
 *
 * An inbound call may pass through several operators (a blind transfer, a transfer after a consultation, a dropped
 * line answered again): the record's single `operator_id` cannot say who talked when. The call's segments
 * (server/calls/call-segments.ts, from the event log) can: each segment of an operator is one call handled by that
 * operator, with the segment's talk time less the holds within it. Holds come from the same log: the desk's
 * `call.held` / `call.resumed` and the caller's `call.hold` / `call.unhold` (the spans the record's `hold_ms` sums,
 * server/calls/session/hold-timing.ts); a hold still open when a segment ends counts up to that end.
 *
 * An outbound call (`direction` outbound) has no segments: its record's operator handled it, talk = `ended_at` −
 * `answered_at` − `hold_ms` (as reports count it). A consultation's leg (`consult_of`) is part of its inbound call
 * and credits nobody (as reports and the call log leave it out). Times epoch ms, lengths ms.
 */
import type { CallEvent } from "../../db/schema";
import { inLogOrder, segmentsInLogOrder } from "./call-segments";

/**
 * The event types that end an operator's segment while the call goes on (a transfer, the operator's line dropped):
 * a call with one may pass through several operators' hands, so it is split between their parts (reports credit
 * such calls segment by segment, server/reports/call-report.ts).
 */
export const SPLIT_EVENT_TYPES: ReadonlySet<string> = new Set(["call.transferred", "call.operator-leg-failed"]);

/** The event types that make a call's segments and holds; the board keeps these of each of today's calls. */
export const PART_EVENT_TYPES: ReadonlySet<string> = new Set([
  "call.answered",
  ...SPLIT_EVENT_TYPES,
  "call.external-answered",
  "call.finished",
  "call.held",
  "call.resumed",
  "call.hold",
  "call.unhold",
]);

/** One operator's part of one call: one call handled, its talk (hold excluded) and hold, ms (0 while it goes on). */
export interface OperatorPart {
  operatorId: number;
  talkMs: number;
  holdMs: number;
}

export type PartEvent = Pick<CallEvent, "id" | "at" | "type" | "operatorId" | "queueId" | "data">;

interface Span {
  from: number;
  to: number | undefined;
}

/** The call's hold spans, desk and caller holds apart (both count, as in the record's `hold_ms`). */
function holdSpans(sorted: readonly PartEvent[]): Span[] {
  const spans: Span[] = [];
  let desk: Span | undefined;
  let caller: Span | undefined;
  for (const event of sorted) {
    const t = event.at.getTime();
    if (event.type === "call.held" && !desk) spans.push((desk = { from: t, to: undefined }));
    else if (event.type === "call.resumed" && desk) [desk.to, desk] = [t, undefined];
    else if (event.type === "call.hold" && !caller) spans.push((caller = { from: t, to: undefined }));
    else if (event.type === "call.unhold" && caller) [caller.to, caller] = [t, undefined];
  }
  return spans;
}

/** Each operator segment of an inbound call, from its events (any order), as the operator's part. */
export function inboundParts(events: readonly PartEvent[]): OperatorPart[] {
  const sorted = inLogOrder(events);
  const holds = holdSpans(sorted);
  return segmentsInLogOrder(sorted).flatMap((segment) => {
    if (segment.operatorId === null) return [];
    // A closed segment's `talkMs` is its whole length (to − from, holds included); an open one has none yet.
    if (segment.to === undefined || segment.talkMs === undefined) return [{ operatorId: segment.operatorId, talkMs: 0, holdMs: 0 }];
    const from = segment.from.getTime();
    const to = segment.to.getTime();
    const holdMs = holds.reduce((sum, h) => sum + Math.max(0, Math.min(to, h.to ?? to) - Math.max(from, h.from)), 0);
    return [{ operatorId: segment.operatorId, talkMs: Math.max(0, segment.talkMs - holdMs), holdMs }];
  });
}

/** The part of an outbound call's operator, from its record (none before it is answered). */
export function outboundPart(call: { operatorId: number | null; answeredAt: number | null; endedAt: number | null; holdMs: number }): OperatorPart[] {
  if (call.operatorId === null || call.answeredAt === null) return [];
  if (call.endedAt === null) return [{ operatorId: call.operatorId, talkMs: 0, holdMs: 0 }];
  return [{ operatorId: call.operatorId, talkMs: Math.max(0, call.endedAt - call.answeredAt - call.holdMs), holdMs: call.holdMs }];
}
