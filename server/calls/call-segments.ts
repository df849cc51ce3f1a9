/**
 * The segments of a call: who talked to the caller, from when to when, and how each part ended (the call ended, a
 * blind transfer, the operator's line dropped). Derived from the call's event log (`call_events`), which records
 * every answer (`call.answered`, and `call.external-answered` for an external party reached by a transfer), transfer (`call.transferred`), failed operator leg (`call.operator-leg-failed`) and
 * the end (`call.finished`): no table of its own. Reports count each operator's part from these.
 */
import type { CallEvent } from "../../db/schema";

export interface CallSegment {
  /** Null for the segment of an external party (a blind transfer to a number: `externalNumber`). */
  operatorId: number | null;
  /** The number the caller talked to, for a segment after a transfer to an external number. */
  externalNumber?: string;
  queueId: number | null;
  from: Date;
  /** Undefined while the segment goes on. */
  to: Date | undefined;
  /** Talk time of the segment, ms (undefined while it goes on). */
  talkMs: number | undefined;
  endedBy: "call-ended" | "transfer" | "leg-failed" | undefined;
  /** Where a transfer sent the caller. */
  transferredTo?: { queueId: number } | { operatorId: number } | { number: string };
}

type SegmentEvent = Pick<CallEvent, "id" | "at" | "type" | "operatorId" | "queueId" | "data">;

/** Log order: by time, then id (as the database reads a call's events). Returns a sorted copy. */
export function inLogOrder<E extends Pick<CallEvent, "id" | "at">>(events: readonly E[]): E[] {
  return [...events].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id);
}

/** The segments of one call, in order, from its events (any order; sorted by time, then id). */
export function callSegments(events: readonly SegmentEvent[]): CallSegment[] {
  return segmentsInLogOrder(inLogOrder(events));
}

/** {@link callSegments} of events already in log order ({@link inLogOrder}): no copy, no sort. */
export function segmentsInLogOrder(sorted: readonly SegmentEvent[]): CallSegment[] {
  const segments: CallSegment[] = [];
  let open: CallSegment | undefined;
  const close = (at: Date, endedBy: CallSegment["endedBy"]) => {
    if (!open) return;
    open.to = at;
    open.talkMs = at.getTime() - open.from.getTime();
    open.endedBy = endedBy;
    open = undefined;
  };
  for (const event of sorted) {
    switch (event.type) {
      case "call.answered":
        close(event.at, "call-ended");
        if (event.operatorId === null) break;
        open = { operatorId: event.operatorId, queueId: event.queueId, from: event.at, to: undefined, talkMs: undefined, endedBy: undefined };
        segments.push(open);
        break;
      case "call.transferred": {
        const segment = open;
        close(event.at, "transfer");
        const data = event.data as { toQueueId?: string; toOperatorId?: string; toNumber?: string };
        if (segment) {
          segment.transferredTo =
            data.toQueueId !== undefined ? { queueId: Number(data.toQueueId) }
            : data.toNumber !== undefined ? { number: data.toNumber }
            : { operatorId: Number(data.toOperatorId) };
        }
        break;
      }
      case "call.external-answered": {
        close(event.at, "call-ended");
        const number = (event.data as { number?: string } | null)?.number ?? "";
        open = { operatorId: null, externalNumber: number, queueId: event.queueId, from: event.at, to: undefined, talkMs: undefined, endedBy: undefined };
        segments.push(open);
        break;
      }
      case "call.operator-leg-failed":
        close(event.at, "leg-failed");
        break;
      case "call.finished":
        close(event.at, "call-ended");
        break;
    }
  }
  return segments;
}
