import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { findCall, insertCall, listCallEvents, updateCall } from "../../../db/queries/calls";
import { createQueue, setQueueMember, updateQueueSettings } from "../../../db/queries/queues";
import { createUser } from "../../../db/queries/users";
import type { User } from "../../../db/schema";
import { createTopic } from "../../../server/answers/answer-service";
import { callContext } from "../../../server/desk/call-context";
import { extendWrapUp, finishWrapUp, keepDraft, openDraft } from "../../../server/desk/wrap-up-service";
import { updateOrganisation } from "../../../server/organisation/organisation-service";
import { saveScript } from "../../../server/scripts/script-service";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

describe.each(DATABASE_KINDS)("desk screen pop and wrap-up on %s", (kind) => {
  let database: Database;
  let olga: User;
  let omar: User;
  let sam: User;
  let help: number;
  let other: number;
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
  const call = async (callerNumber: string, queueId: number, minutesAgo: number, operatorId?: number) => {
    const row = await insertCall(database.db, { sipCallId: `c${Math.random()}`, callerNumber, dialedNumber: "2400", queueId, arrivedAt: at(minutesAgo), slThresholdS: 20, shortAbandonS: 5 });
    if (operatorId) await updateCall(database.db, row.id, { operatorId, answeredAt: at(minutesAgo), outcome: "answered" });
    return row.id;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    const user = (username: string, role: User["role"]) => createUser(database.db, { username, displayName: username.toUpperCase(), role, passwordHash: "x" });
    [olga, omar, sam] = [await user("olga", "operator"), await user("omar", "operator"), await user("sam", "supervisor")];
    help = (await createQueue(database.db, "Help")).id;
    other = (await createQueue(database.db, "Other")).id;
    await setQueueMember(database.db, help, olga.id);
    await setQueueMember(database.db, other, omar.id);
    await updateOrganisation(database.db, { name: "Acme", nameFr: "Acmé", country: "FR", historyDays: "30" });
    await createTopic(database.db, help, "Refunds");
  });
  afterAll(() => database.close());

  it("the script: the queue's own, else the default for every queue, else the built-in one, with the organisation's name in the desk's language", async () => {
    const ringing = await call("0612345678", help, 0);
    const builtIn = await callContext(database.db, olga, ringing, "en", new Date());
    expect(builtIn?.script.steps[1]).toBe("How can I help you?");
    expect(builtIn?.script.values).toEqual({ organisation: "Acme", operator: "OLGA", queue: "Help", caller: "0612345678" });
    expect((await callContext(database.db, olga, ringing, "fr", new Date()))?.script.values.organisation).toBe("Acmé");
    expect((await saveScript(database.db, { queueId: null, locale: "en", steps: ["Hello from {organisation}"] })).ok).toBe(true);
    expect((await callContext(database.db, olga, ringing, "en", new Date()))?.script.steps).toEqual(["Hello from {organisation}"]);
    expect((await saveScript(database.db, { queueId: help, locale: "en", steps: ["Help desk, {operator}"] })).ok).toBe(true);
    expect((await callContext(database.db, olga, ringing, "en", new Date()))?.script.steps).toEqual(["Help desk, {operator}"]);
    expect((await saveScript(database.db, { queueId: help, locale: "en", steps: ["Help desk, {operator} again"] })).ok).toBe(true);
    expect((await callContext(database.db, olga, ringing, "en", new Date()))?.script.steps).toEqual(["Help desk, {operator} again"]);
  });

  it("history: the same caller in national and E.164 form, within the days limit, only the operator's queues; supervisors see all", async () => {
    await call("+33611111111", help, 60, olga.id);
    await call("06 11 11 11 11", other, 120);
    await call("+33611111111", help, 60 * 24 * 40); // beyond 30 days
    await call("+44611111111", help, 30); // same last digits, another caller
    const ringing = await call("0611111111", help, 0);
    const mine = await callContext(database.db, olga, ringing, "en", new Date());
    expect(mine?.history?.calls.map((c) => c.queue)).toEqual(["Help"]);
    expect(mine?.history?.calls[0]?.operator).toBe("OLGA");
    const all = await callContext(database.db, sam, ringing, "en", new Date());
    expect(all?.history?.calls.map((c) => c.queue)).toEqual(["Help", "Other"]);
    // An operator of another queue does not get this call's screen pop at all.
    expect(await callContext(database.db, omar, ringing, "en", new Date())).toBeUndefined();
  });

  it("wrap-up: a draft survives, field errors on Done, then the record and the event log have it", async () => {
    const answered = await call("+33700000000", help, 1, olga.id);
    await updateQueueSettings(database.db, help, { topicRequired: true });
    expect((await keepDraft(database.db, olga.id, { callId: answered, notes: "half", answerIds: [] }, new Date())).ok).toBe(true);
    expect(await openDraft(database.db, olga.id, new Date())).toMatchObject({ callId: answered, notes: "half" });
    expect((await keepDraft(database.db, omar.id, { callId: answered }, new Date())).ok).toBe(false);
    expect(await finishWrapUp(database.db, olga.id, { callId: answered, topic: "", outcomeDetail: "", notes: "x" }, new Date())).toEqual({
      ok: false,
      errors: { topic: "validation.topicRequired", outcomeDetail: "validation.outcome" },
    });
    expect(await finishWrapUp(database.db, olga.id, { callId: answered, topic: "Shipping", outcomeDetail: "transferred", notes: "x" }, new Date())).toEqual({
      ok: false,
      errors: { topic: "validation.topic" },
    });
    const done = await finishWrapUp(database.db, olga.id, { callId: answered, topic: "Refunds", outcomeDetail: "callback-promised", notes: " Call back Monday ", answerIds: [] }, new Date());
    expect(done.ok).toBe(true);
    expect(await findCall(database.db, answered)).toMatchObject({ topic: "Refunds", outcomeDetail: "callback-promised", notes: "Call back Monday" });
    expect((await listCallEvents(database.db, answered)).map((e) => e.type)).toContain("call.wrap-up");
    expect(await openDraft(database.db, olga.id, new Date())).toBeUndefined();
    // The caller's next call shows the promise apart, with its note; a call without one is not a promise.
    const plain = await call("+33700000000", help, 0, olga.id);
    await finishWrapUp(database.db, olga.id, { callId: plain, topic: "Refunds", outcomeDetail: "answered-on-the-spot", notes: "", answerIds: [] }, new Date());
    const next = await call("0700000000", help, 0);
    const pop = await callContext(database.db, olga, next, "en", new Date());
    expect(pop?.history?.calls).toHaveLength(2);
    expect(pop?.history?.promises.map((p) => [p.id, p.outcomeDetail, p.notes])).toEqual([[answered, "callback-promised", "Call back Monday"]]);
  });

  it("a wrap-up is extended once, and only where the queue allows it", async () => {
    const answered = await call("+33700000002", help, 1, olga.id);
    await keepDraft(database.db, olga.id, { callId: answered }, new Date());
    expect(await extendWrapUp(database.db, olga.id)).toEqual({ ok: false, errors: { form: "validation.wrapUpNoExtension" } });
    await updateQueueSettings(database.db, help, { wrapUpExtendS: 45 });
    expect(await extendWrapUp(database.db, olga.id)).toEqual({ ok: true, value: { byMs: 45_000 } });
    expect(await extendWrapUp(database.db, olga.id)).toEqual({ ok: false, errors: { form: "validation.wrapUpExtendedAlready" } });
    expect((await openDraft(database.db, olga.id, new Date()))?.extended).toBe(true);
    expect(await extendWrapUp(database.db, omar.id)).toEqual({ ok: false, errors: { form: "validation.callNotFound" } });
  });

  it("a draft whose wrap-up time ran out is saved as it stands", async () => {
    const answered = await call("+33700000001", help, 1, olga.id);
    await keepDraft(database.db, olga.id, { callId: answered, notes: "typed before the timer", outcomeDetail: "could-not-help" }, new Date());
    await updateCall(database.db, answered, { wrapUpEndedAt: new Date() });
    expect(await openDraft(database.db, olga.id, new Date())).toBeUndefined();
    expect(await findCall(database.db, answered)).toMatchObject({ notes: "typed before the timer", outcomeDetail: "could-not-help" });
  });
});
