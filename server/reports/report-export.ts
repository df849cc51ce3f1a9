/**
 * A report as spreadsheet sheets: the summary figures, days, hours, queues, operators, topics, numbers, the
 * staffing per hour and the review's statements. Shares are percentages, times are time values (seconds / 86400
 * of a day), as in the call log export.
 */
import type { CallFigures, CallReport } from "./call-report";
import { statementText, type ReviewTranslator } from "./review-text";
import { sheetOf, type Column, type SheetSpec } from "./spreadsheet";
import type { Review } from "./week-review";

/** The tables a CSV export can hold (one a file). */
export const REPORT_TABLES = ["summary", "days", "hours", "queues", "operators", "topics", "numbers", "staffing", "review"] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

const ms = (seconds: number | null) => (seconds === null ? null : seconds * 1000);

function figureColumns<T extends CallFigures>(t: ReviewTranslator): Array<Column<T>> {
  return [
    { header: t("reports.calls"), width: 9, kind: "integer", value: (r) => r.calls },
    { header: t("reports.offered"), width: 9, kind: "integer", value: (r) => r.offered },
    { header: t("reports.answered"), width: 9, kind: "integer", value: (r) => r.answered },
    { header: t("reports.abandoned"), width: 9, kind: "integer", value: (r) => r.abandoned },
    { header: t("reports.shortAbandoned"), width: 9, kind: "integer", value: (r) => r.shortAbandoned },
    { header: t("reports.closed"), width: 9, kind: "integer", value: (r) => r.closed },
    { header: t("reports.serviceLevel"), width: 11, kind: "percent", value: (r) => r.serviceLevel },
    { header: t("reports.abandonRate"), width: 11, kind: "percent", value: (r) => r.abandonRate },
    { header: t("reports.asa"), width: 10, kind: "duration", value: (r) => ms(r.asaSeconds) },
    { header: t("reports.aht"), width: 10, kind: "duration", value: (r) => ms(r.ahtSeconds) },
    { header: t("reports.longestWait"), width: 10, kind: "duration", value: (r) => ms(r.longestWaitSeconds) },
    { header: t("reports.talk"), width: 10, kind: "duration", value: (r) => ms(r.talkSeconds) },
    { header: t("reports.hold"), width: 10, kind: "duration", value: (r) => ms(r.holdSeconds) },
    { header: t("reports.wrapUp"), width: 10, kind: "duration", value: (r) => ms(r.wrapUpSeconds) },
    { header: t("reports.missedOffers"), width: 9, kind: "integer", value: (r) => r.missedOffers },
    { header: t("reports.couldNotHelp"), width: 9, kind: "integer", value: (r) => r.couldNotHelp },
  ];
}

/** The sheets of a report, by table; `locale` formats the review's sentences. */
export function reportSheets(report: CallReport, review: Review, t: ReviewTranslator, locale: string): Record<ReportTable, SheetSpec<unknown>> {
  const sheet = <T>(table: ReportTable, columns: Array<Column<T>>, rows: T[]) => sheetOf({ name: t(`reports.sheets.${table}`), columns, rows: [rows] });
  /** A table of figures per group: the group's name, then the figures. */
  const keyed = <T extends CallFigures>(table: ReportTable, header: string, width: number, rows: T[], label: (row: T) => string) =>
    sheet(table, [{ header, width, kind: "text", value: label }, ...figureColumns<T>(t)], rows);
  const statements = [
    ...review.strengths.map((s) => ({ kind: t("review.strengths"), text: statementText(s, t, locale) })),
    ...review.weaknesses.map((s) => ({ kind: t("review.weaknesses"), text: statementText(s, t, locale) })),
  ];
  return {
    summary: keyed("summary", t("reports.period"), 24, [report.summary], () => `${report.period.fromDay} – ${report.period.toDay}`),
    days: keyed("days", t("reports.day"), 12, report.byDay, (r) => r.key),
    hours: keyed("hours", t("reports.hour"), 8, report.byHourOfDay, (r) => `${r.key}:00`),
    queues: keyed("queues", t("reports.queue"), 16, report.byQueue, (r) => r.name),
    operators: sheet(
      "operators",
      [
        { header: t("reports.name"), width: 20, kind: "text", value: (r: CallReport["byOperator"][number]) => r.name },
        ...figureColumns<CallReport["byOperator"][number]>(t),
        { header: t("reports.loggedInTime"), width: 12, kind: "duration", value: (r) => ms(r.time?.loggedInS ?? null) },
        { header: t("reports.pausedTime"), width: 12, kind: "duration", value: (r) => ms(r.time?.pausedS ?? null) },
        { header: t("reports.occupancy"), width: 11, kind: "percent", value: (r) => r.time?.occupancy ?? null },
      ],
      report.byOperator,
    ),
    topics: keyed("topics", t("reports.topic"), 18, report.byTopic, (r) => r.key || t("reports.noTopic")),
    numbers: keyed("numbers", t("reports.number"), 14, report.byNumber, (r) => (r.label ? `${r.key} (${r.label})` : r.key)),
    staffing: sheet(
      "staffing",
      [
        { header: t("reports.hour"), width: 16, kind: "text", value: (r) => r.slot.replace("T", " ") + ":00" },
        { header: t("reports.offered"), width: 9, kind: "integer", value: (r) => r.offered },
        { header: t("reports.needed"), width: 9, kind: "integer", value: (r) => r.needed },
        { header: t("reports.loggedIn"), width: 9, kind: "number", value: (r) => r.loggedIn },
      ],
      report.staffing,
    ),
    review: sheet(
      "review",
      [
        { header: t("reports.kind"), width: 14, kind: "text", value: (r) => r.kind },
        { header: t("reports.statement"), width: 120, kind: "text", value: (r) => r.text },
      ],
      statements,
    ),
  };
}
