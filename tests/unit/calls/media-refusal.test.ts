import { describe, expect, it } from "vitest";
import { mediaRefusal } from "../../../server/calls/media-refusal";
import { UnsupportedTrunkSdpError } from "../../../server/calls/trunk-sdp";
import { NgError, NgTimeoutError } from "../../../server/media/ng-client";

describe("the answer to an INVITE whose media could not be set up", () => {
  it("488 only when the offer is at fault (our G.711 check, rtpengine unable to parse it)", () => {
    expect(mediaRefusal(new UnsupportedTrunkSdpError("no G.711"))).toEqual({ status: 488, endReason: "media" });
    expect(mediaRefusal(new NgError("offer", "Failed to parse SDP", {}))).toEqual({ status: 488, endReason: "media" });
    expect(mediaRefusal(new NgError("offer", "Incomplete SDP specification", {}))).toEqual({ status: 488, endReason: "media" });
  });

  it("503 for every limit or failure of the relay itself: out of ports, load limits, timeouts, anything unknown", () => {
    for (const error of [
      new NgError("offer", "Ran out of ports", {}),
      new NgError("offer", "Parallel session limit reached", {}),
      new NgError("offer", "load limit", {}),
      new NgTimeoutError("offer", 3),
      new Error("socket closed"),
      "a string",
    ]) {
      expect(mediaRefusal(error), String(error)).toEqual({ status: 503, endReason: "no-media" });
    }
  });
});
