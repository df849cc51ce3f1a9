/**
 * The whole call side of Hotline on free ports, for integration tests: real database (PGlite in a
 * temp folder), real rtpengine (supervised child), real SIP on UDP/TCP, no Next.js.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startHotline, type Hotline } from "../../server/boot";
import { parseConfig } from "../../server/config/config";
import { silentLogger, createLogger } from "../../server/logger";
import { freePort, testRtpPort } from "./net";
import { TestOperator } from "./test-operator";
import { runCommand } from "../../server/cli/commands";
import { commandContext } from "../../server/cli/context";

export interface Harness {
  hotline: Hotline;
  sipTarget: string;
  cli(...argv: string[]): Promise<void>;
  operator(username: string): Promise<TestOperator>;
  stop(): Promise<void>;
}

/**
 * RTP ranges of test rtpengines sit apart from the block where `freePort()` finds the ports of SIPp and the servers
 * (24000-29999): an rtpengine allocating inside that block could take a port just handed out.
 */
let rtpSlot = 0;

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "hotline-it-"));
  // Each harness gets its own RTP range so back-to-back runs never share ports.
  const rtpMin = testRtpPort(20000 + 500 * rtpSlot);
  rtpSlot = (rtpSlot + 1) % 3;
  const config = parseConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SIP_PORT: String(await freePort()),
    RTPENGINE_NG_PORT: String(await freePort()),
    RTP_PORT_MIN: String(rtpMin),
    RTP_PORT_MAX: String(rtpMin + 499),
    TRUNK_ALLOW: "127.0.0.1",
    LOG_LEVEL: "error",
    ...env,
  });
  const hotline = await startHotline({
    config,
    web: "none",
    logger: process.env.HOTLINE_TEST_LOG ? createLogger("debug") : silentLogger,
  });
  const operators: TestOperator[] = [];
  const cli = async (...argv: string[]) => {
    const { database, users } = hotline.services;
    const out = await runCommand(argv, commandContext(database.db, users));
    if (out.code !== 0) throw new Error(out.err.join("\n"));
    await hotline.telephony!.syncQueues();
  };
  return {
    hotline,
    sipTarget: `127.0.0.1:${hotline.telephony!.b2bua.port}`,
    cli,
    async operator(username) {
      const password = `${username}-password`;
      await cli("user", "add", username, "--role", "operator", "--password", password);
      const login = await hotline.services.auth.login({ username, password, address: "127.0.0.1" });
      if (!login.ok) throw new Error("login failed");
      const operator = new TestOperator(hotline.url, username, login.token);
      await operator.start();
      operators.push(operator);
      return operator;
    },
    async stop() {
      for (const operator of operators) await operator.stop().catch(() => {});
      await hotline.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
