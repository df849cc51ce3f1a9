import { describe, expect, it } from "vitest";
import { SessionLossDetector } from "../../../server/media/session-loss.js";
import type { MediaInstanceStatus } from "../../../server/media/rtpengine-supervisor.js";

const status = (state: MediaInstanceStatus["state"], extra: Partial<MediaInstanceStatus> = {}): MediaInstanceStatus => ({
  id: "rtpengine-1",
  kind: "spawned",
  address: { host: "127.0.0.1", port: 22222 },
  state,
  up: state === "up",
  pid: state === "up" ? 100 : undefined,
  restarts: 0,
  lastError: undefined,
  lastPingMs: undefined,
  since: 0,
  ...extra,
});

describe("SessionLossDetector", () => {
  it("reports a loss once when an up instance dies, not again while its restarts fail", () => {
    const detector = new SessionLossDetector();
    expect(detector.observe(status("starting"))).toBe(false);
    expect(detector.observe(status("up"))).toBe(false);
    expect(detector.observe(status("down"))).toBe(true);
    expect(detector.observe(status("starting", { restarts: 1 }))).toBe(false);
    expect(detector.observe(status("down", { restarts: 1 }))).toBe(false);
    expect(detector.observe(status("up", { restarts: 2, pid: 200 }))).toBe(false);
    // A second outage is a second loss.
    expect(detector.observe(status("down", { restarts: 2 }))).toBe(true);
  });

  it("an up instance that goes straight to starting (killed as hung, restarting) lost its sessions", () => {
    const detector = new SessionLossDetector();
    detector.observe(status("up"));
    expect(detector.observe(status("starting"))).toBe(true);
  });

  it("a restart never seen as down (new pid or restart count while up) is a loss", () => {
    const detector = new SessionLossDetector();
    detector.observe(status("up", { pid: 100 }));
    expect(detector.observe(status("up", { pid: 100 }))).toBe(false);
    expect(detector.observe(status("up", { pid: 101 }))).toBe(true);
    expect(detector.observe(status("up", { pid: 101, restarts: 1 }))).toBe(true);
  });

  it("stopping (Hotline's own shutdown) is not a loss, and instances are tracked apart", () => {
    const detector = new SessionLossDetector();
    detector.observe(status("up"));
    detector.observe(status("up", { id: "other" }));
    expect(detector.observe(status("stopped"))).toBe(false);
    expect(detector.observe(status("down", { id: "other" }))).toBe(true);
  });

  it("an instance first seen down has nothing to lose", () => {
    const detector = new SessionLossDetector();
    expect(detector.observe(status("down"))).toBe(false);
  });
});
