/**
 * The order of one call's media steps. A step names the lanes it occupies; it starts once every step queued before it
 * on any of those lanes has ended (resolved or rejected), so steps sharing a lane never overlap and keep their order,
 * while steps on different lanes may run side by side. A call has two lanes:
 * - `branch`: what re-negotiates the call's legs in rtpengine (answers, operator offers, hold, DTMF, recovery);
 * - `playback`: what the caller hears while waiting (`play media`, `stop media`).
 * Most steps take both (the default). An operator offer takes `branch` only and waiting audio `playback` only, so an
 * operator's INVITE no longer waits behind the round trip of a prompt asked for just before it (in a surge, callers
 * reached operators out of arrival order by up to 750 ms because of that). rtpengine itself runs one command of a call
 * at a time (the call's lock), so overlapping steps cannot interleave inside it; an offer and a play touch different
 * parts of the call (the new branch, the caller's player), measured to work in either order.
 * @module
 */

/** The lanes of a call's media steps (see the module comment). */
export type MediaLane = "branch" | "playback";

/** Every lane: a step that orders against everything before and after it. */
export const ALL_LANES: readonly MediaLane[] = ["branch", "playback"];

export class MediaLanes {
  /** Per lane, the end of the last step queued on it (never rejects). */
  private readonly tails = new Map<MediaLane, Promise<void>>();

  /**
   * Runs `step` once every earlier step on `lanes` ended, and returns its result (its rejection too: the lanes go on
   * with the next step whatever this one did).
   */
  run<T>(lanes: readonly MediaLane[], step: () => Promise<T> | T): Promise<T> {
    const before = lanes.map((lane) => this.tails.get(lane)).filter((tail) => tail !== undefined);
    const result = (before.length === 0 ? Promise.resolve() : before.length === 1 ? before[0]! : Promise.all(before)).then(step);
    const done = result.then(
      () => undefined,
      () => undefined,
    );
    for (const lane of lanes) this.tails.set(lane, done);
    return result;
  }

  /** Resolves once every step queued so far (on any lane) has ended. */
  idle(): Promise<void> {
    return Promise.all(this.tails.values()).then(() => undefined);
  }
}
