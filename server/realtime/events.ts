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

/** An operator's routing state as the desk shows it (the queue engine's operator state machine). */
export type OperatorStatus = "offline" | "available" | "offered" | "on-call" | "wrap-up" | "paused";

export interface OperatorStateView {
  status: OperatorStatus;
  /** Pause reason (break, lunch, training, missed-calls, …) when paused. */
  reason?: string;
  /** Epoch ms when this state began, for the desk's timer. */
  since: number;
  /** The three conditions of availability; a mismatch is shown to the operator. */
  presence: { loggedIn: boolean; socketConnected: boolean; sipRegistered: boolean };
  /**
   * A pause asked for that has not started: it starts after the current call, or when one of the queue's break
   * slots frees up (`position` in the line of operators waiting for one, from 1).
   */
  pendingPause?: { reason: string; position?: number };
  /** Inside one of the operator's shifts now; absent for an operator who has no shift set. */
  onShift?: boolean;
}

/** What the softphone needs to register: the SIP-over-WebSocket endpoint and this operator's AOR. */
export interface SipClientConfig {
  /** Path of the SIP WebSocket on the page's own origin (RFC 7118), e.g. `/sip`. */
  wsPath: string;
  /** e.g. `sip:amina@hotline.invalid` */
  aor: string;
  displayName: string;
  /** ICE servers for RTCPeerConnection: the product's own list, empty on a LAN. */
  iceServers: Array<{ urls: string | string[]; username?: string; credential?: string }>;
}

/** Headers the B2BUA puts on the INVITE it sends to an operator's softphone. */
export const OFFER_HEADERS = {
  callId: "X-Hotline-Call-Id",
  caller: "X-Hotline-Caller",
  queue: "X-Hotline-Queue",
} as const;

/** Namespace `/desk`: an operator's own desk. */
export interface DeskServerToClient {
  /** The operator's routing state, on connect and on every change. */
  "operator:state": (state: OperatorStateView) => void;
  /** Sent on connect: who the server thinks you are. */
  welcome: (me: { id: number; username: string; displayName: string; role: Role }) => void;
  /** The session behind this socket ended (logout elsewhere, disabled account). */
  "session:ended": () => void;
  /** Outbound calls (hook): place this call from the desk's softphone (a callback clicked on /callbacks). */
  "desk:dial": (request: DeskDialRequest) => void;
}
/** Outbound calls: a number for the desk to dial; `callbackId` goes in `X-Hotline-Callback`. */
export interface DeskDialRequest {
  number: string;
  callbackId?: number;
}
export interface DeskClientToServer {
  ping: (ack: (serverTime: number) => void) => void;
  /** Go available, or pause with a reason. Validated on the server. */
  "operator:set-status": (
    request: { status: "available" } | { status: "paused"; reason: string },
    ack: (result: { ok: true } | { ok: false; error: string }) => void,
  ) => void;
}

/** One operator's routing state as supervisors see it. */
export interface BoardOperator extends OperatorStateView {
  userId: number;
}

/** Something a supervisor should act on. */
export interface BoardAlert {
  kind: "break-overrun";
  userId: number;
  reason: string;
  since: number;
  overrunMs: number;
}

/** Namespace `/board`: supervisors' live view. */
export interface BoardServerToClient {
  presence: (users: OnlineUser[]) => void;
  /** An operator's state changed (pushed on every change). */
  "operator:state": (operator: BoardOperator) => void;
  alert: (alert: BoardAlert) => void;
}
export interface BoardClientToServer {
  "presence:get": (ack: (users: OnlineUser[]) => void) => void;
  /** Every known operator's current state, to start from. */
  "operators:get": (ack: (operators: BoardOperator[]) => void) => void;
}

/** Data the server attaches to every authenticated socket. */
export interface SocketData {
  user: { id: number; username: string; displayName: string; role: Role };
  sessionToken: string;
}

