/**
 * Which recorded prompts voice a position and estimated-wait announcement. Whole sentences are recorded (for
 * positions 1 to 9 and a few rounded waits) rather than spliced from number words, which sound robotic and need
 * grammar per language; beyond the recorded range a caller hears "many callers ahead" or "more than 30 minutes".
 */

/** Positions with a recorded sentence ("You are number 3 in the queue"). */
export const RECORDED_POSITIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
/** Rounded waits, in minutes, with a recorded sentence ("The estimated waiting time is about 5 minutes"). */
export const RECORDED_WAIT_MINUTES = [1, 2, 3, 5, 10, 15, 20, 30] as const;

export type PromptSound =
  | `position-${(typeof RECORDED_POSITIONS)[number]}`
  | "position-many"
  | `wait-${(typeof RECORDED_WAIT_MINUTES)[number]}`
  | "wait-long";

export const PROMPT_SOUNDS: readonly PromptSound[] = [
  ...RECORDED_POSITIONS.map((n) => `position-${n}` as const),
  "position-many",
  ...RECORDED_WAIT_MINUTES.map((n) => `wait-${n}` as const),
  "wait-long",
];

/**
 * The prompts for one announcement, in the order they are played. The wait is rounded up to the next recorded
 * value: promising less than the truth is what makes callers hang up angry. No estimate (0) says no wait.
 */
export function positionAnnouncement(position: number, estimatedWaitMs: number): PromptSound[] {
  const prompts: PromptSound[] = [position >= 1 && position <= 9 ? (`position-${position}` as PromptSound) : "position-many"];
  if (estimatedWaitMs > 0) {
    const minutes = Math.ceil(estimatedWaitMs / 60_000);
    const recorded = RECORDED_WAIT_MINUTES.find((m) => m >= minutes);
    prompts.push(recorded === undefined ? "wait-long" : `wait-${recorded}`);
  }
  return prompts;
}
