import { describe, expect, it } from "vitest";
import { positionAnnouncement } from "../../../server/calls/queue-announcements";

describe("position and estimated-wait prompts", () => {
  it("says the position, then the wait rounded up to a recorded value", () => {
    expect(positionAnnouncement(1, 30_000)).toEqual(["position-1", "wait-1"]);
    expect(positionAnnouncement(3, 4 * 60_000 + 1)).toEqual(["position-3", "wait-5"]);
    expect(positionAnnouncement(9, 10 * 60_000)).toEqual(["position-9", "wait-10"]);
  });

  it("beyond the recordings says many callers and a long wait; no estimate says nothing about the wait", () => {
    expect(positionAnnouncement(10, 31 * 60_000)).toEqual(["position-many", "wait-long"]);
    expect(positionAnnouncement(2, 0)).toEqual(["position-2"]);
  });
});
