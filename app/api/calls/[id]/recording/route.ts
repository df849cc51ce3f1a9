import { getServices } from "../../../../../server/runtime-registry";
import { recordingsDirOf } from "../../../../../server/recordings/recording-files";
import { serveRecording } from "../../../../../server/recordings/recording-access";
import { withRole } from "../../../../lib/api-auth";

export const dynamic = "force-dynamic";

/**
 * A call's recording (Ogg Opus, stereo: caller left, operator right), with Range support for seeking:
 * `GET /api/calls/<id>/recording` plays (operators their own calls, supervisors and admins all),
 * `?download=1` downloads (supervisors and admins). Every playback and download is logged; see
 * server/recordings/recording-access.ts for the answers.
 */
export const GET = withRole("operator", async (request, user) => {
  const services = getServices();
  // /api/calls/<id>/recording
  const [, , callId = ""] = request.nextUrl.pathname.split("/").filter(Boolean);
  return serveRecording(services.database.db, recordingsDirOf(services.config), {
    callId,
    download: request.nextUrl.searchParams.get("download") === "1",
    range: request.headers.get("range"),
    user,
  });
});
