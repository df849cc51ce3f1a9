/** `npm start`: the one Hotline process. Exits non-zero with one readable line on bad configuration or a port it cannot take (server/config/startup-error.ts). */
import { type Hotline, startHotline, stopOnSignals } from "./boot";
import { type Config, loadConfig } from "./config/config";
import { startupErrorLine } from "./config/startup-error";
import { createLogger } from "./logger";

/** How long a node that lost the leader lease may take to stop before it exits anyway, ms. */
const LEADERSHIP_LOST_STOP_MS = 3000;

/** What main() got to, for the start-up error's message. */
const started: { config?: Config } = {};

async function main() {
  const config = loadConfig();
  started.config = config;
  const logger = createLogger(config.LOG_LEVEL);
  const dev = process.argv.includes("--dev");
  // Set once started; the lease may in theory be lost before startHotline returns.
  const running: { hotline?: Hotline } = {};
  const hotline = await startHotline({
    config,
    web: dev ? "next-dev" : "next",
    logger,
    // Active/standby: a node that lost the leader lease must not serve a moment longer than it takes to end its
    // calls (records go to the spill file if the database is gone); its service manager restarts it as a standby.
    onLeadershipLost: (reason) => {
      logger.error("stopping: no longer the active node", { reason });
      const exit = setTimeout(() => process.exit(1), LEADERSHIP_LOST_STOP_MS);
      void (running.hotline?.stop() ?? Promise.resolve()).finally(() => {
        clearTimeout(exit);
        process.exit(1);
      });
    },
  });

  running.hotline = hotline;
  stopOnSignals(hotline, { logger });
}

main().catch((error) => {
  console.error(startupErrorLine(error, started.config) ?? error);
  process.exit(1);
});
