import { asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { directoryEntries, type DirectoryEntry } from "../schema";
import { prefixTsQuery, TRIGRAM_THRESHOLD } from "./text-search";

export type DirectoryInput = Omit<DirectoryEntry, "id" | "createdAt" | "searchText" | "searchVector">;

const searchText = (input: Pick<DirectoryInput, "competences">) => input.competences.join(" ");

const columns = {
  id: directoryEntries.id,
  name: directoryEntries.name,
  department: directoryEntries.department,
  title: directoryEntries.title,
  phones: directoryEntries.phones,
  email: directoryEntries.email,
  competences: directoryEntries.competences,
  hours: directoryEntries.hours,
  notes: directoryEntries.notes,
};
export type DirectoryRow = DirectoryInput & { id: number };

export async function insertDirectoryEntries(db: Db, inputs: DirectoryInput[]): Promise<DirectoryRow[]> {
  if (inputs.length === 0) return [];
  return db
    .insert(directoryEntries)
    .values(inputs.map((input) => ({ ...input, searchText: searchText(input) })))
    .returning(columns);
}

export async function deleteDirectoryEntry(db: Db, id: number): Promise<boolean> {
  return (await db.delete(directoryEntries).where(eq(directoryEntries.id, id)).returning({ id: directoryEntries.id })).length > 0;
}

export function listDirectory(db: Db): Promise<DirectoryRow[]> {
  return db.select(columns).from(directoryEntries).orderBy(asc(directoryEntries.name), asc(directoryEntries.id));
}

/**
 * People by name, department, title or competence: every typed word a prefix (`simple` configuration: names and
 * tags are not stemmed), or a name close to what was typed (pg_trgm word similarity, for misspelt names).
 */
export async function searchDirectory(db: Db, text: string, limit = 10): Promise<DirectoryRow[]> {
  const query = prefixTsQuery(text);
  if (!query) return [];
  const phrase = text.normalize("NFC").trim().toLowerCase();
  return db
    .select(columns)
    .from(directoryEntries)
    .where(sql`(${directoryEntries.searchVector} @@ to_tsquery('simple', ${query}) or word_similarity(${phrase}, lower(${directoryEntries.name})) >= ${TRIGRAM_THRESHOLD})`)
    .orderBy(
      desc(sql`ts_rank_cd(${directoryEntries.searchVector}, to_tsquery('simple', ${query}))`),
      desc(sql`word_similarity(${phrase}, lower(${directoryEntries.name}))`),
      asc(directoryEntries.name),
    )
    .limit(limit);
}
