/**
 * What the records say about calls cut off by Hotline's own shutdown: a queued caller did not give up (not an
 * abandon in the figures), the end is the system's, and the reason is `shutdown` rather than a bare `local`.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeOperatorStatesAfterRestart } from "../../../db/queries/calls";
import { callRecords } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp } from "../../support/sip-peer";
import { waitUntil } from "../../support/wait";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Support");
  await harness.cli("number", "add", "1000", "--queue", "Support");
  // Logged in and available, but in no queue: the caller stays queued.
  const operator = await harness.operator("amina");
  await operator.goAvailable();
}, 60_000);
afterAll(() => harness?.stop());

it("a queued caller cut off by shutdown gets BYE and is recorded failed / shutdown / system, not abandoned; operators go offline", async () => {
  const peer = await SipPeer.udp({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(media.port) });
    expect((await peer.answered(dialog)).status).toBe(200);
    peer.ack(dialog);
    await media.waitForPackets(10, 5000); // queued, hearing the greeting
    await harness.hotline.telephony!.controller.close();
    await peer.waitFor("Hotline's BYE", (m) => m.method === "BYE");
    const { db } = harness.hotline.services.database;
    const record = await waitUntil(
      "the closed record",
      async () => (await db.select().from(callRecords).where(eq(callRecords.sipCallId, dialog.callId)))[0],
      (row) => row !== undefined && row.outcome !== "in_progress",
    );
    expect(record).toMatchObject({ outcome: "failed", endedBy: "system", endReason: "shutdown", answeredAt: null });
    // The operator (logged in, available) went offline in the log: a restart has no state left open to close.
    expect(await closeOperatorStatesAfterRestart(db, new Date())).toBe(0);
  } finally {
    media.close();
    peer.close();
  }
}, 30_000);
