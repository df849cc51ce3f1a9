/**
 * A wrap-up whose time runs out in the queue engine, with the operator's form half filled: the draft is saved to the
 * call record as it stands at that moment (issue 10: "kept server-side as a draft until saved or wrap-up times out,
 * then saved as it stands"), not only when the desk is next opened.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { findWrapUpDraft } from "../../../db/queries/wrap-up";
import { callRecords, users } from "../../../db/schema";
import { keepDraft } from "../../../server/desk/wrap-up-service";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts } from "../../support/sip-peer";
import type { TestOperator } from "../../support/test-operator";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let operator: TestOperator;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Support");
  await harness.cli("queue", "set", "Support", "--wrap-up", "3");
  await harness.cli("number", "add", "1000", "--queue", "Support");
  operator = await harness.operator("amina");
  await harness.cli("queue", "member", "Support", "amina");
}, 60_000);
afterAll(() => harness?.stop());

it("a half-filled wrap-up is saved to the record when the queue's wrap-up time runs out", async () => {
  const { db } = harness.hotline.services.database;
  await operator.goAvailable();
  const peer = await SipPeer.udp({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(media.port) });
    const ok = await peer.answered(dialog);
    peer.ack(dialog);
    media.startSending({ address: sdpFacts(ok.body).address, port: sdpFacts(ok.body).port });
    await operator.waitFor(() => operator.current !== undefined, "the operator to answer");
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    await operator.waitFor(() => operator.state?.status === "wrap-up", "wrap-up");
    const userId = (await db.select({ id: users.id }).from(users).where(eq(users.username, "amina")))[0]!.id;
    const answered = await waitUntil(
      "the call's record, answered by the operator",
      async () => (await db.select().from(callRecords).where(eq(callRecords.sipCallId, dialog.callId)))[0],
      (row) => row?.operatorId === userId,
    );
    const callId = answered!.id;
    const kept = await keepDraft(db, userId, { callId: callId, notes: "asked about the deadline", outcomeDetail: "could-not-help" }, new Date());
    expect(kept).toMatchObject({ ok: true });
    // Nobody presses Done: the engine ends the wrap-up after 3 s and the draft lands in the record at once.
    await operator.waitFor(() => operator.state?.status === "available", "the wrap-up timer", 10_000);
    const record = await waitUntil(
      "the draft in the record",
      async () => (await db.select().from(callRecords).where(eq(callRecords.id, callId)))[0],
      (row) => row?.notes === "asked about the deadline",
      5_000,
    );
    expect(record).toMatchObject({ outcomeDetail: "could-not-help", notes: "asked about the deadline" });
    expect(await findWrapUpDraft(db, userId)).toBeUndefined();
    const events = await listCallEvents(db, callId);
    expect(events.find((e) => e.type === "call.wrap-up")?.data).toMatchObject({ timedOut: true });
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);
