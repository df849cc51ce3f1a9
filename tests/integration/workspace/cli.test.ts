import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { listAnswers } from "../../../db/queries/answers";
import { listDirectory } from "../../../db/queries/directory";
import { getOrganisation } from "../../../db/queries/organisation";
import { findQueueByName } from "../../../db/queries/queues";
import { findScript } from "../../../db/queries/scripts";
import { listTopics } from "../../../db/queries/topics";
import { UserService } from "../../../server/accounts/user-service";
import { runCommand } from "../../../server/cli/commands";
import { commandContext } from "../../../server/cli/context";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

describe.each(DATABASE_KINDS)("command line for the desk's content on %s", (kind) => {
  let database: Database;
  let cli: (...argv: string[]) => ReturnType<typeof runCommand>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const users = new UserService(database.db, { logoutEverywhere: async () => {} });
    cli = (...argv) => runCommand(argv, commandContext(database.db, users));
    expect((await cli("queue", "add", "Support")).code).toBe(0);
  });
  afterAll(() => database.close());

  it("org set: name, country; a bad country is refused with the field named", async () => {
    expect((await cli("org", "set", "--name", "Acme", "--country", "fr", "--history-days", "90")).code).toBe(0);
    expect(await getOrganisation(database.db)).toMatchObject({ name: "Acme", country: "FR", historyDays: 90 });
    const bad = await cli("org", "set", "--country", "France");
    expect(bad.code).toBe(1);
    expect(bad.err.join("\n")).toMatch(/^error: country: /);
    expect((await cli("org", "set")).code).toBe(2);
  });

  it("org set --sl-target: the service level target in percent, 1 to 100", async () => {
    expect((await cli("org", "set", "--sl-target", "90")).code).toBe(0);
    expect(await getOrganisation(database.db)).toMatchObject({ serviceLevelTargetPct: 90, name: "Acme" });
    for (const bad of ["0", "101", "80.5", "eighty"]) {
      const result = await cli("org", "set", "--sl-target", bad);
      expect(result.code).toBe(1);
      expect(result.err.join("\n")).toMatch(/^error: serviceLevelTargetPct: /);
    }
    expect((await getOrganisation(database.db)).serviceLevelTargetPct).toBe(90);
  });

  it("script set <queue> --lang --step…: saved in order; an unknown placeholder is refused", async () => {
    expect((await cli("script", "set", "Support", "--lang", "fr", "--step", "Bonjour, {organisation}, {operator}.", "--step", "Comment puis-je vous aider ?")).code).toBe(0);
    const queue = await findQueueByName(database.db, "Support");
    expect((await findScript(database.db, queue!.id, "fr"))?.steps).toEqual(["Bonjour, {organisation}, {operator}.", "Comment puis-je vous aider ?"]);
    const bad = await cli("script", "set", "Support", "--lang", "en", "--step", "Hello {agent}");
    expect(bad.code).toBe(1);
    expect(bad.err.join("\n")).toContain("step.0");
    expect((await cli("script", "set", "Nowhere", "--lang", "en", "--step", "x")).code).toBe(1);
    expect((await cli("script", "set", "Support", "--step", "x")).code).toBe(2);
  });

  it("topic add <queue> <topic>: once per queue", async () => {
    expect((await cli("topic", "add", "Support", "Refunds")).code).toBe(0);
    expect((await cli("topic", "add", "Support", "refunds")).code).toBe(1);
    const queue = await findQueueByName(database.db, "Support");
    expect((await listTopics(database.db, queue!.id)).map((t) => t.name)).toEqual(["Refunds"]);
  });

  it("answer add --topic --question --answer [--queue] [--lang]", async () => {
    expect((await cli("answer", "add", "--topic", "Refunds", "--question", "Comment être remboursé ?", "--answer", "Sous cinq jours.", "--queue", "Support", "--lang", "fr")).code).toBe(0);
    const [answer] = await listAnswers(database.db);
    expect(answer).toMatchObject({ topic: "Refunds", question: "Comment être remboursé ?", variants: ["Sous cinq jours."], locale: "fr" });
    expect(answer?.queueIds).toHaveLength(1);
    expect((await cli("answer", "add", "--topic", "Refunds", "--question", "No answer?")).code).toBe(1);
  });

  it("directory add --name --phone --competence a,b", async () => {
    expect((await cli("directory", "add", "--name", "Claire Martin", "--phone", "+33140000000", "--competence", "refunds,invoices")).code).toBe(0);
    expect(await listDirectory(database.db)).toEqual([expect.objectContaining({ name: "Claire Martin", phones: ["+33140000000"], competences: ["refunds", "invoices"] })]);
    expect((await cli("directory", "add", "--name", "X", "--phone", "call me")).code).toBe(1);
  });
});
