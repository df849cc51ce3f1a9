/**
 * The callback work list on both databases: who counts as a missed caller (abandoned, not short, a real number,
 * not reached since), claims that keep two operators off the same person, attempts that close a request when
 * answered, notes; and the outbound allow-list commands.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/client";
import { insertCallbackRequest } from "../../../db/queries/callback-requests";
import { insertCall, updateCall } from "../../../db/queries/calls";
import { UserService } from "../../../server/accounts/user-service";
import { CallbackService } from "../../../server/callbacks/callback-service";
import { runCommand } from "../../../server/cli/commands";
import { commandContext } from "../../../server/cli/context";
import { OutboundPolicy } from "../../../server/outbound/outbound-policy";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

/** A desk is open and the number may be called. */
const ALLOWED = { deskOpen: async () => true, mayCall: async () => ({ ok: true as const }) };

const NOW = Date.parse("2026-11-30T12:00:00Z");
const minutesAgo = (m: number) => new Date(NOW - m * 60_000);

describe.each(DATABASE_KINDS)("callback work list on %s", (kind) => {
  let database: Database;
  let callbacks: CallbackService;
  let ids: { ana: number; ben: number };
  const cli = (...argv: string[]) => runCommand(argv, commandContext(database.db, new UserService(database.db, { logoutEverywhere: async () => {} })));

  /** An inbound call that ended `outcome` after `waitedS` seconds, `m` minutes ago. */
  async function inbound(number: string, m: number, outcome: "abandoned" | "answered", waitedS = 30) {
    const call = await insertCall(database.db, { sipCallId: `sip-${number}-${m}`, callerNumber: number, dialedNumber: "100", arrivedAt: minutesAgo(m), slThresholdS: 20, shortAbandonS: 5 });
    await updateCall(database.db, call.id, { outcome, endedAt: new Date(minutesAgo(m).getTime() + waitedS * 1000) });
    return call;
  }

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    callbacks = new CallbackService(database.db, () => NOW);
    for (const name of ["ana", "ben"]) expect((await cli("user", "add", name, "--role", "operator", "--password", `${name}-pass-12`)).code).toBe(0);
    const users = await new UserService(database.db, { logoutEverywhere: async () => {} }).list();
    ids = { ana: users.find((u) => u.username === "ana")!.id, ben: users.find((u) => u.username === "ben")!.id };
  });
  afterAll(() => database.close());

  it("lists callers who hung up while waiting, except short abandons, anonymous callers and those reached since", async () => {
    const missed = await inbound("+33600000001", 60, "abandoned");
    await inbound("+33600000002", 50, "abandoned", 2); // short abandon
    await inbound("anonymous", 40, "abandoned");
    await inbound("+33600000003", 30, "abandoned");
    await inbound("+33600000003", 20, "answered"); // called again and answered since
    await inbound("+33600000004", 30, "abandoned");
    await insertCall(database.db, { sipCallId: "out-4", callerNumber: "100", dialedNumber: "+33600000004", arrivedAt: minutesAgo(10), slThresholdS: 0, shortAbandonS: 0, direction: "outbound" });
    await inbound("+33600000005", 30, "abandoned");
    await insertCallbackRequest(database.db, { callId: null as unknown as string, queueId: null, callerNumber: "+33600000005", reason: "max-wait", requestedAt: minutesAgo(25) });
    await inbound("+33600000006", 60 * 24 * 8, "abandoned"); // older than the list's 7 days
    // A consultation's leg to a missed caller's number (an operator asked them about another call) is no call back.
    const seven = await inbound("+33600000007", 30, "abandoned");
    await insertCall(database.db, { sipCallId: "consult-7", callerNumber: "100", dialedNumber: "+33600000007", arrivedAt: minutesAgo(10), slThresholdS: 0, shortAbandonS: 0, direction: "outbound", consultOf: seven.id });

    const { missed: list } = await callbacks.workList();
    expect(list.map((m) => m.callerNumber)).toEqual(["+33600000007", "+33600000001"]);
    await updateCall(database.db, seven.id, { outcome: "answered" });

    // Calling a missed caller back turns them into a request claimed by the caller, and off the missed list.
    const dialled: unknown[] = [];
    const started = await callbacks.startCallback(ids.ana, { missedCallId: missed.id }, async (request) => (dialled.push(request), true), ALLOWED);
    expect(started.ok).toBe(true);
    expect(dialled).toEqual([{ number: "+33600000001", callbackId: started.ok ? started.requestId : -1 }]);
    const after = await callbacks.workList();
    expect(after.missed).toEqual([]);
    expect(after.requests.find((r) => r.callerNumber === "+33600000001")).toMatchObject({ reason: "abandoned", assignedTo: ids.ana, assignee: "ana" });
  });

  it("claims keep a colleague off; a call that cannot be placed claims nothing; attempts stay until one is answered; notes go on the caller's last attempt", async () => {
    const request = await insertCallbackRequest(database.db, { callId: null as unknown as string, queueId: null, callerNumber: "0155550000", reason: "queue-full", requestedAt: minutesAgo(5) });
    // No desk open: nothing claimed (checked first), and a claim whose dial found no desk is given back.
    const noDesk = { deskOpen: async () => false, mayCall: async () => ({ ok: true as const }) };
    expect(await callbacks.startCallback(ids.ben, { requestId: request.id }, async () => true, noDesk)).toEqual({ ok: false, error: "no-desk" });
    expect(await callbacks.startCallback(ids.ben, { requestId: request.id }, async () => false, ALLOWED)).toEqual({ ok: false, error: "no-desk" });
    expect(await callbacks.claimed(request.id, ids.ben)).toBeUndefined();
    // A number the allow-list refuses: the page says so, nothing is claimed nor dialled.
    const dialled: unknown[] = [];
    const refuse = { deskOpen: async () => true, mayCall: async () => ({ ok: false as const, reason: "not-allowed" as const }) };
    expect(await callbacks.startCallback(ids.ben, { requestId: request.id }, async (r) => (dialled.push(r), true), refuse)).toEqual({ ok: false, error: "refused", reason: "not-allowed" });
    expect(dialled).toEqual([]);
    expect(await callbacks.claimed(request.id, ids.ben)).toBeUndefined();
    expect((await callbacks.workList()).requests.find((r) => r.id === request.id)).toMatchObject({ assignedTo: null });
    // A refused missed caller does not become a request.
    const missedRefused = await inbound("+33600000099", 3, "abandoned");
    expect(await callbacks.startCallback(ids.ben, { missedCallId: missedRefused.id }, async () => true, refuse)).toMatchObject({ ok: false, error: "refused" });
    expect((await callbacks.workList()).requests.some((r) => r.callerNumber === "+33600000099")).toBe(false);

    expect(await callbacks.startCallback(ids.ben, { requestId: request.id }, async () => true, ALLOWED)).toEqual({ ok: true, requestId: request.id });
    expect(await callbacks.startCallback(ids.ana, { requestId: request.id }, async () => true, ALLOWED)).toEqual({ ok: false, error: "taken" });
    expect(await callbacks.claimed(request.id, ids.ana)).toBeUndefined();
    expect(await callbacks.claimed(request.id, ids.ben)).toEqual({ callerNumber: "0155550000", queueId: null });

    expect(await callbacks.note(request.id, ids.ben, "before any call")).toBe(false);
    const call = await insertCall(database.db, { sipCallId: "out-x", callerNumber: "100", dialedNumber: "0155550000", arrivedAt: minutesAgo(4), slThresholdS: 0, shortAbandonS: 0, direction: "outbound" });
    await callbacks.attempted(request.id, { callId: call.id, operatorId: ids.ben, at: minutesAgo(4), outcome: "no_answer" });
    expect(await callbacks.note(request.id, ids.ben, "voicemail, no message left")).toBe(true);
    let open = (await callbacks.workList()).requests.find((r) => r.id === request.id);
    expect(open?.attempts).toEqual([expect.objectContaining({ outcome: "no_answer", note: "voicemail, no message left", username: "ben" })]);

    await callbacks.attempted(request.id, { callId: call.id, operatorId: ids.ben, at: minutesAgo(2), outcome: "answered" });
    open = (await callbacks.workList()).requests.find((r) => r.id === request.id);
    expect(open).toBeUndefined();
  });

  it("outbound allow, list and remove; the policy allows only listed patterns, to desk roles", async () => {
    expect((await cli("outbound", "list")).out).toEqual(["(no pattern: outbound calls are refused)"]);
    const policy = new OutboundPolicy(database.db, "hotline-acct");
    expect(await policy.check("0142000000", "operator")).toEqual({ ok: false, reason: "not-allowed" });
    expect(await cli("outbound", "allow", "0[1-7]*")).toMatchObject({ code: 0, out: ["outbound calls allowed to 0[1-7]*"] });
    expect(await cli("outbound", "allow", "0[1-7]*")).toMatchObject({ code: 0, out: ["0[1-7]* was already allowed"] });
    expect(await cli("outbound", "allow", "09*")).toMatchObject({ code: 0 });
    const bad = await cli("outbound", "allow", "0*1");
    expect(bad.code).toBe(1);
    expect(bad.err.join("\n")).toMatch(/pattern: "\*" only at the end/);
    expect((await cli("outbound", "list")).out).toEqual(["0[1-7]*", "09*"]);
    expect(await policy.check("01 42 00 00 00", "operator")).toEqual({ ok: true, number: "0142000000", pattern: "0[1-7]*" });
    expect(await policy.check("0899123456", "supervisor")).toEqual({ ok: false, reason: "not-allowed" });
    expect(await policy.check("+33142000000", "admin")).toEqual({ ok: false, reason: "not-allowed" });
    expect(await policy.check("0142000000", undefined)).toEqual({ ok: false, reason: "forbidden-role" });
    expect((await cli("outbound", "remove", "09*")).code).toBe(0);
    expect((await cli("outbound", "remove", "09*")).code).toBe(1);
    expect((await cli("outbound", "list")).out).toEqual(["0[1-7]*"]);
    // Caller ID: no queue number for this operator, so the account's user name.
    expect(await policy.callerId(ids.ana)).toBe("hotline-acct");
  });
});
