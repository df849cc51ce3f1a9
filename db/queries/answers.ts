import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { answerUses, preparedAnswers, type PreparedAnswer } from "../schema";
import { configOf, matchesInOwnLanguage, prefixTsQuery, TRIGRAM_THRESHOLD } from "./text-search";

export interface AnswerInput {
  topic: string;
  question: string;
  variants: string[];
  tags: string[];
  sensitive: boolean;
  queueIds: number[];
  locale: string;
  reviewedAt: string | null;
}

/** What the generated search vector reads besides question and topic. */
const searchText = (input: Pick<AnswerInput, "variants" | "tags">) => [...input.tags, ...input.variants].join(" ");

export async function insertAnswer(db: Db, input: AnswerInput): Promise<PreparedAnswer> {
  const [row] = await db.insert(preparedAnswers).values({ ...input, searchText: searchText(input) }).returning();
  return row!;
}

export async function updateAnswer(db: Db, id: number, input: AnswerInput): Promise<PreparedAnswer | undefined> {
  const [row] = await db
    .update(preparedAnswers)
    .set({ ...input, searchText: searchText(input), updatedAt: new Date() })
    .where(eq(preparedAnswers.id, id))
    .returning();
  return row;
}

export async function deleteAnswer(db: Db, id: number): Promise<boolean> {
  return (await db.delete(preparedAnswers).where(eq(preparedAnswers.id, id)).returning({ id: preparedAnswers.id })).length > 0;
}

export async function findAnswer(db: Db, id: number): Promise<PreparedAnswer | undefined> {
  const [row] = await db.select().from(preparedAnswers).where(eq(preparedAnswers.id, id));
  return row;
}

// Qualified by hand: Drizzle renders columns of a one-table select unqualified, and "id" would mean answer_uses.id here.
const uses = sql<number>`(select count(*)::int from "answer_uses" u where u."answer_id" = "prepared_answers"."id")`;

const answerColumns = {
  id: preparedAnswers.id,
  topic: preparedAnswers.topic,
  question: preparedAnswers.question,
  variants: preparedAnswers.variants,
  tags: preparedAnswers.tags,
  sensitive: preparedAnswers.sensitive,
  queueIds: preparedAnswers.queueIds,
  locale: preparedAnswers.locale,
  reviewedAt: preparedAnswers.reviewedAt,
  uses,
};

/** Every prepared answer by topic then question, with how often each was marked used. */
export function listAnswers(db: Db) {
  return db.select(answerColumns).from(preparedAnswers).orderBy(asc(preparedAnswers.topic), asc(preparedAnswers.question));
}

export type AnswerHit = Awaited<ReturnType<typeof listAnswers>>[number];

/**
 * Prepared answers for what the operator typed, in every language, ranked by PostgreSQL: an exact question
 * first, then answers for the call's queue (then those for every queue, then others), then full-text rank
 * (`ts_rank_cd` in the row's own dictionary, word prefixes), then trigram word similarity, which also lets a
 * misspelt word find its answer when no word matches (pg_trgm's `word_similarity` at least TRIGRAM_THRESHOLD).
 */
export async function searchAnswers(db: Db, text: string, options: { queueId?: number | null; limit?: number } = {}): Promise<AnswerHit[]> {
  const query = prefixTsQuery(text);
  if (!query) return [];
  const phrase = text.normalize("NFC").trim().toLowerCase();
  const queueId = options.queueId ?? null;
  const rank = sql`ts_rank_cd(${preparedAnswers.searchVector}, to_tsquery(${configOf(preparedAnswers.locale)}, ${query}))`;
  return db
    .select(answerColumns)
    .from(preparedAnswers)
    .where(
      sql`(${matchesInOwnLanguage(preparedAnswers.searchVector, preparedAnswers.locale, query)} or word_similarity(${phrase}, lower(${preparedAnswers.question})) >= ${TRIGRAM_THRESHOLD})`,
    )
    .orderBy(
      desc(sql`lower(${preparedAnswers.question}) = ${phrase}`),
      asc(sql`case when ${queueId}::int = any(${preparedAnswers.queueIds}) then 0 when cardinality(${preparedAnswers.queueIds}) = 0 then 1 else 2 end`),
      desc(rank),
      desc(sql`word_similarity(${phrase}, lower(${preparedAnswers.question}))`),
      asc(preparedAnswers.id),
    )
    .limit(options.limit ?? 10);
}

/** Counts one "used" click on an answer, for the call it helped with when there is one. */
export async function recordAnswerUse(db: Db, use: { answerId: number; callId: string | null; userId: number; at: Date }): Promise<void> {
  await db.insert(answerUses).values(use);
}

/** How many times each answer was marked used on a call. */
export function answerUsesOfCall(db: Db, callId: string) {
  return db
    .select({ answerId: answerUses.answerId, uses: count() })
    .from(answerUses)
    .where(and(eq(answerUses.callId, callId)))
    .groupBy(answerUses.answerId);
}
