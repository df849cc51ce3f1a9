/**
 * The staff directory: people and services who are not operators, with phone numbers and competences.
 * Validation for the admin page, CSV import (papaparse, with a per-row error report) and export, and search.
 */
import Papa from "papaparse";
import { z } from "zod";
import type { Db } from "../../db/client";
import { deleteDirectoryEntry, insertDirectoryEntries, listDirectory, searchDirectory, type DirectoryInput, type DirectoryRow } from "../../db/queries/directory";
import { searchActiveUsers } from "../../db/queries/users";
import { fieldErrors, type FieldErrors, type Result } from "../accounts/user-input";
import { MAX_IMPORT_ROWS } from "../forms/upload-limits";
import { neutraliseFormula, restoreNeutralised } from "../reports/spreadsheet";
import type { OperatorStatus } from "../realtime/events";

const text = (max: number, message: string) => z.preprocess((value) => value ?? "", z.string({ error: message }).trim().max(max, message));
const tags = (message: string) =>
  z.preprocess(
    (value) => (Array.isArray(value) ? value : typeof value === "string" ? value.split(/[,;]/) : []),
    z.array(z.string().trim().max(60, message)).transform((items) => [...new Set(items.filter(Boolean))]).pipe(z.array(z.string()).max(30, message)),
  );
/** A phone: an E.164-like or national number (digits, spaces, dashes, dots, parentheses) or a SIP URI. */
const phone = /^(\+?[0-9][0-9 ().-]{1,30}|sips?:[^\s@]+@[^\s]+)$/;

export const directorySchema = z.object({
  name: z.string({ error: "validation.directoryName" }).trim().min(1, "validation.directoryName").max(120, "validation.directoryName"),
  department: text(120, "validation.tooLong"),
  title: text(120, "validation.tooLong"),
  phones: tags("validation.phone").pipe(z.array(z.string().regex(phone, "validation.phone")).max(5, "validation.phone")),
  email: text(200, "validation.email").pipe(z.union([z.literal(""), z.email("validation.email")])),
  competences: tags("validation.tags"),
  hours: text(200, "validation.tooLong"),
  notes: text(1000, "validation.tooLong"),
});

export function parseDirectoryEntry(input: Record<string, unknown>): Result<DirectoryInput> {
  const parsed = directorySchema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export async function createDirectoryEntry(db: Db, input: Record<string, unknown>): Promise<Result<DirectoryRow>> {
  const parsed = parseDirectoryEntry(input);
  if (!parsed.ok) return parsed;
  const [row] = await insertDirectoryEntries(db, [parsed.value]);
  return { ok: true, value: row! };
}

export async function removeDirectoryEntry(db: Db, id: number): Promise<Result<true>> {
  return (await deleteDirectoryEntry(db, id)) ? { ok: true, value: true } : { ok: false, errors: { form: "validation.directoryNotFound" } };
}

export function findPeople(db: Db, text: string): Promise<DirectoryRow[]> {
  const trimmed = text.trim().slice(0, 200);
  return trimmed.length < 2 ? Promise.resolve([]) : searchDirectory(db, trimmed, 8);
}

/** The first phone of a contact that the trunk can dial (a SIP URI cannot be), digits and a leading + only. */
export function dialablePhone(phones: readonly string[]): string | undefined {
  for (const phone of phones) if (!/^sips?:/i.test(phone)) return phone.replace(/[^0-9+]/g, "");
  return undefined;
}

/** The directory for the desk's transfer panel (server/calls/desk-bridge.ts): contacts with a dialable phone. */
export function transferDirectory(db: Db): { contacts(): Promise<Array<{ id: number; name: string; phone: string }>>; phoneOf(id: number): Promise<string | undefined> } {
  const dialable = async () =>
    (await listDirectory(db)).flatMap((row) => {
      const phone = dialablePhone(row.phones);
      return phone ? [{ id: row.id, name: row.name, phone }] : [];
    });
  return {
    contacts: dialable,
    phoneOf: async (id) => (await dialable()).find((c) => c.id === id)?.phone,
  };
}

/** A colleague on the hotline found by name, with their live routing state (undefined: not known to the engine). */
export interface Colleague {
  userId: number;
  name: string;
  username: string;
  status?: OperatorStatus;
}

/** Hotline users (operators, supervisors) by name, each with the live state `stateOf` gives. */
export async function findColleagues(db: Db, text: string, stateOf: (userId: number) => OperatorStatus | undefined): Promise<Colleague[]> {
  const trimmed = text.trim().slice(0, 100);
  if (trimmed.length < 2) return [];
  return (await searchActiveUsers(db, trimmed, 5)).map((user) => ({ userId: user.id, name: user.displayName, username: user.username, status: stateOf(user.id) }));
}

/** The CSV columns, in order; lists (phones, competences) are separated by `;` inside their cell. */
export const CSV_COLUMNS = ["name", "department", "title", "phones", "email", "competences", "hours", "notes"] as const;

export interface ImportReport {
  imported: number;
  /** Line numbers are the file's (the header is line 1); each error names the field and its `validation.*` key. */
  rows: Array<{ line: number; errors: FieldErrors }>;
  /** A problem with the whole file: missing columns, unknown columns, too many rows, unreadable CSV. */
  file?: string;
}

/**
 * Imports a CSV with a header row naming columns of CSV_COLUMNS (`name` required, others optional, any order).
 * All or nothing: when any row is invalid, nothing is written and the report lists every faulty row.
 */
export async function importDirectoryCsv(db: Db, csv: string): Promise<ImportReport> {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: "greedy", transformHeader: (h) => h.trim().toLowerCase(), transform: restoreNeutralised });
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes("name")) return { imported: 0, rows: [], file: "validation.csvColumns" };
  if (fields.some((field) => !(CSV_COLUMNS as readonly string[]).includes(field))) return { imported: 0, rows: [], file: "validation.csvColumns" };
  // An import larger than this is refused whole (the page's upload limit is about this).
  if (parsed.data.length > MAX_IMPORT_ROWS) return { imported: 0, rows: [], file: "validation.csvTooLarge" };
  const malformed = new Set(parsed.errors.map((error) => error.row).filter((row): row is number => row !== undefined));
  const entries: DirectoryInput[] = [];
  const report: ImportReport = { imported: 0, rows: [] };
  parsed.data.forEach((record, index) => {
    const line = index + 2;
    if (malformed.has(index)) return report.rows.push({ line, errors: { form: "validation.csvRow" } });
    const result = parseDirectoryEntry(record);
    if (result.ok) entries.push(result.value);
    else report.rows.push({ line, errors: result.errors });
  });
  if (report.rows.length > 0) return report;
  report.imported = (await insertDirectoryEntries(db, entries)).length;
  return report;
}

/**
 * The whole directory as CSV (header row, lists joined with `;`), ready to import again. A cell a spreadsheet could
 * read as a formula (an entry typed `=HYPERLINK(…)`, or a phone `+33…`) gets a leading apostrophe (OWASP "CSV
 * injection"), which {@link importDirectoryCsv} drops again.
 */
export async function exportDirectoryCsv(db: Db): Promise<string> {
  const rows = await listDirectory(db);
  return Papa.unparse({
    fields: [...CSV_COLUMNS],
    data: rows.map((row) => CSV_COLUMNS.map((column) => neutraliseFormula(Array.isArray(row[column]) ? (row[column] as string[]).join(";") : String(row[column])))),
  });
}
