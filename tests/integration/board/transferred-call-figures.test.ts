/**
 * "Operators today" credits each operator of a transferred call with their own segment (server/calls/operator-parts.ts),
 * live and as rebuilt from the database at boot: a scripted trunk caller (SIP over UDP, plain RTP) is answered by
 * amina, who blind-transfers them to bob; bob talks, then the caller hangs up. Amina gets one call and the talk time
 * until her transfer; bob one call and the talk time after his answer. The day's report by operator credits them alike.
 */
import { eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { callRecords, users } from "../../../db/schema";
import { BoardFeed } from "../../../server/board/board-feed";
import { callSegments } from "../../../server/calls/call-segments";
import { silentLogger } from "../../../server/logger";
import { buildCallReport } from "../../../server/reports/call-report";
import { periodOfDays } from "../../../server/reports/period";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { RtpEndpoint, SipPeer, audioSdp, sdpFacts } from "../../support/sip-peer";
import type { TestOperator } from "../../support/test-operator";
import { waitUntil } from "../../support/wait";

let harness: Harness;
let amina: TestOperator;
let bob: TestOperator;
let aminaId: number;
let bobId: number;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Sales");
  await harness.cli("queue", "set", "Sales", "--wrap-up", "0");
  await harness.cli("number", "add", "1000", "--queue", "Sales");
  amina = await harness.operator("amina");
  bob = await harness.operator("bob");
  await harness.cli("queue", "member", "Sales", "amina");
  const db = harness.hotline.services.database.db;
  aminaId = (await db.select().from(users).where(eq(users.username, "amina")))[0]!.id;
  bobId = (await db.select().from(users).where(eq(users.username, "bob")))[0]!.id;
}, 60_000);
afterAll(() => harness?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Figures = { handled: number; talkMs: number; holdMs: number };
const figuresOf = (feed: BoardFeed, operatorId: number): Figures | undefined => {
  const op = feed.state.figures.operatorFigures().find((o) => o.operatorId === operatorId);
  return op && { handled: op.handled, talkMs: op.talkMs, holdMs: op.holdMs };
};

it("credits amina with her part until the transfer and bob with his, live and after a rebuild", async () => {
  await amina.goAvailable();
  await bob.goAvailable();
  const peer = await SipPeer.udp({ host: "127.0.0.1", port: harness.hotline.telephony!.b2bua.port });
  const media = await RtpEndpoint.open();
  try {
    const dialog = peer.invite({ sdp: audioSdp(media.port) });
    const ok = await peer.answered(dialog);
    peer.ack(dialog);
    const relay = sdpFacts(ok.body);
    media.startSending({ address: relay.address, port: relay.port });
    await amina.waitFor(() => amina.current !== undefined, "amina to answer");
    await sleep(1500);
    expect(await amina.callRequest({ action: "transfer", target: { kind: "operator", userId: bobId } })).toEqual({ ok: true });
    await bob.waitFor(() => bob.current !== undefined, "bob to answer");
    const live = harness.hotline.telephony!.board;
    // Bob's answer is on the board at once, before the call ends.
    await waitUntil("bob's call on the board", async () => figuresOf(live, bobId), (f) => f?.handled === 1, 5000);
    await sleep(2500);
    const bye = peer.request(dialog, "BYE");
    expect((await peer.finalResponse(bye, "BYE")).status).toBe(200);
    const db = harness.hotline.services.database.db;
    const [record] = await waitUntil("the record to end", () => db.select().from(callRecords).where(eq(callRecords.sipCallId, dialog.callId)), (rows) => rows[0]?.endedAt != null, 5000);
    await harness.hotline.telephony!.controller.records.flushWithin(5_000);
    const events = await listCallEvents(db, record!.id);
    const segments = callSegments(events);
    expect(segments.map((s) => [s.operatorId, s.endedBy])).toEqual([
      [aminaId, "transfer"],
      [bobId, "call-ended"],
    ]);
    const expected = new Map(segments.map((s) => [s.operatorId!, { handled: 1, talkMs: s.talkMs!, holdMs: 0 }]));
    // Independently of the segments: amina talked from the record's answer to the transfer (~1.5 s), bob after it
    // (~2.5 s), and together no longer than the call was answered (crediting amina with the whole call fails here).
    const transferredAt = events.find((e) => e.type === "call.transferred")!.at.getTime();
    const answeredFor = record!.endedAt!.getTime() - record!.answeredAt!.getTime();
    expect(Math.abs(expected.get(aminaId)!.talkMs - (transferredAt - record!.answeredAt!.getTime()))).toBeLessThan(50);
    expect(expected.get(aminaId)!.talkMs).toBeGreaterThanOrEqual(1400);
    expect(expected.get(aminaId)!.talkMs).toBeLessThan(2500);
    expect(expected.get(bobId)!.talkMs).toBeGreaterThanOrEqual(2400);
    expect(expected.get(aminaId)!.talkMs + expected.get(bobId)!.talkMs).toBeLessThanOrEqual(answeredFor);
    await waitUntil("bob's talk on the board", async () => figuresOf(live, bobId), (f) => (f?.talkMs ?? 0) > 0, 5000);
    expect(figuresOf(live, aminaId)).toEqual(expected.get(aminaId));
    expect(figuresOf(live, bobId)).toEqual(expected.get(bobId));

    // A restart rebuilds the same figures from the database.
    const rebuilt = new BoardFeed({
      db,
      clock: { now: () => Date.now() },
      logger: silentLogger,
      zone: harness.hotline.services.config.TIMEZONE,
      publish: { queue: () => {}, operators: () => {} },
      log: () => {},
    });
    await rebuilt.rebuild();
    rebuilt.stop();
    expect(figuresOf(rebuilt, aminaId)).toEqual(expected.get(aminaId));
    expect(figuresOf(rebuilt, bobId)).toEqual(expected.get(bobId));

    // The report by operator: each one's talk is their own segment's, and so is their handle time (no wrap-up here).
    const zone = harness.hotline.services.config.TIMEZONE;
    const today = DateTime.now().setZone(zone).toISODate()!;
    const report = await buildCallReport(db, periodOfDays(today, today, zone));
    const row = (id: number) => report.byOperator.find((r) => r.key === String(id));
    for (const id of [aminaId, bobId]) {
      expect(row(id)!.talkSeconds).toBeCloseTo(expected.get(id)!.talkMs / 1000, 2);
      expect(row(id)!.ahtSeconds).toBeCloseTo(expected.get(id)!.talkMs / 1000, 2);
    }
    expect(row(aminaId)!.answered).toBe(1);
  } finally {
    media.close();
    peer.close();
  }
}, 40_000);
