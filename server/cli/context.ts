import { ROLES } from "../auth/roles";
import { translatorFor } from "../i18n/messages";
import type { CommandContext } from "./commands";

/**
 * Where the UI's message names a choice by its label (a select shows "administrator"), the command line must name
 * the value to type.
 */
const CLI_MESSAGES: Record<string, string> = {
  "validation.role": `Choose one of: ${ROLES.join(", ")}.`,
  // The form's empty field (no limit) is "none" on the command line.
  "validation.maxOnBreak": "A whole number from 0 to 1000, or none (no limit).",
  "validation.maxWait": "A whole number of seconds from 10 to 86400, or none (no limit).",
};

/** The command line speaks English: validation keys become the English messages of the UI (or the CLI's own). */
export function commandContext(db: CommandContext["db"], users: CommandContext["users"]): CommandContext {
  const t = translatorFor("en") as unknown as (key: string) => string;
  return { db, users, explain: (key) => CLI_MESSAGES[key] ?? (key.startsWith("validation.") ? t(key) : key) };
}
