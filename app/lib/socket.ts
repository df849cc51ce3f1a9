"use client";

import { io, type Socket } from "socket.io-client";
import type {
  BoardClientToServer,
  BoardServerToClient,
  DeskClientToServer,
  DeskServerToClient,
} from "../../server/realtime/events";

export type DeskSocket = Socket<DeskServerToClient, DeskClientToServer>;
export type BoardSocket = Socket<BoardServerToClient, BoardClientToServer>;

/** Sockets use the session cookie of the page: same origin, no token in JavaScript. */
export function connectDesk(): DeskSocket {
  return io("/desk", { withCredentials: true, transports: ["websocket", "polling"] });
}

export function connectBoard(): BoardSocket {
  return io("/board", { withCredentials: true, transports: ["websocket", "polling"] });
}
