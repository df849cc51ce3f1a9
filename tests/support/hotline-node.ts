/**
 * One Hotline node as its own process, for tests that kill a node (SIGKILL) or run several against one PostgreSQL.
 * Configuration from the environment (as `npm start`), no web UI. Prints `ACTIVE <json>` on stdout once telephony
 * runs (with ACTIVE_STANDBY: once this node holds the leader lease); with HOTLINE_TEST_OPERATOR=<name>, that operator
 * (created if missing, member of HOTLINE_TEST_QUEUE) is logged in and the JSON carries its session token.
 */
import { startHotline } from "../../server/boot";
import { runCommand } from "../../server/cli/commands";
import { commandContext } from "../../server/cli/context";
import { loadConfig } from "../../server/config/config";
import { createLogger } from "../../server/logger";

const config = loadConfig();
const hotline = await startHotline({
  config,
  web: "none",
  logger: createLogger("info"),
  onLeadershipLost: () => process.exit(1),
});
const started = setInterval(() => {
  if (!hotline.telephony) return;
  clearInterval(started);
  void announce();
}, 50);

async function announce() {
  const { database, users, auth } = hotline.services;
  const username = process.env.HOTLINE_TEST_OPERATOR;
  let token: string | undefined;
  if (username) {
    const password = `${username}-password`;
    const cli = (...argv: string[]) => runCommand(argv, commandContext(database.db, users));
    await cli("user", "add", username, "--role", "operator", "--password", password);
    await cli("queue", "member", process.env.HOTLINE_TEST_QUEUE ?? "Support", username);
    await hotline.telephony!.syncQueues();
    const login = await auth.login({ username, password, address: "127.0.0.1" });
    if (login.ok) token = login.token;
  }
  process.stdout.write(`ACTIVE ${JSON.stringify({ url: hotline.url, sipPort: hotline.telephony!.b2bua.port, token })}\n`);
}
