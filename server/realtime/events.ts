/**
 * The client-server event contract, one typed map shared by app/ and server/ (as socket.io's
 * typed-events). Inbound payloads are validated where they are received (server/realtime).
 */
import type { Role } from "../auth/roles";

export interface OnlineUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** Open browser tabs of this user. */
  connections: number;
}

/** Namespace `/desk`: an operator's own desk. */
export interface DeskServerToClient {
  /** Sent on connect: who the server thinks you are. */
  welcome: (me: { id: number; username: string; displayName: string; role: Role }) => void;
  /** The session behind this socket ended (logout elsewhere, disabled account). */
  "session:ended": () => void;
}
export interface DeskClientToServer {
  ping: (ack: (serverTime: number) => void) => void;
}

/** Namespace `/board`: supervisors' live view. */
export interface BoardServerToClient {
  presence: (users: OnlineUser[]) => void;
}
export interface BoardClientToServer {
  "presence:get": (ack: (users: OnlineUser[]) => void) => void;
}

/** Data the server attaches to every authenticated socket. */
export interface SocketData {
  user: { id: number; username: string; displayName: string; role: Role };
  sessionToken: string;
}

