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
          // Integration tests start real servers (PostgreSQL, rtpengine, SIPp); keep them sequential on 2 cores.
          fileParallelism: false,
          globalSetup: ["tests/support/global-setup.ts"],
        },
      },
    ],
  },
});
