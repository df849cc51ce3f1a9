/**
 * Wrap-up of a call that passed through two operators (found by a fresh user's trial): amina answers and transfers
 * the caller to bob. Amina files her wrap-up and presses Done while bob still talks: her notes are kept, but the
 * record's wrap-up end is not hers (it came before the call's end: a negative wrap-up time). Bob, the call's last
 * operator, may file his wrap-up (it answered "This call is not one of yours") and his Done ends the record's.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords, users } from "../../../db/schema";
import { finishWrapUp } from "../../../server/desk/wrap-up-service";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts } from "../../support/sip-peer";
import type { TestOperator } from "../../support/test-operator";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let amina: TestOperator;
let bob: TestOperator;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Sales");
  await harness.cli("queue", "set", "Sales", "--wrap-up", "60");
  await harness.cli("number", "add", "1000", "--queue", "Sales");
  amina = await harness.operator("amina");
  bob = await harness.operator("bob");
  await harness.cli("queue", "member", "Sales", "amina");
}, 60_000);
afterAll(() => harness?.stop());

it("each operator of a transferred call files a wrap-up; the record's wrap-up end is the last operator's", async () => {
  const { db } = harness.hotline.services.database;
  const idOf = async (name: string) => (await db.select({ id: users.id }).from(users).where(eq(users.username, name)))[0]!.id;
  const [aminaId, bobId] = [await idOf("amina"), await idOf("bob")];
  await amina.goAvailable();
  await bob.goAvailable();
  const peer = await SipPeer.udp({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(media.port) });
    const ok = await peer.answered(dialog);
    peer.ack(dialog);
    media.startSending({ address: sdpFacts(ok.body).address, port: sdpFacts(ok.body).port });
    await amina.waitFor(() => amina.current !== undefined, "amina to answer");
    const record = async () => (await db.select().from(callRecords).where(eq(callRecords.sipCallId, dialog.callId)))[0]!;
    const callId = (await waitUntil("the record", record, (row) => row?.operatorId === aminaId))!.id;
    expect(await amina.callRequest({ action: "transfer", target: { kind: "operator", userId: bobId } })).toEqual({ ok: true });
    await bob.waitFor(() => bob.current !== undefined, "bob to answer");
    await amina.waitFor(() => amina.state?.status === "wrap-up", "amina's wrap-up");

    // Amina's Done while bob talks: her wrap-up is filed, the record's wrap-up end stays unset.
    expect(await finishWrapUp(db, aminaId, { callId, outcomeDetail: "transferred", notes: "passed to bob" }, new Date())).toMatchObject({ ok: true });
    harness.hotline.services.onWrapUpDone!(aminaId);
    await amina.waitFor(() => amina.state?.status === "available", "amina available after Done");
    await harness.hotline.telephony!.controller.records.flushWithin(5_000);
    expect((await record()).wrapUpEndedAt).toBeNull();

    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    await bob.waitFor(() => bob.state?.status === "wrap-up", "bob's wrap-up");
    await waitUntil("the call's end", record, (row) => row.endedAt !== null);
    // Bob may wrap up the call he was given; his Done ends the record's wrap-up, after the call's end.
    expect(await finishWrapUp(db, bobId, { callId, outcomeDetail: "answered-on-the-spot", notes: "sorted the invoice" }, new Date())).toMatchObject({ ok: true });
    harness.hotline.services.onWrapUpDone!(bobId);
    await bob.waitFor(() => bob.state?.status === "available", "bob available after Done");
    const done = await waitUntil("the record's wrap-up end", record, (row) => row.wrapUpEndedAt !== null, 5_000);
    expect(done!.wrapUpEndedAt!.getTime()).toBeGreaterThanOrEqual(done!.endedAt!.getTime());
    expect(done).toMatchObject({ notes: "sorted the invoice", outcomeDetail: "answered-on-the-spot" });
    // Both wrap-ups stay in the log, each with its operator and notes.
    const wrapUps = (await listCallEvents(db, callId)).filter((e) => e.type === "call.wrap-up");
    expect(wrapUps.map((e) => [e.operatorId, (e.data as { notes: string }).notes])).toEqual([
      [aminaId, "passed to bob"],
      [bobId, "sorted the invoice"],
    ]);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);
