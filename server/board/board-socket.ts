/**
 * The board feed on Socket.IO: the `/board` namespace (session and supervisor role checked by its middleware, see
 * server/realtime/socket-server.ts) gets `board:get`, which answers the whole board and joins the socket to one room
 * per queue; each queue's updates go to its room only.
 */
import type { Namespace } from "socket.io";
import type { BoardClientToServer, BoardServerToClient, SocketData, WallboardClientToServer, WallboardServerToClient } from "../realtime/events";
import type { BoardFeed, BoardPublisher } from "./board-feed";
import type { DayQueuesResult, OperatorActionResult, OperatorQueuesView } from "./operator-actions";

/** The operator's queues for the day, as the board reads and sets them. */
export interface DayQueuesPort {
  get(userId: number): OperatorQueuesView | undefined;
  set(by: number, request: unknown): Promise<DayQueuesResult>;
}

type BoardNamespace = Namespace<BoardClientToServer, BoardServerToClient, Record<string, never>, SocketData>;
type WallboardNamespace = Namespace<WallboardClientToServer, WallboardServerToClient, Record<string, never>, SocketData>;

/** Wallboards that asked for their figures. */
const WALLBOARDS = "wallboard:all";

/** Every board that asked for the queues panel; new queues' rooms are joined from here. */
const ALL_BOARDS = "board:all";
const queueRoom = (queueId: number) => `queue:${queueId}`;

/** Publishes the feed's updates to the namespace's rooms. */
export function socketBoardPublisher(ns: BoardNamespace, wallboards?: WallboardNamespace): BoardPublisher {
  const known = new Set<number>();
  return {
    queue(view, serverNow) {
      if (!known.has(view.queueId)) {
        known.add(view.queueId);
        ns.in(ALL_BOARDS).socketsJoin(queueRoom(view.queueId));
      }
      ns.to(queueRoom(view.queueId)).emit("board:queue", { queue: view, serverNow });
    },
    operators(operators, serverNow) {
      ns.to(ALL_BOARDS).emit("board:operators", { operators, serverNow });
    },
    wallboard(view, serverNow) {
      wallboards?.to(WALLBOARDS).emit("wallboard:queue", { queue: view, serverNow });
    },
  };
}

/**
 * Answers `board:get` on every board socket and `wallboard:get` on every wallboard socket; `operator:act` goes to
 * `act` with the supervisor's id (the namespace admits supervisors only); `operator:queues` and
 * `operator:set-queues` to `dayQueues`.
 */
export function serveBoard(
  ns: BoardNamespace,
  feed: () => BoardFeed | undefined,
  wallboards?: WallboardNamespace,
  act?: (by: number, request: unknown) => OperatorActionResult,
  dayQueues?: DayQueuesPort,
): void {
  wallboards?.on("connection", (socket) => {
    socket.on("wallboard:get", (ack) => {
      if (typeof ack !== "function") return;
      void socket.join(WALLBOARDS);
      ack(feed()?.wallboardSnapshot() ?? { serverNow: Date.now(), queues: [] });
    });
  });
  ns.on("connection", (socket) => {
    socket.on("operator:act", (request, ack) => {
      if (typeof ack !== "function") return;
      ack(act ? act(socket.data.user.id, request) : { ok: false, error: "unavailable" });
    });
    socket.on("operator:queues", (userId, ack) => {
      if (typeof ack !== "function") return;
      ack(typeof userId === "number" ? dayQueues?.get(userId) : undefined);
    });
    socket.on("operator:set-queues", (request, ack) => {
      if (typeof ack !== "function") return;
      if (!dayQueues) return ack({ ok: false, error: "unavailable" });
      void dayQueues.set(socket.data.user.id, request).then(ack);
    });
    socket.on("board:get", (ack) => {
      if (typeof ack !== "function") return;
      const current = feed();
      const snapshot = current?.snapshot() ?? { serverNow: Date.now(), queues: [], operators: [] };
      void socket.join([ALL_BOARDS, ...snapshot.queues.map((q) => queueRoom(q.queueId))]);
      ack(snapshot);
    });
  });
}
