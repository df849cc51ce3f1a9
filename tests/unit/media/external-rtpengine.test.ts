import { describe, expect, it } from "vitest";
import { ExternalRtpengine, MediaPool } from "../../../server/media/rtpengine-supervisor";
import { FakeNgTransport } from "./fake-ng-transport";

describe("ExternalRtpengine health by statistics", () => {
  it("a restart between two checks (uptime went back) counts as a loss of its sessions, and only then", async () => {
    const transport = new FakeNgTransport();
    let uptime = "500";
    transport.responder = (request) =>
      request.dict["command"] === "statistics" ? { result: "ok", statistics: { totalstatistics: { uptime } } } : { result: "ok" };
    const instance = new ExternalRtpengine({ address: { host: "127.0.0.9", port: 2223 }, healthIntervalMs: 20, clientOptions: { transportFactory: transport.factory } });
    const pool = new MediaPool([instance]);
    const losses: string[][] = [];
    pool.onSessionsLost(({ callIds }) => losses.push(callIds));
    await pool.start();
    expect(instance.status().up).toBe(true);
    pool.acquire("call-1");
    // Checks keep coming with the same uptime (whole seconds): no loss.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(losses).toEqual([]);
    // systemd restarted it between two checks: never down, but its sessions are gone.
    uptime = "1";
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(losses).toEqual([["call-1"]]);
    expect(instance.status()).toMatchObject({ up: true, restarts: 1 });
    await pool.stop();
  });
});
