/** `npm start`: the one Hotline process. Exits non-zero with a readable message on bad configuration. */
import { startHotline, stopOnSignals } from "./boot";
import { ConfigError, loadConfig } from "./config/config";
import { createLogger } from "./logger";

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const dev = process.argv.includes("--dev");
  const hotline = await startHotline({ config, web: dev ? "next-dev" : "next", logger });

  stopOnSignals(hotline, { logger });
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
