/**
 * Serving a call's recording to the call detail page's player and to supervisors' downloads, with the access rules
 * of the call detail page (an operator hears the recordings of their own calls; supervisors and admins every
 * call's; downloads are for supervisors and admins) and HTTP Range (RFC 9110 §14) so the player can seek.
 * Every playback (a request from the file's start: a player's first request, not its seeks) and every download is
 * logged (who, when) in `recording_accesses`.
 *
 * Answers: 200 / 206 with the Ogg Opus bytes; 404 for an unknown call, another operator's call (ids cannot be
 * probed) or a call without recording; 410 when the recording was deleted by retention; 403 for an operator's
 * download; 416 for a range past the end.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { Db } from "../../db/client";
import { findCallRecording, isQueueMember, logRecordingAccess } from "../../db/queries/recordings";
import { hasRole, type Role } from "../auth/roles";
import { parseRange } from "./http-range";
import { resolveRecordingPath } from "./recording-files";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RecordingRequest {
  callId: string;
  download: boolean;
  /** The request's Range header. */
  range: string | null;
  user: { id: number; role: Role };
}

const json = (status: number, error: string) => Response.json({ error }, { status });

export async function serveRecording(db: Db, recordingsDir: string, request: RecordingRequest, now = new Date()): Promise<Response> {
  if (!UUID.test(request.callId)) return json(404, "not found");
  const row = await findCallRecording(db, request.callId);
  const supervisor = hasRole(request.user.role, "supervisor");
  if (!row) return json(404, "not found");
  // A voicemail (no operator took the call): the members of its queue may listen to it (issue 11).
  const theirVoicemail = row.outcome === "voicemail" && row.queueId !== null && (await isQueueMember(db, row.queueId, request.user.id));
  if (!supervisor && row.operatorId !== request.user.id && !theirVoicemail) return json(404, "not found");
  if (request.download && !supervisor) return json(403, "forbidden");
  if (!row.recordingFile) return row.recordingDeletedAt ? json(410, "recording deleted") : json(404, "no recording");
  let file: string;
  let size: number;
  try {
    file = resolveRecordingPath(recordingsDir, row.recordingFile);
    size = (await stat(file)).size;
  } catch {
    return json(404, "recording file missing");
  }
  const range = parseRange(request.range, size);
  if (range.kind === "unsatisfiable") return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  const [start, end] = range.kind === "partial" ? [range.start, range.end] : [0, size - 1];
  if (request.download || start === 0) {
    await logRecordingAccess(db, { callId: request.callId, userId: request.user.id, action: request.download ? "download" : "play", at: now });
  }
  const headers = new Headers({
    "Content-Type": "audio/ogg",
    "Accept-Ranges": "bytes",
    "Content-Length": String(size === 0 ? 0 : end - start + 1),
    "Cache-Control": "private, no-store",
  });
  if (range.kind === "partial") headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
  if (request.download) headers.set("Content-Disposition", `attachment; filename="call-${request.callId}.opus"`);
  const body = size === 0 ? null : (Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status: range.kind === "partial" ? 206 : 200, headers });
}
