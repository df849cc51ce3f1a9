/**
 * Wiring of the supervisors' board into the call side: its feed follows every record write and each queue sync,
 * and serves the `/board` and `/wallboard` namespaces (operator actions included).
 */
import type { Database } from "../../db/client";
import type { CallController } from "../calls/call-controller";
import type { EngineConfig } from "../calls/engine-config";
import type { Clock } from "../clock";
import type { Config } from "../config/config";
import type { Logger } from "../logger";
import type { RealtimeServer } from "../realtime/socket-server";
import { BoardFeed } from "./board-feed";
import { serveBoard, socketBoardPublisher } from "./board-socket";
import { setMemberDay } from "../../db/queries/member-days";
import { actOnOperator, setQueuesForDay } from "./operator-actions";

/** The supervisors' board: its figures follow every record write and each queue sync (server/board). */
export function startBoard(args: {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  realtime: RealtimeServer;
  controller: CallController;
  engineConfig: EngineConfig;
}): BoardFeed {
  const { controller, clock, logger, realtime } = args;
  const log = (event: Parameters<CallController["records"]["log"]>[0]) => controller.records.log(event);
  const board = new BoardFeed({ db: args.database.db, clock, logger, zone: args.config.TIMEZONE, publish: socketBoardPublisher(realtime.board, realtime.wallboard), log });
  const knows = (userId: number) => controller.operatorState(userId) !== undefined;
  const { engineConfig } = args;
  serveBoard(
    realtime.board,
    () => board,
    realtime.wallboard,
    (by, request) => actOnOperator({ knows, pauseReasons: () => engineConfig.pauseReasons(), dispatch: (event) => controller.dispatch(event), log, now: () => clock.now() }, by, request),
    {
      get: (userId) => (knows(userId) ? engineConfig.operatorQueues(userId) : undefined),
      set: (by, request) =>
        setQueuesForDay(
          {
            knows,
            queueExists: (queueId) => engineConfig.queueName(queueId) !== undefined,
            day: () => engineConfig.currentDay(),
            save: (day, userId, queues, setBy, note) => setMemberDay(args.database.db, day, userId, queues, setBy, note),
            resync: () => engineConfig.sync(),
            log,
            now: () => clock.now(),
          },
          by,
          request,
        ),
    },
  );
  controller.records.observe((write) => {
    try {
      board.onWrite(write);
    } catch (error) {
      logger.error("board feed failed on a record write", { error: String(error) });
    }
  });
  args.engineConfig.synced.add((queues, byUser) =>
    board.configure(queues, new Map([...byUser].map(([userId, list]) => [userId, list.map((m) => Number(m.queueId))]))),
  );
  return board;
}
