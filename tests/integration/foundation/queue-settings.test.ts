import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import {
  createQueue,
  deleteVipNumber,
  findQueueById,
  listQueueMembers,
  listQueueNumbers,
  listQueueSummaries,
  listVipNumbers,
  removeHotlineNumber,
  removeQueueMember,
  setQueueMember,
  updateQueueSettings,
  upsertVipNumber,
} from "../../../db/queries/queues";
import { createUser, updateUser } from "../../../db/queries/users";
import { queueSettingsFromRow } from "../../../server/calls/queue-settings-mapping";
import { resolveQueueSettings } from "../../../server/queue";
import { addQueueNumber, createNamedQueue, saveQueueMember, saveQueueSettings } from "../../../server/queues/queue-admin";
import { queueFormValues } from "../../../server/queues/queue-form-values";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

describe.each(DATABASE_KINDS)("queue settings on %s", (kind) => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(() => database.close());

  it("creates queues whose column defaults are the engine's defaults", async () => {
    const queue = await createQueue(database.db, "Sales");
    expect(resolveQueueSettings(queueSettingsFromRow(queue))).toEqual(resolveQueueSettings({ id: String(queue.id) }));
  });

  it("stores every setting, nulls, arrays and overflow targets included, and reads them back", async () => {
    const support = await createQueue(database.db, "Support");
    const overflow = await createQueue(database.db, "Overflow");
    const updated = await updateQueueSettings(database.db, support.id, {
      strategy: "skills",
      weight: 3,
      maxWaitS: 600,
      maxWaitAction: "overflow",
      maxWaitTargetId: overflow.id,
      queueFullAction: "callback",
      tierDelaysS: [0, 20, 40],
      maxOnBreak: 1,
      joinWhen: "staffed",
    });
    expect(updated).toMatchObject({ strategy: "skills", weight: 3, maxWaitS: 600, maxWaitTargetId: overflow.id, tierDelaysS: [0, 20, 40], maxOnBreak: 1 });
    expect(await findQueueById(database.db, support.id)).toEqual(updated);

    await updateQueueSettings(database.db, support.id, { maxWaitS: null, maxOnBreak: null });
    expect(await findQueueById(database.db, support.id)).toMatchObject({ maxWaitS: null, maxOnBreak: null, strategy: "skills" });
    expect(await updateQueueSettings(database.db, 999_999, { weight: 1 })).toBeUndefined();
  });

  it("saves a settings form through validation, refusing taken names and bad values per field", async () => {
    const queue = await createQueue(database.db, "Billing");
    const values = { ...queueFormValues(queue), strategy: "round-robin", ringTimeoutS: "15" };
    const saved = await saveQueueSettings(database.db, queue.id, values);
    expect(saved.ok && [saved.value.strategy, saved.value.ringTimeoutS]).toEqual(["round-robin", 15]);

    expect(await saveQueueSettings(database.db, queue.id, { ...values, ringTimeoutS: "0", name: "SALES" })).toEqual({
      ok: false,
      errors: { ringTimeoutS: "validation.ringTimeout" },
    });
    expect(await saveQueueSettings(database.db, queue.id, { ...values, name: "SALES" })).toEqual({ ok: false, errors: { name: "validation.queueNameTaken" } });
    expect(await saveQueueSettings(database.db, 999_999, values)).toEqual({ ok: false, errors: { form: "validation.queueNotFound" } });
    expect(await createNamedQueue(database.db, "sales")).toEqual({ ok: false, errors: { name: "validation.queueNameTaken" } });
  });

  it("adds members, changes their level and removes them", async () => {
    const queue = await createQueue(database.db, "Members");
    const olga = await createUser(database.db, { username: "olga", displayName: "Olga", role: "operator", passwordHash: "x" });
    const off = await createUser(database.db, { username: "off", displayName: "Off", role: "operator", passwordHash: "x" });
    await updateUser(database.db, off.id, { disabled: true });

    expect(await saveQueueMember(database.db, queue.id, { userId: String(olga.id), level: "10" })).toEqual({ ok: false, errors: { level: "validation.level" } });
    expect(await saveQueueMember(database.db, queue.id, { userId: off.id, level: 1 })).toEqual({ ok: false, errors: { userId: "validation.operator" } });
    await setQueueMember(database.db, queue.id, olga.id, 1);
    await setQueueMember(database.db, queue.id, olga.id, 2);
    expect(await listQueueMembers(database.db, queue.id)).toEqual([{ userId: olga.id, username: "olga", displayName: "Olga", level: 2 }]);

    expect(await removeQueueMember(database.db, queue.id, olga.id)).toBe(true);
    expect(await removeQueueMember(database.db, queue.id, olga.id)).toBe(false);
    expect(await listQueueMembers(database.db, queue.id)).toEqual([]);
  });

  it("lists each queue's numbers and member count, and removes a number only from its own queue", async () => {
    const queue = await createQueue(database.db, "Numbers");
    const other = await createQueue(database.db, "Other numbers");
    const added = await addQueueNumber(database.db, queue.id, { number: "+33 1 00", label: "Poster" });
    expect(added.ok && [added.value.number, added.value.label]).toEqual(["+33100", "Poster"]);
    expect(await addQueueNumber(database.db, other.id, { number: "+33100", label: "" })).toEqual({ ok: false, errors: { number: "validation.numberTaken" } });
    await addQueueNumber(database.db, queue.id, { number: "2000", label: "" });

    const summary = (await listQueueSummaries(database.db)).find((q) => q.id === queue.id);
    expect(summary).toMatchObject({ name: "Numbers", members: 0, numbers: ["+33100", "2000"] });

    const [first] = await listQueueNumbers(database.db, queue.id);
    expect(await removeHotlineNumber(database.db, other.id, first!.id)).toBe(false);
    expect(await removeHotlineNumber(database.db, queue.id, first!.id)).toBe(true);
    expect((await listQueueNumbers(database.db, queue.id)).map((n) => n.number)).toEqual(["2000"]);
  });

  it("upserts and deletes VIP numbers", async () => {
    await upsertVipNumber(database.db, { number: "0612", priority: 5, label: "Mayor" });
    await upsertVipNumber(database.db, { number: "0611", priority: 1 });
    await upsertVipNumber(database.db, { number: "0612", priority: 9, label: null });
    expect((await listVipNumbers(database.db)).map(({ number, priority, label }) => ({ number, priority, label }))).toEqual([
      { number: "0611", priority: 1, label: null },
      { number: "0612", priority: 9, label: null },
    ]);
    expect(await deleteVipNumber(database.db, "0611")).toBe(true);
    expect(await deleteVipNumber(database.db, "0611")).toBe(false);
    expect((await listVipNumbers(database.db)).map((v) => v.number)).toEqual(["0612"]);
  });
});
