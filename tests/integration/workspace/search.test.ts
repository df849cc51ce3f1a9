import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { createQueue } from "../../../db/queries/queues";
import { createAnswer, findAnswers, markAnswerUsed } from "../../../server/answers/answer-service";
import { findColleagues, findPeople, exportDirectoryCsv, importDirectoryCsv, createDirectoryEntry } from "../../../server/directory/directory-service";
import { answerUsesOfCall, listAnswers } from "../../../db/queries/answers";
import { insertCall } from "../../../db/queries/calls";
import { listDirectory } from "../../../db/queries/directory";
import { directoryEntries } from "../../../db/schema";
import { createUser } from "../../../db/queries/users";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

const answer = (over: Record<string, unknown>) => ({ tags: "", sensitive: false, queueIds: [], locale: "en", reviewedAt: "", variants: ["An answer."], ...over });

describe.each(DATABASE_KINDS)("prepared answers and directory search on %s", (kind) => {
  let database: Database;
  let sales: number;
  let support: number;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    sales = (await createQueue(database.db, "Sales")).id;
    support = (await createQueue(database.db, "Support")).id;
    const add = async (key: string, input: Record<string, unknown>) => {
      const result = await createAnswer(database.db, answer(input));
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      ids[key] = result.value.id;
    };
    await add("refundLong", { topic: "Refunds", question: "How long does a refund take after a return?", variants: ["Five working days."] });
    await add("refund", { topic: "Refunds", question: "How do I get a refund?", variants: ["Bring the receipt."] });
    await add("refundSales", { topic: "Refunds", question: "Can I have my refund in cash?", queueIds: [sales] });
    await add("delivery", { topic: "Delivery", question: "Where is my parcel?", tags: "tracking, delivery" });
    // Says "parcel" more often than the exact question: PostgreSQL's rank alone would put it first.
    await add("lostParcel", { topic: "Delivery", question: "Where is my parcel? Tracking says the parcel is lost", variants: ["A lost parcel is refunded."] });
    await add("fr", { topic: "Remboursements", question: "Comment être remboursé après un retour ?", variants: ["Sous cinq jours ouvrés."], locale: "fr" });
    await add("ar", { topic: "الاسترداد", question: "كيف أسترد ثمن المنتج؟", variants: ["خلال خمسة أيام عمل."], locale: "ar" });
  });
  afterAll(() => database.close());

  const found = async (text: string, queueId: number | null = null) => (await findAnswers(database.db, text, queueId)).map((hit) => hit.id);

  it("an exact question match comes first, before a question that ranks higher on its words", async () => {
    expect(await found("Where is my parcel?")).toEqual([ids.delivery, ids.lostParcel]);
    expect(await found("parcel")).toEqual([ids.lostParcel, ids.delivery]);
    expect((await found("How do I get a refund?"))[0]).toBe(ids.refund);
  });

  it("finds by a word prefix as the operator types, stemmed in English", async () => {
    expect(await found("refun")).toEqual(expect.arrayContaining([ids.refund, ids.refundLong, ids.refundSales]));
    expect(await found("returns")).toContain(ids.refundLong);
    expect(await found("track")).toEqual(expect.arrayContaining([ids.delivery, ids.lostParcel]));
  });

  it("answers for the call's queue come first", async () => {
    expect((await found("refund", sales))[0]).toBe(ids.refundSales);
    expect((await found("refund", support))[0]).not.toBe(ids.refundSales);
  });

  it("French with accents, in the French dictionary, whatever the desk's language", async () => {
    expect(await found("remboursé")).toContain(ids.fr);
    expect(await found("remboursement")).toContain(ids.fr);
    expect(await found("retour")).toContain(ids.fr);
  });

  it("Arabic words and prefixes (simple configuration)", async () => {
    expect(await found("أسترد")).toEqual([ids.ar]);
    expect(await found("المنت")).toEqual([ids.ar]);
  });

  it("a misspelt word still finds its question through trigram similarity", async () => {
    expect(await found("parsel")).toEqual(expect.arrayContaining([ids.delivery]));
    expect(await found("zzzz")).toEqual([]);
  });

  it("counts uses per answer and per call", async () => {
    const user = await createUser(database.db, { username: "olga", displayName: "Olga", role: "operator", passwordHash: "x" });
    const call = await insertCall(database.db, { sipCallId: "c1", callerNumber: "+33612345678", dialedNumber: "2000", arrivedAt: new Date(), slThresholdS: 20, shortAbandonS: 5 });
    expect(await markAnswerUsed(database.db, ids.delivery!, user.id, call.id, new Date())).toBe(true);
    expect(await markAnswerUsed(database.db, ids.delivery!, user.id, null, new Date())).toBe(true);
    expect(await markAnswerUsed(database.db, 999_999, user.id, null, new Date())).toBe(false);
    expect((await listAnswers(database.db)).find((r) => r.id === ids.delivery)?.uses).toBe(2);
    expect(await answerUsesOfCall(database.db, call.id)).toEqual([{ answerId: ids.delivery, uses: 1 }]);
  });

  it("nothing for no words, and typed punctuation cannot break the query", async () => {
    expect(await found("  ")).toEqual([]);
    expect(await found("refund' & | ! (:*")).toEqual(expect.arrayContaining([ids.refund]));
  });

  it("directory: by competence, by name prefix, misspelt name; CSV round trip with a per-row report", async () => {
    const ok = await createDirectoryEntry(database.db, { name: "Claire Martin", department: "Finance", phones: "+33140000000", competences: "refunds, invoices" });
    expect(ok.ok).toBe(true);
    const report = await importDirectoryCsv(
      database.db,
      "name,phones,competences,email\nKarim Haddad,+212522000000,livraison;retours,karim@example.org\n,123,x,\nNadia,not-a-phone,x,bad-mail\n",
    );
    expect(report).toEqual({
      imported: 0,
      rows: [
        { line: 3, errors: { name: "validation.directoryName" } },
        { line: 4, errors: { phones: "validation.phone", email: "validation.email" } },
      ],
    });
    expect((await importDirectoryCsv(database.db, "name,phones,competences\nKarim Haddad,+212522000000,livraison;retours\n")).imported).toBe(1);
    expect((await importDirectoryCsv(database.db, "nom,phones\nX,1\n")).file).toBe("validation.csvColumns");
    expect((await findPeople(database.db, "refunds")).map((p) => p.name)).toEqual(["Claire Martin"]);
    expect((await findPeople(database.db, "retour")).map((p) => p.name)).toEqual(["Karim Haddad"]);
    expect((await findPeople(database.db, "clai")).map((p) => p.name)).toEqual(["Claire Martin"]);
    expect((await findPeople(database.db, "Karim Hadad")).map((p) => p.name)).toEqual(["Karim Haddad"]);
    const csv = await exportDirectoryCsv(database.db);
    expect(csv.split(/\r?\n/)[0]).toBe("name,department,title,phones,email,competences,hours,notes");
    expect(csv).toContain("Karim Haddad,,,'+212522000000,,livraison;retours,,");
  });

  it("exports no cell a spreadsheet would run as a formula, and imports its own export unchanged", async () => {
    const hostile = await createDirectoryEntry(database.db, { name: "=HYPERLINK(\"http://x\",\"y\")", phones: ["+33123456789"], competences: ["@sum", "-1"] });
    expect(hostile.ok).toBe(true);
    const csv = await exportDirectoryCsv(database.db);
    const lines = csv.split(/\r?\n/).slice(1);
    for (const cell of lines.flatMap((line) => Papa.parse<string[]>(line).data[0] ?? [])) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const before = await listDirectory(database.db);
    await database.db.delete(directoryEntries);
    expect((await importDirectoryCsv(database.db, csv)).imported).toBe(before.length);
    const strip = (rows: typeof before) => rows.map(({ id: _id, ...rest }) => rest).sort((a, b) => a.name.localeCompare(b.name));
    expect(strip(await listDirectory(database.db))).toEqual(strip(before));
  });

  it("colleagues by part of their name, with the state given; wildcards typed are plain text", async () => {
    const colleagues = await findColleagues(database.db, "OLG", (id) => (id > 0 ? "available" : undefined));
    expect(colleagues).toEqual([expect.objectContaining({ name: "Olga", username: "olga", status: "available" })]);
    expect(await findColleagues(database.db, "%_", () => undefined)).toEqual([]);
  });

  it("lists answers with their use counts", async () => {
    const rows = await listAnswers(database.db);
    expect(rows.find((r) => r.id === ids.refund)?.uses).toBe(0);
  });
});
