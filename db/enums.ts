/** Value lists shared by the schema, the services and the browser (no database code here). */

/** What came of a call, as the operator records it in the wrap-up form. */
export const WRAP_UP_OUTCOMES = ["answered-on-the-spot", "transferred", "callback-promised", "information-emailed", "could-not-help"] as const;
export type WrapUpOutcome = (typeof WRAP_UP_OUTCOMES)[number];
