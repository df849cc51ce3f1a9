/**
 * The call log as a spreadsheet: one row a call, read from the database a keyset page at a time (oldest first)
 * while the file streams out, so memory stays bounded whatever the number of calls.
 */
import type { Db } from "../../db/client";
import { listCallLog, type CallLogFilter, type CallLogRow } from "../../db/queries/call-log";
import type { Column } from "./spreadsheet";

/** Rows read per database round trip. */
export const EXPORT_BATCH = 1000;

/** Every call matching `filter`, oldest first, in batches of {@link EXPORT_BATCH}. */
export async function* callLogBatches(db: Db, filter: CallLogFilter, batch = EXPORT_BATCH): AsyncGenerator<CallLogRow[]> {
  let cursor: string | null = null;
  do {
    const page: { rows: CallLogRow[]; nextCursor: string | null } = await listCallLog(db, filter, { sort: "arrived", order: "asc", limit: batch, cursor });
    if (page.rows.length > 0) yield page.rows;
    cursor = page.nextCursor;
  } while (cursor);
}

/** The export's columns; `label` translates a header key (messages `callLog.*`) and an outcome (`callLog.outcomes.*`). */
export function callLogColumns(label: (key: string) => string): Array<Column<CallLogRow>> {
  return [
    { header: label("arrivedAt"), width: 20, kind: "datetime", value: (c) => c.arrivedAt },
    { header: label("caller"), width: 18, kind: "text", value: (c) => c.callerNumber },
    { header: label("callerName"), width: 20, kind: "text", value: (c) => c.callerName },
    { header: label("number"), width: 14, kind: "text", value: (c) => c.dialedNumber },
    { header: label("campaignColumn"), width: 16, kind: "text", value: (c) => c.numberLabel },
    { header: label("queue"), width: 14, kind: "text", value: (c) => c.queueName },
    { header: label("operator"), width: 18, kind: "text", value: (c) => c.operatorName },
    { header: label("direction"), width: 10, kind: "text", value: (c) => label(`directions.${c.direction}`) },
    { header: label("outcome"), width: 14, kind: "text", value: (c) => label(`outcomes.${c.outcome}`) },
    { header: label("outcomeDetail"), width: 18, kind: "text", value: (c) => c.outcomeDetail },
    { header: label("queuedAt"), width: 20, kind: "datetime", value: (c) => c.queuedAt },
    { header: label("answeredAt"), width: 20, kind: "datetime", value: (c) => c.answeredAt },
    { header: label("endedAt"), width: 20, kind: "datetime", value: (c) => c.endedAt },
    { header: label("wait"), width: 10, kind: "duration", value: (c) => c.waitMs },
    { header: label("talk"), width: 10, kind: "duration", value: (c) => c.talkMs },
    { header: label("hold"), width: 10, kind: "duration", value: (c) => (c.answeredAt ? c.holdMs : null) },
    { header: label("wrapUp"), width: 10, kind: "duration", value: (c) => c.wrapUpMs },
    { header: label("handle"), width: 10, kind: "duration", value: (c) => c.handleMs },
    { header: label("offers"), width: 8, kind: "integer", value: (c) => c.offers },
    { header: label("topic"), width: 16, kind: "text", value: (c) => c.topic },
    { header: label("notes"), width: 40, kind: "text", value: (c) => c.notes },
    { header: label("endedBy"), width: 10, kind: "text", value: (c) => c.endedBy },
    { header: "id", width: 38, kind: "text", value: (c) => c.id },
  ];
}
