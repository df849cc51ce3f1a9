/**
 * The queue engine's inputs besides calls, and their displays: the database's configuration (engine-config.ts) with
 * the shift scheduler (server/staffing), the operating hours reloaded after each sync (server/hours), the
 * supervisors' board (server/board) and the hours on the board and the desks. {@link EngineWiring.load} then reads it
 * all, closes what a previous run left open (call-records.ts) and rebuilds today's figures.
 * @module
 */
import type { BoardFeed } from "../board/board-feed";
import { startBoard } from "../board/board-runtime";
import type { DeskHoursPush } from "../hours/hours-desk";
import { showQueueHours, type HoursWiring } from "../hours/hours-wiring";
import type { RealtimeServer } from "../realtime/socket-server";
import { ShiftScheduler } from "../staffing/shift-scheduler";
import type { RegistrarEvents } from "../telephony/registrar";
import { recoverAfterRestart, type RestoredOperatorStates } from "./call-records";
import { EngineConfig } from "./engine-config";

export interface EngineWiring {
  config: EngineConfig;
  board: BoardFeed;
  deskHours: DeskHoursPush;
  /**
   * First sync, then the restart recovery: calls a previous run left open are closed (`node-lost` after a `takeover`),
   * and the operators' states there are returned, each used once when the operator's desk comes back, forgotten
   * after OPERATOR_LOGOUT_GRACE_S; then today's figures are rebuilt from today's records. Throws on a database error.
   */
  load(takeover: boolean | undefined): Promise<RestoredOperatorStates>;
  /**
   * The softphones' registrations as engine events (`sip-registered`, `sip-unregistered`); `gone(userId)` is told first
   * when a softphone's registration ends (its outbound call, if any, ends too).
   */
  registrarEvents(gone: (userId: number) => void): RegistrarEvents;
  /** Stops the shift scheduler and the configuration's timer (first at shutdown). */
  stop(): void;
}

/** `args`: what the board needs (server/board/board-runtime.ts) but the configuration built here, and the hours. */
export function startEngineInputs(args: Omit<Parameters<typeof startBoard>[0], "engineConfig"> & { hours: HoursWiring }): EngineWiring {
  const { config, database, clock, logger, controller, hours } = args;
  const dispatch = controller.dispatch.bind(controller);
  const shifts = new ShiftScheduler({ clock, zone: config.TIMEZONE, logger, dispatch, onStatus: (status) => controller.setShiftStatus(status) });
  const engineConfig = new EngineConfig(database.db, dispatch, shifts, { clock, zone: config.TIMEZONE });
  engineConfig.synced.add((queues) => hours.runtime.reload(database.db, queues));
  const board = startBoard({ config, database, clock, logger, realtime: args.realtime, controller, engineConfig });
  const publishDeskHours = (userId: number, view: Parameters<RealtimeServer["publishDeskHours"]>[1]) => args.realtime.publishDeskHours(userId, view);
  const deskHours = showQueueHours({ runtime: hours.runtime, board, synced: engineConfig.synced, publishDeskHours });
  return {
    config: engineConfig,
    board,
    deskHours,
    load: async (takeover) => {
      await engineConfig.sync();
      const restoring = await recoverAfterRestart(controller.records, database.db, clock, logger, { takeover });
      setTimeout(() => restoring.clear(), config.OPERATOR_LOGOUT_GRACE_S * 1000).unref();
      await board.rebuild();
      return restoring;
    },
    registrarEvents: (gone) => ({
      registered: (binding) => dispatch({ type: "sip-registered", operatorId: String(binding.userId) }),
      unregistered: (userId) => {
        gone(userId);
        dispatch({ type: "sip-unregistered", operatorId: String(userId) });
      },
    }),
    stop: () => {
      shifts.stop();
      engineConfig.close();
    },
  };
}
