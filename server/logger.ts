/** A narrow logger the modules take as a parameter; the process decides where lines go. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

/** One JSON object a line on stderr: easy to grep, easy to ship to a log collector. */
export function createLogger(minimum: Level, write: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  const min = LEVELS.indexOf(minimum);
  const log = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) >= min) write(JSON.stringify({ t: new Date().toISOString(), level, message, ...fields }));
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
