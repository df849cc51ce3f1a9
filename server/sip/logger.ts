/**
 * The SIP layer logs through the process's narrow logger (server/logger.ts); library code never
 * writes to the console, and `silentLogger` is its default.
 * @module
 */
export { silentLogger, type Logger } from "../logger";
