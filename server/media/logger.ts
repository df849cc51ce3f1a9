/** The media layer logs through the process's narrow logger; `silentLogger` is its default. */
export { silentLogger, type Logger } from "../logger";
