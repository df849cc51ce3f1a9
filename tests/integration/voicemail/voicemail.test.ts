/**
 * Voicemail end to end (issue 11, point 2): real SIPp as the trunk, the B2BUA, a real rtpengine (pcap recording).
 * A call to a closed number with closed action `voicemail` hears the closed message, the invitation and the tone,
 * speaks 3 s (a PCMA pcap) and presses `#` (SIP INFO): Hotline thanks and hangs up; the message is a mono Ogg Opus
 * file lasting what was sent (± 1 s), the record says `voicemail` and points at it, the callbacks list has the item
 * with its length, and a member of the queue may play it (logged). A caller who hangs up before the tone leaves no
 * item and the record stays `closed`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { desc, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listOpenCallbackRequests } from "../../../db/queries/callback-requests";
import { listCallEvents } from "../../../db/queries/calls";
import { listRecordingAccesses } from "../../../db/queries/recordings";
import { callRecords, queues, users } from "../../../db/schema";
import { makePrompts } from "../../../server/hours/make-prompts";
import { PromptCatalog } from "../../../server/hours/prompt-catalog";
import { serveRecording } from "../../../server/recordings/recording-access";
import { resolveRecordingPath } from "../../../server/recordings/recording-files";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

const SOUNDS = path.resolve("public/sounds");
const SENT_S = 3;
let harness: Harness;
const zone = "Europe/Paris";
const today = DateTime.now().setZone(zone).startOf("day");
const day = (offset: number) => today.plus({ days: offset }).toISODate()!;

beforeAll(async () => {
  await makePrompts(SOUNDS);
  harness = await startHarness();
  await harness.cli("queue", "add", "Messages");
  await harness.cli("number", "add", "5500", "--queue", "Messages");
  // The queue keeps its audio 30 days: the message is due for deletion then, like a recording.
  const db = harness.hotline.services.database.db;
  await db.update(queues).set({ recordingRetentionDays: 30 }).where(eq(queues.name, "Messages"));
  // Closed for weeks: the closed message names no opening ("we are currently closed"), the shortest there is.
  await harness.cli("schedule", "add", "Away", "--weekly", "mon-sun 00:00-24:00", "--tz", zone);
  await harness.cli("schedule", "closure", "Away", "--from", day(-1), "--to", day(30), "--reason", "Away");
  await harness.cli("number", "set", "5500", "--schedule", "Away", "--closed-action", "voicemail", "--voicemail-max", "60", "--language", "en");
  await expect(harness.cli("number", "set", "5500", "--voicemail-max", "2")).rejects.toThrow(/voicemail/i);
}, 120_000);
afterAll(() => harness?.stop());

const latestCall = async () => {
  const db = harness.hotline.services.database.db;
  return (await db.select().from(callRecords).where(eq(callRecords.dialedNumber, "5500")).orderBy(desc(callRecords.arrivedAt)).limit(1))[0];
};

it("leaves a message: mono Opus file of what was sent, record `voicemail`, item in the callbacks list, playable by the queue's member", async () => {
  const catalog = new PromptCatalog(SOUNDS);
  const promptsMs = ["en/closed-now", "en/voicemail-leave", "voicemail-beep"].reduce((ms, p) => ms + catalog.durationMs(p), 0);
  expect(promptsMs).toBeGreaterThan(3000);
  // The caller starts speaking 1.5 s after the tone should have ended: SIPp's clock is not the server's, and under
  // load (two test files at once) the recording started up to ~1 s late with a 0.4 s margin (found by CI: 1.99 s of
  // 3 s kept). The silence recorded before the caller speaks is trimmed, so the message still lasts what was sent.
  const result = await runSipp("caller-leaves-voicemail-presses-hash.xml", harness.sipTarget, { service: "5500", holdMs: Math.round(promptsMs) + 1500, timeoutS: 40 });
  expect(result.code, result.stdout.slice(-1500) + result.stderr).toBe(0);

  const db = harness.hotline.services.database.db;
  const call = (await waitUntil("the voicemail to be stored", latestCall, (c) => c?.outcome === "voicemail" && c.recordingFile != null, 10_000))!;
  expect(call).toMatchObject({ outcome: "voicemail", endedBy: "system", endReason: "closed" });
  // 30 days from the end of the call (the message's end is taken a few ms apart from the record's).
  expect(Math.abs(call.recordingExpiresAt!.getTime() - (call.endedAt!.getTime() + 30 * 86_400_000))).toBeLessThan(1000);
  const file = resolveRecordingPath(harness.hotline.telephony!.recordings.recordingsDir, call.recordingFile!);
  expect(existsSync(file)).toBe(true);
  const probe = JSON.parse(
    execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=channels,codec_name:format=duration", "-of", "json", file], { encoding: "utf8" }),
  ) as { streams: Array<{ channels: number; codec_name: string }>; format: { duration: string } };
  const durationS = Number(probe.format.duration);
  console.log(`voicemail: ${durationS.toFixed(2)} s for ${SENT_S} s sent`);
  expect(probe.streams[0]).toMatchObject({ channels: 1, codec_name: "opus" });
  expect(Math.abs(durationS - SENT_S), `message ${durationS} s, sent ${SENT_S} s`).toBeLessThanOrEqual(1);

  const events = await listCallEvents(db, call.id);
  expect(events.find((e) => e.type === "call.announcement")?.data).toEqual({ announcement: "closed", prompts: ["en/closed-now"] });
  // The number's own limit (60 s), not the server's default (120 s).
  expect(events.find((e) => e.type === "call.voicemail-recording")?.data).toEqual({ maxMs: 60_000 });
  expect(events.find((e) => e.type === "call.voicemail-stopped")?.data).toEqual({ why: "hash" });

  const item = (await listOpenCallbackRequests(db)).find((r) => r.callId === call.id);
  expect(item).toMatchObject({ reason: "voicemail", callerNumber: "+15550001111", queue: "Messages" });
  expect(Math.abs(item!.messageMs! / 1000 - SENT_S)).toBeLessThanOrEqual(1);
  // rtpengine's spool is emptied.
  const spool = harness.hotline.telephony!.recordings.spoolDir;
  for (const sub of ["pcaps", "metadata"]) expect(readdirSync(path.join(spool, sub)).filter((n) => n.includes(call.id))).toEqual([]);

  // A member of the queue plays it (logged); an operator of another queue cannot.
  await harness.operator("nadia");
  await harness.operator("omar");
  await harness.cli("queue", "member", "Messages", "nadia");
  const userOf = async (name: string) => (await db.select({ id: users.id }).from(users).where(eq(users.username, name)))[0]!.id;
  const dir = harness.hotline.telephony!.recordings.recordingsDir;
  const member = await serveRecording(db, dir, { callId: call.id, download: false, range: "bytes=0-", user: { id: await userOf("nadia"), role: "operator" } });
  expect(member.status).toBe(206);
  expect(member.headers.get("Content-Type")).toBe("audio/ogg");
  const stranger = await serveRecording(db, dir, { callId: call.id, download: false, range: null, user: { id: await userOf("omar"), role: "operator" } });
  expect(stranger.status).toBe(404);
  expect((await listRecordingAccesses(db, call.id)).map((a) => [a.username, a.action])).toEqual([["nadia", "play"]]);
}, 40_000);

it("a caller who hangs up before the tone leaves no message: the record stays closed, no item", async () => {
  const db = harness.hotline.services.database.db;
  const before = (await listOpenCallbackRequests(db)).length;
  const result = await runSipp("caller-hangs-up-after-answer.xml", harness.sipTarget, { service: "5500", holdMs: 0, timeoutS: 20 });
  expect(result.code, result.stdout.slice(-1500)).toBe(0);
  const call = (await waitUntil("the record to close", latestCall, (c) => c !== undefined && c.outcome !== "in_progress" && c.endedAt !== null && c.outcome !== "voicemail"))!;
  expect(call).toMatchObject({ outcome: "closed", endedBy: "caller", endReason: "caller-hung-up", recordingFile: null });
  expect((await listOpenCallbackRequests(db)).length).toBe(before);
}, 30_000);
