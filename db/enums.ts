/** Value lists shared by the schema, the services and the browser (no database code here). */

/** What came of a call, as the operator records it in the wrap-up form. */
export const WRAP_UP_OUTCOMES = ["answered-on-the-spot", "transferred", "callback-promised", "information-emailed", "could-not-help"] as const;
export type WrapUpOutcome = (typeof WRAP_UP_OUTCOMES)[number];

/** Languages a hotline number's prompts can be in (the product's own languages). */
export const PROMPT_LANGUAGES = ["en", "fr", "ar"] as const;
export type PromptLanguage = (typeof PROMPT_LANGUAGES)[number];

/**
 * What a caller to a closed number gets after the closed message: hung up, voicemail, forwarded to another number
 * through the trunk, or sent to another queue (`closed_target` holds the number or the queue's name).
 */
export const CLOSED_ACTIONS = ["hang-up", "voicemail", "forward", "queue"] as const;
export type ClosedAction = (typeof CLOSED_ACTIONS)[number];

/** Dated exceptions of a schedule: one-off opening periods, and closures (holidays). */
export const SCHEDULE_EXCEPTION_KINDS = ["period", "closure"] as const;
export type ScheduleExceptionKind = (typeof SCHEDULE_EXCEPTION_KINDS)[number];

/** One caller-menu choice: a digit and what it does (`queue:<name>`, `language:<en|fr|ar>`, `callback`). */
export interface MenuOption {
  digit: string;
  action: string;
}
