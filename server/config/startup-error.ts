/**
 * What `npm start` prints when it cannot start: configuration errors as they are, and a port it could not take
 * (Node's EADDRINUSE / EACCES from `listen` or `bind`) as one line naming the setting that chose that port, instead
 * of a stack trace.
 */
import type { Config } from "./config";
import { ConfigError } from "./config";

/** The settings that choose a port this process listens on. */
const PORT_SETTINGS = ["PORT", "SIP_PORT", "RTPENGINE_NG_PORT"] as const;

/**
 * One line for a start-up failure. `error`: anything thrown by start-up; `config`: the loaded configuration, when
 * loading got that far. Returns the ConfigError's message, a line naming the port's setting for a system error with
 * code EADDRINUSE or EACCES and a numeric `port`, or `undefined` for anything else (print it whole).
 */
export function startupErrorLine(error: unknown, config: Config | undefined): string | undefined {
  if (error instanceof ConfigError) return error.message;
  const e = error as { code?: unknown; port?: unknown; address?: unknown; syscall?: unknown };
  if ((e?.code !== "EADDRINUSE" && e?.code !== "EACCES") || typeof e.port !== "number") return undefined;
  const settings = config ? PORT_SETTINGS.filter((name) => config[name] === e.port) : [];
  const where = `${typeof e.address === "string" ? e.address : "?"}:${e.port}`;
  const what = e.code === "EADDRINUSE" ? "is already in use (another Hotline or program listens there)" : "needs privileges this process does not have";
  const setting = settings.length > 0 ? `: choose another ${settings.join(" or ")}` : "";
  return `cannot start: ${where} ${what}${setting}`;
}
