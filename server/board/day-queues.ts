/** Highest level a supervisor may give an operator for the day (1 is offered first); shared by the board's form. */
export const MAX_DAY_LEVEL = 9;
