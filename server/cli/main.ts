/**
 * `npm run cli -- <command>`: administration without a browser. While the server runs, the command
 * is run by the server through the control socket; otherwise the database is opened directly.
 */
import { openDatabase } from "../../db/client";
import { UserService } from "../accounts/user-service";
import { AuthService } from "../auth/auth-service";
import { systemClock } from "../clock";
import { ConfigError, loadConfig } from "../config/config";
import { controlSocketPath, ensureDataDir, resolveSessionSecret } from "../data-dir";
import { commandContext } from "./context";
import { sendControlCommand } from "./control-socket";
import { runCommand, USAGE, type CommandOutput } from "./commands";

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "help") {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const config = loadConfig();
  const dataDir = await ensureDataDir(config.DATA_DIR);
  let output: CommandOutput | undefined = await sendControlCommand(controlSocketPath(dataDir), argv);
  if (!output) {
    const database = await openDatabase(
      config.DATABASE_URL ? { kind: "postgres", url: config.DATABASE_URL } : { kind: "pglite", dataDir },
    );
    try {
      const secret = await resolveSessionSecret(dataDir, config.SESSION_SECRET);
      const auth = new AuthService(database.db, secret, systemClock, config.SESSION_TTL_HOURS * 3_600_000);
      output = await runCommand(argv, commandContext(database.db, new UserService(database.db, auth)));
    } finally {
      await database.close();
    }
  }
  for (const line of output.out) console.log(line);
  for (const line of output.err) console.error(line);
  return output.code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof ConfigError ? error.message : `error: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  },
);
