import { translatorFor } from "../i18n/messages";
import type { CommandContext } from "./commands";

/** The command line speaks English: validation keys become the English messages of the UI. */
export function commandContext(db: CommandContext["db"], users: CommandContext["users"]): CommandContext {
  const t = translatorFor("en") as unknown as (key: string) => string;
  return { db, users, explain: (key) => (key.startsWith("validation.") ? t(key) : key) };
}
