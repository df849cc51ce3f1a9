/**
 * The logging seam of the media layer.
 *
 * Library code in `server/media/` never writes to the console: whoever builds the media layer passes a logger in
 * (the server's structured logger in production, a collecting fake in tests), and `silentLogger` is the default.
 */

/** Minimal structured logger; `fields` carries context such as a call id or an rtpengine address. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ignore = (): void => {};

/** A logger that drops everything: the default when the caller does not care. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
