import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import { CALL_DIRECTIONS, CALL_OUTCOMES } from "../../../db/schema";
import type { CallLogRow } from "../../../db/queries/call-log";
import { LOCALES } from "../../../server/i18n/locales";
import { MESSAGES } from "../../../server/i18n/messages";
import { callLogColumns } from "../../../server/reports/call-log-export";
import type { CallReport } from "../../../server/reports/call-report";
import { reportSheets } from "../../../server/reports/report-export";
import type { Review } from "../../../server/reports/week-review";

/**
 * Every header of every export (call log CSV/XLSX, report sheets), in every locale, is a finished text: no message
 * that needs values it is not given ("Campaign {label}"), no missing key shown as its path.
 */
describe.each(LOCALES)("export headers in %s", (locale) => {
  const problems: string[] = [];
  const t = createTranslator({ locale, messages: MESSAGES[locale], onError: (error) => problems.push(error.message) });
  const finished = (header: string) => !/[{}]/.test(header) && !/^[a-zA-Z]+(\.[a-zA-Z]+)+$/.test(header) && header.trim() !== "";

  it("call log export: the API route's translator (namespace callLog)", () => {
    problems.length = 0;
    const headers = callLogColumns((key) => t(`callLog.${key}` as never)).map((c) => c.header);
    expect(headers.filter((h) => !finished(h))).toEqual([]);
    expect(problems).toEqual([]);
    expect(headers).toContain(t("callLog.campaignColumn" as never));
  });

  it("call log export: the translated cells (every direction and outcome)", () => {
    problems.length = 0;
    const columns = callLogColumns((key) => t(`callLog.${key}` as never));
    const rows = CALL_DIRECTIONS.flatMap((direction) => CALL_OUTCOMES.map((outcome) => ({ direction, outcome }) as unknown as CallLogRow));
    const texts = ["direction", "outcome"].flatMap((key) => {
      const column = columns.find((c) => c.header === t(`callLog.${key}` as never))!;
      return rows.map((row) => String(column.value(row)));
    });
    expect(texts.filter((text) => !finished(text))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("report sheets: sheet names and column headers", () => {
    problems.length = 0;
    const report = { summary: {}, period: { fromDay: "2026-01-01", toDay: "2026-01-07" }, byDay: [], byHourOfDay: [], byQueue: [], byOperator: [], byTopic: [], byNumber: [], staffing: [] } as unknown as CallReport;
    const review = { strengths: [], weaknesses: [] } as unknown as Review;
    const sheets = Object.values(reportSheets(report, review, (key, values) => t(key as never, values as never), locale));
    const headers = sheets.flatMap((s) => [s.name, ...s.columns.map((c) => c.header)]);
    expect(headers.length).toBeGreaterThan(9);
    expect(headers.filter((h) => !finished(h))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
