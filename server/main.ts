/** `npm start`: the one Hotline process. Exits non-zero with a readable message on bad configuration. */
import { startHotline } from "./boot";
import { ConfigError, loadConfig } from "./config/config";
import { createLogger } from "./logger";

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const dev = process.argv.includes("--dev");
  const hotline = await startHotline({ config, web: dev ? "next-dev" : "next", logger });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    // A stuck close must not keep a supervisor waiting forever.
    setTimeout(() => process.exit(1), 15_000).unref();
    hotline.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
