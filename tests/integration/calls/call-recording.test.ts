/**
 * Call recording end to end: real SIPp as the trunk (its G.711 sample, no echo, so the channels differ), the B2BUA, a real rtpengine (pcap
 * recording method) and a scripted operator. A recorded queue's caller hears the consent notice before being
 * queued; after the call the stereo Ogg Opus file exists, has two channels (ffprobe) and lasts the talk time ± 1 s;
 * rtpengine's spool is emptied. Retention: the sweeper's single timer deletes a recording once it is due and the
 * record keeps that it was deleted.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { desc, eq, gte } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listCallEvents } from "../../../db/queries/calls";
import { findQueueByName, updateQueueSettings } from "../../../db/queries/queues";
import { applyRecordingRetention, listRecordingAccesses } from "../../../db/queries/recordings";
import { callRecords, users, type CallRecord } from "../../../db/schema";
import { serveRecording } from "../../../server/recordings/recording-access";
import { resolveRecordingPath } from "../../../server/recordings/recording-files";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { sleep, waitUntil } from "../../support/wait";

let harness: Harness;
const TALK_MS = 3000;

beforeAll(async () => {
  harness = await startHarness();
  await harness.cli("queue", "add", "Recorded");
  await harness.cli("number", "add", "5100", "--queue", "Recorded");
  const db = harness.hotline.services.database.db;
  const queue = await findQueueByName(db, "Recorded");
  await updateQueueSettings(db, queue!.id, { recordingEnabled: true, recordingSamplePct: 100, recordingRetentionDays: 30 });
  await harness.hotline.telephony!.syncQueues();
}, 60_000);
afterAll(() => harness?.stop());

function probe(file: string): { channels: number; durationS: number; codec: string } {
  const out = JSON.parse(
    execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=channels,codec_name:format=duration", "-of", "json", file], { encoding: "utf8" }),
  ) as { streams: Array<{ channels: number; codec_name: string }>; format: { duration: string } };
  return { channels: out.streams[0]!.channels, codec: out.streams[0]!.codec_name, durationS: Number(out.format.duration) };
}

/** Mean absolute level of each channel (decoded back with ffmpeg), 16-bit scale, between two times (s). */
function channelLevels(file: string, fromS = 0, toS = Infinity): [number, number] {
  const all = execFileSync("ffmpeg", ["-v", "error", "-i", file, "-f", "s16le", "-ac", "2", "-ar", "8000", "pipe:1"], { maxBuffer: 64 << 20 });
  const pcm = all.subarray(Math.round(fromS * 8000) * 4, Number.isFinite(toS) ? Math.round(toS * 8000) * 4 : all.length);
  let left = 0;
  let right = 0;
  for (let i = 0; i + 4 <= pcm.length; i += 4) {
    left += Math.abs(pcm.readInt16LE(i));
    right += Math.abs(pcm.readInt16LE(i + 2));
  }
  const frames = pcm.length / 4;
  return [left / frames, right / frames];
}

let recorded: CallRecord;

it("records a call of a recorded queue across a transfer: notice first, stereo Opus file of the talk time, spool emptied", async () => {
  const started = new Date();
  const first = await harness.operator("rania");
  const operator = await harness.operator("samir");
  await harness.cli("queue", "member", "Recorded", "rania");
  first.speaksTone = true;
  operator.speaksTone = true;
  await first.goAvailable();
  const sipp = runSipp("answered-call-operator-hangs-up.xml", harness.sipTarget, { service: "5100", timeoutS: 40 });
  await first.waitFor(() => first.current !== undefined, "the call to be answered", 20_000);
  await first.waitFor(() => first.rtpReceived > 50, "caller audio at the operator", 10_000);
  await first.waitFor(() => first.state?.call?.recorded === true, "the desk to show the call is recorded", 5_000);
  await sleep(TALK_MS / 2);
  // Blind transfer to samir: the same rtpengine call id, so the recording goes on with the second segment.
  await operator.goAvailable();
  const samirId = await userId("samir");
  expect(await first.callRequest({ action: "transfer", target: { kind: "operator", userId: samirId } })).toEqual({ ok: true });
  await operator.waitFor(() => operator.current !== undefined, "samir to answer the transfer", 10_000);
  await operator.waitFor(() => operator.state?.call?.recorded === true, "samir's desk to show the call is recorded", 5_000);
  await sleep(TALK_MS / 2);
  operator.hangup();
  const result = await sipp;
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);

  const db = harness.hotline.services.database.db;
  recorded = (await waitUntil(
    "the recording to be stored",
    async () => (await db.select().from(callRecords).where(gte(callRecords.arrivedAt, started)).orderBy(desc(callRecords.arrivedAt)).limit(1))[0],
    (call) => call?.recordingFile != null,
    15_000,
  ))!;
  const file = resolveRecordingPath(harness.hotline.telephony!.recordings.recordingsDir, recorded.recordingFile!);
  expect(existsSync(file)).toBe(true);
  const { channels, durationS, codec } = probe(file);
  const talkS = (recorded.endedAt!.getTime() - recorded.answeredAt!.getTime()) / 1000;
  expect(codec).toBe("opus");
  expect(channels).toBe(2);
  expect(Math.abs(durationS - talkS), `recording ${durationS} s, talk ${talkS} s`).toBeLessThanOrEqual(1);
  // Both sides are heard, each on its own channel: the caller's quiet tone on the left, the operator's loud tone right.
  const [left, right] = channelLevels(file);
  console.log(`recording: ${durationS.toFixed(2)} s for ${talkS.toFixed(2)} s of talk; mean level left ${left.toFixed(0)}, right ${right.toFixed(0)}`);
  expect(left).toBeGreaterThan(20);
  expect(right).toBeGreaterThan(1000);
  expect(left).toBeLessThan(right / 10);
  // The operator side is there in both segments: rania's tone at the start, samir's at the end.
  expect(channelLevels(file, 0.2, 1.2)[1]).toBeGreaterThan(1000);
  expect(channelLevels(file, durationS - 1.2, durationS - 0.2)[1]).toBeGreaterThan(1000);
  // The caller too, to the end: a caller heard only at the start (a sample shorter than notice + talk) fails here.
  expect(channelLevels(file, 0.2, 1.2)[0]).toBeGreaterThan(20);
  expect(channelLevels(file, durationS - 0.7, durationS - 0.2)[0]).toBeGreaterThan(20);
  const answers = (await listCallEvents(db, recorded.id)).filter((e) => e.type === "call.answered").map((e) => e.operatorId);
  expect(answers).toEqual([await userId("rania"), samirId]);
  expect(recorded.recordingExpiresAt!.getTime() - recorded.endedAt!.getTime()).toBeGreaterThan(29 * 86_400_000);

  // The notice played before the caller was queued (so before any operator was connected).
  const events = await listCallEvents(db, recorded.id);
  const noticeAt = events.findIndex((e) => e.type === "call.announcement" && (e.data as { announcement?: string }).announcement === "recording-notice");
  const offeredAt = events.findIndex((e) => e.type === "call.offered");
  expect(noticeAt).toBeGreaterThanOrEqual(0);
  expect(noticeAt).toBeLessThan(offeredAt);
  expect(events.map((e) => e.type)).toContain("call.recording-started");
  // rtpengine's pcap and metadata are gone once converted.
  const spool = harness.hotline.telephony!.recordings.spoolDir;
  for (const sub of ["pcaps", "metadata"]) expect(readdirSync(path.join(spool, sub)).filter((n) => n.includes(recorded.id))).toEqual([]);
}, 60_000);

it("serves the recording with Range to the call's operator and supervisors, downloads to supervisors only, and logs each access", async () => {
  const db = harness.hotline.services.database.db;
  const dir = harness.hotline.telephony!.recordings.recordingsDir;
  const operator = { id: recorded.operatorId!, role: "operator" as const };
  const stranger = { id: recorded.operatorId! + 1000, role: "operator" as const };
  await harness.cli("user", "add", "sofia", "--role", "supervisor", "--password", "sofia-password-1");
  const supervisor = { id: await userId("sofia"), role: "supervisor" as const };
  const ask = (user: { id: number; role: "operator" | "supervisor" }, range: string | null, download = false) =>
    serveRecording(db, dir, { callId: recorded.id, download, range, user });

  const full = await ask(operator, null);
  expect(full.status).toBe(200);
  const bytes = Buffer.from(await full.arrayBuffer());
  expect(bytes.subarray(0, 4).toString()).toBe("OggS");
  expect(full.headers.get("accept-ranges")).toBe("bytes");
  const part = await ask(operator, "bytes=100-199");
  expect(part.status).toBe(206);
  expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
  expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
  expect((await ask(operator, `bytes=${bytes.length}-`)).status).toBe(416);
  expect((await ask(stranger, null)).status).toBe(404);
  expect((await ask(operator, null, true)).status).toBe(403);
  const download = await ask(supervisor, null, true);
  expect(download.status).toBe(200);
  expect(download.headers.get("content-disposition")).toContain("attachment");
  await download.arrayBuffer();

  // Two plays (the seek to byte 100 is not one) and one download, by whom.
  const accesses = await listRecordingAccesses(db, recorded.id);
  expect(accesses.map((a) => [a.action, a.userId]).sort()).toEqual(
    [["download", supervisor.id], ["play", operator.id]].sort(),
  );
});

async function userId(username: string): Promise<number> {
  const db = harness.hotline.services.database.db;
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
  return row!.id;
}

it("deletes a recording when its retention runs out, and the record keeps that it was recorded", async () => {
  expect(recorded?.recordingFile).toBeTruthy();
  const db = harness.hotline.services.database.db;
  const recordings = harness.hotline.telephony!.recordings;
  const file = resolveRecordingPath(recordings.recordingsDir, recorded.recordingFile!);
  // The queue's retention changed to 1 day: its stored recordings follow (due one day after their call ended).
  await applyRecordingRetention(db, recorded.queueId!, 1);
  const [moved] = await db.select().from(callRecords).where(eq(callRecords.id, recorded.id));
  expect(moved!.recordingExpiresAt!.getTime() - moved!.endedAt!.getTime()).toBe(86_400_000);
  // As if the call had ended 30 days ago: due in 300 ms. The sweeper's one timer is set for it.
  await db.update(callRecords).set({ recordingExpiresAt: new Date(Date.now() + 300) }).where(eq(callRecords.id, recorded.id));
  await recordings.sweeper.reschedule();
  const after = await waitUntil(
    "the sweeper to delete the recording",
    async () => (await db.select().from(callRecords).where(eq(callRecords.id, recorded.id)))[0]!,
    (call) => call.recordingFile === null,
    5_000,
  );
  expect(after.recordingDeletedAt).toBeInstanceOf(Date);
  expect(existsSync(file)).toBe(false);
}, 20_000);
