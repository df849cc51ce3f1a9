import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration tests start real servers (PostgreSQL, rtpengine, SIPp) and mostly wait on real time (session
          // timers, rings, media timeouts): two files at once, each worker in its own RTP port block
          // (tests/support/net.ts). More would starve the media on 2 cores.
          maxWorkers: 2,
          // After the unit tests (a project with its own worker count needs its own group).
          sequence: { groupOrder: 1 },
          globalSetup: ["tests/support/global-setup.ts"],
        },
      },
    ],
  },
});
