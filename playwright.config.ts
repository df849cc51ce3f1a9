import path from "node:path";
import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./tests/support/chromium";
import { testRtpPort } from "./tests/support/net";

/**
 * End-to-end tests in Debian's Chromium (no downloaded browsers here), against the real server
 * built by `next build` and started as `npm start` would, on a fresh data folder.
 */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_DATA_DIR = path.resolve(process.env.E2E_DATA_DIR ?? ".e2e-data");
export const E2E_ADMIN = { username: "admin", password: "admin-password-1" };
/** SIP and media ports of the server under test (fixed per run; CI machines are fresh). */
export const E2E_SIP_PORT = Number(process.env.E2E_SIP_PORT ?? 5260);
/** Where the server under test sends outbound calls (a SIPp provider started by the test). */
export const E2E_OUTBOUND_PORT = E2E_SIP_PORT + 2;


export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-report.json" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    locale: "en-US",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: "setup", testMatch: /global\.setup\.ts/ },
    { name: "chromium", dependencies: ["setup"], testMatch: /.*\.spec\.ts/ },
  ],
  webServer: {
    command: `rm -rf "${E2E_DATA_DIR}" && exec npx tsx server/main.ts`,
    url: `http://127.0.0.1:${E2E_PORT}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(E2E_PORT),
      HOST: "127.0.0.1",
      PUBLIC_URL: `http://127.0.0.1:${E2E_PORT}`,
      DATA_DIR: E2E_DATA_DIR,
      DATABASE_URL: "",
      ADMIN_USERNAME: E2E_ADMIN.username,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      LOG_LEVEL: "warn",
      SIP_PORT: String(E2E_SIP_PORT),
      TRUNK_ALLOW: "127.0.0.1",
      // Outbound calls go to a SIPp provider on this port (tests/e2e/outbound.spec.ts), with digest credentials.
      TRUNK_OUTBOUND_PROXY: `127.0.0.1:${E2E_OUTBOUND_PORT}`,
      TRUNK_DOMAIN: "provider.test",
      TRUNK_USERNAME: "hotline-acct",
      TRUNK_PASSWORD: "s3cret-pw",
      RTPENGINE_NG_PORT: String(E2E_SIP_PORT + 1),
      // Below the ephemeral ports that freePort() hands to SIPp and test servers (see testRtpPort).
      RTP_PORT_MIN: String(testRtpPort(23000)),
      RTP_PORT_MAX: String(testRtpPort(23999)),
    },
  },
});
