/**
 * Operating hours on the call path: the hours runtime (one timer for the next boundary, opening and closing queues
 * in the engine) and the prompt catalog (each sound in the number's language) for the call controller, which gets
 * every route decorated with the number's state and language.
 */
import path from "node:path";
import type { RoutedNumber } from "../calls/call-controller";
import type { Sound } from "../calls/call-media";
import type { Clock } from "../clock";
import type { PromptLanguage } from "../../db/enums";
import type { Config } from "../config/config";
import type { Logger } from "../logger";
import type { EngineEvent } from "../queue";
import type { EngineConfig } from "../calls/engine-config";
import { DeskHoursPush, type DeskHoursView } from "./hours-desk";
import { HoursRuntime } from "./hours-runtime";
import type { QueueHoursState } from "./number-hours";
import { PromptCatalog } from "./prompt-catalog";

export interface HoursWiring {
  runtime: HoursRuntime;
  /** The route with the number's state (open, closed with its prompts, or sent to another queue) and language. */
  decorate(route: RoutedNumber | undefined): RoutedNumber | undefined;
  /** Length of a prompt file in any language, ms (0 when unknown). */
  durationMs(sound: Sound): number;
}

/** `promptsChanged`: told when prompt files were rescanned or added (the media's playback copies follow). */
export function startHours(args: { config: Config; clock: Clock; logger: Logger; dispatch: (event: EngineEvent) => void; promptsChanged?: () => void }): HoursWiring {
  const soundsDir = path.resolve(args.config.SOUNDS_DIR);
  const prompts = new PromptCatalog(soundsDir, args.promptsChanged);
  const runtime = new HoursRuntime({
    clock: args.clock,
    zone: args.config.TIMEZONE,
    soundsDir,
    catalog: prompts,
    logger: args.logger,
    voicemailMaxS: args.config.VOICEMAIL_MAX_S,
    setQueueOpen: (queueId, open) => args.dispatch({ type: "queue-configured", settings: { id: String(queueId), open } }),
  });
  return {
    runtime,
    decorate: (route) => {
      const state = route && runtime.route(route.numberId);
      if (!route || !state) return route;
      const localizeIn = (language: PromptLanguage) => (sound: Sound): Sound => prompts.resolve(language, sound) ?? sound;
      return { ...route, ...(state.queue && { queueId: state.queue.queueId, queueName: state.queue.queueName }), hours: state, localize: localizeIn(state.language), localizeIn };
    },
    durationMs: (sound) => prompts.durationMs(sound),
  };
}

/**
 * Each queue's hours where people look at them, pushed when the hours runtime crosses a boundary (no polling): the
 * board's panels, and each operator's desk (the hours of the queues they serve; who serves which is taken after each
 * configuration sync, `synced`). Returns the desks' push, whose `view(userId)` answers a desk that opens.
 */
export function showQueueHours(args: {
  runtime: HoursRuntime;
  board: { setQueueHours(states: ReadonlyMap<number, QueueHoursState>): void };
  synced: EngineConfig["synced"];
  publishDeskHours(userId: number, view: DeskHoursView): void;
}): DeskHoursPush {
  args.runtime.queueHoursChanged.add((states) => args.board.setQueueHours(states));
  const deskHours = new DeskHoursPush((userId, view) => args.publishDeskHours(userId, view));
  args.runtime.queueHoursChanged.add((states) => deskHours.setStates(states));
  args.synced.add((queues, byUser) => deskHours.configure(queues, byUser));
  return deskHours;
}
