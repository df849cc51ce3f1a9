/**
 * Streamed spreadsheet export: XLSX through exceljs's streaming WorkbookWriter (each row committed as it is
 * written, so 100,000 calls never sit in memory) and CSV through papaparse (UTF-8 with a byte-order mark, so
 * Excel reads Arabic and French right). Cells are typed: date-times as Excel dates showing the wall-clock time of
 * the hotline's zone, durations as time values ([h]:mm:ss), shares as percentages; a bold, frozen header row
 * and column widths.
 *
 * Spreadsheet formula injection (caller names come from outside): a text cell starting with `=`, `+`, `-`, `@`,
 * tab or carriage return is written with a leading apostrophe, so no spreadsheet reads it as a formula (OWASP
 * "CSV injection").
 */
import { PassThrough, Readable, type Writable } from "node:stream";
import ExcelJS from "exceljs";
import { DateTime } from "luxon";
import Papa from "papaparse";

export type ColumnKind = "text" | "datetime" | "duration" | "integer" | "number" | "percent";

/** One column: its header, width (characters), kind, and the cell of a row (null = empty). */
export interface Column<T> {
  header: string;
  width: number;
  kind: ColumnKind;
  /** text: string; datetime: Date; duration: milliseconds; integer/number: number; percent: 0..1. */
  value: (row: T) => string | number | Date | null;
}

/** A sheet (XLSX) or the whole file (CSV): columns and rows arriving in batches. */
export interface SheetSpec<T> {
  name: string;
  columns: Array<Column<T>>;
  rows: AsyncIterable<T[]> | Iterable<T[]>;
}

/** Erases a sheet's row type, so sheets of different rows go into one workbook (each reads only its own rows). */
export function sheetOf<T>(spec: SheetSpec<T>): SheetSpec<unknown> {
  return spec as unknown as SheetSpec<unknown>;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text with an apostrophe in front when a spreadsheet could take it for a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The inverse of {@link neutraliseFormula}, for files Hotline exported and an admin imports again: the apostrophe
 * in front of a formula character is dropped (`'+33 1 23` -> `+33 1 23`); any other text is left as it is.
 */
export function restoreNeutralised(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

const NUMBER_FORMATS: Record<ColumnKind, string | undefined> = {
  text: "@",
  datetime: "yyyy-mm-dd hh:mm:ss",
  duration: "[h]:mm:ss",
  integer: "0",
  number: "0.0",
  percent: "0.0%",
};

/** A Date whose UTC fields are the wall-clock time in `zone`: Excel dates have no zone, exceljs writes UTC fields. */
function wallClock(date: Date, zone: string): Date {
  const local = DateTime.fromJSDate(date, { zone });
  return new Date(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond));
}

function xlsxCell<T>(column: Column<T>, row: T, zone: string): string | number | Date | null {
  const value = column.value(row);
  if (value === null) return null;
  switch (column.kind) {
    case "text":
      return neutraliseFormula(String(value));
    case "datetime":
      return wallClock(value as Date, zone);
    case "duration":
      return (value as number) / 86_400_000;
    default:
      return value as number;
  }
}

function csvCell<T>(column: Column<T>, row: T, zone: string): string {
  const value = column.value(row);
  if (value === null) return "";
  switch (column.kind) {
    case "text":
      return neutraliseFormula(String(value));
    case "datetime":
      return DateTime.fromJSDate(value as Date, { zone }).toFormat("yyyy-MM-dd HH:mm:ss");
    case "duration": {
      const total = Math.round((value as number) / 1000);
      return `${Math.floor(total / 3600)}:${String(Math.floor((total % 3600) / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
    }
    default:
      return String(value);
  }
}

/** Writes the sheets as one XLSX workbook to `stream`, then ends it. */
export async function writeXlsx(stream: Writable, sheets: Array<SheetSpec<unknown>>, zone: string): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name.slice(0, 31), { views: [{ state: "frozen", ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((column, i) => ({ key: String(i), width: column.width, style: { numFmt: NUMBER_FORMATS[column.kind] } }));
    const header = worksheet.addRow(sheet.columns.map((column) => column.header));
    header.font = { bold: true };
    header.commit();
    for await (const batch of sheet.rows) {
      for (const row of batch) worksheet.addRow(sheet.columns.map((column) => xlsxCell(column, row, zone))).commit();
    }
    worksheet.commit();
  }
  await workbook.commit();
}

/** Writes one table as CSV (BOM, header row, CRLF lines) to `stream`, then ends it. */
export async function writeCsv(stream: Writable, spec: SheetSpec<unknown>, zone: string): Promise<void> {
  const write = (text: string) => (stream.write(text) ? Promise.resolve() : new Promise<void>((resolve) => stream.once("drain", () => resolve())));
  await write(`\uFEFF${Papa.unparse([spec.columns.map((column) => neutraliseFormula(column.header))], { newline: "\r\n" })}\r\n`);
  for await (const batch of spec.rows) {
    if (batch.length === 0) continue;
    await write(`${Papa.unparse(batch.map((row) => spec.columns.map((column) => csvCell(column, row, zone))), { newline: "\r\n" })}\r\n`);
  }
  stream.end();
}

/**
 * Starts writing in the background and returns the readable side as a web stream for a Response; a failure
 * mid-way aborts the download (the client sees a broken transfer, not a truncated file that looks whole).
 */
export function streamSpreadsheet(write: (stream: Writable) => Promise<void>): ReadableStream<Uint8Array> {
  const pass = new PassThrough();
  write(pass).catch((error: unknown) => pass.destroy(error instanceof Error ? error : new Error(String(error))));
  return Readable.toWeb(pass) as ReadableStream<Uint8Array>;
}

export const CONTENT_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
} as const;
