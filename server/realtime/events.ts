/**
 * The client-server event contract, one typed map shared by app/ and server/ (as socket.io's
 * typed-events). Inbound payloads are validated where they are received (server/realtime).
 */
import type { Role } from "../auth/roles";
import type { QueuePanelDelta } from "../board/board-delta";
import type { DayQueuesRequest, DayQueuesResult, OperatorAction, OperatorActionResult, OperatorQueuesView } from "../board/operator-actions";
import type { BoardSnapshot, OperatorFiguresView, WallboardQueueView, WallboardSnapshot } from "../board/board-view";
import type { DeskHoursView } from "../hours/hours-desk";

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
  /** The call the operator is on (record id), and whether its caller is held or being consulted about (issue 9). */
  /** `recorded`: the call is being recorded (server/recordings); the desk shows it. */
  call?: { id: string; state: DeskCallState; recorded?: boolean };
}

/** A connected call as the desk shows it: talking, the caller on hold, or the operator consulting a colleague. */
export type DeskCallState = "talking" | "held" | "consulting";

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
  /** `consult`: the desk answers at once, without ringing (the colleague of a completed consultation just agreed). */
  autoAnswer: "X-Hotline-Auto-Answer",
  /** On an internal consultation call (issue 9): the name of the operator consulting (URI-encoded). */
  consultFrom: "X-Hotline-Consult-From",
} as const;

/** Namespace `/desk`: an operator's own desk. */
export interface DeskServerToClient {
  /** The operator's routing state, on connect and on every change. */
  "operator:state": (state: OperatorStateView) => void;
  /** The hours of the operator's queues (issue 11), on connect and at each change. */
  "desk:hours": (hours: DeskHoursView) => void;
  /** Sent on connect: who the server thinks you are. */
  welcome: (me: { id: number; username: string; displayName: string; role: Role }) => void;
  /** The session behind this socket ended (logout elsewhere, disabled account). */
  "session:ended": () => void;
  /** Outbound calls (hook): place this call from the desk's softphone (a callback clicked on /callbacks). */
  "desk:dial": (request: DeskDialRequest) => void;
  /**
   * Monitoring (server/monitoring): who listens to or whispers into this operator's call now; `null` when nobody (or
   * a listener hidden by policy). Anything but `whisper` also closes the desk's whisper connection.
   */
  "monitor:state": (view: MonitorView | null) => void;
  /** Whisper: rtpengine's sendonly offer of the supervisor's voice; the desk answers (recvonly) on a second connection. */
  "monitor:whisper": (offerSdp: string, ack: (reply: MonitorSdpReply) => void) => void;
}
/** `monitor:start`'s reply: one offer per party (the caller's voice, then the operator's), or why not. */
export type MonitorStartReply = { ok: true; sdps: string[] } | Extract<MonitorSdpReply, { ok: false }>;
/** What the operator is shown about a supervisor monitoring their call. */
export interface MonitorView {
  /** `barge`: the supervisor took the call over (the caller talks with them; the operator is not heard). */
  mode: "listen" | "whisper" | "barge";
  supervisorName: string;
}
/** A monitoring step's reply: the SDP for the browser's connection, or why not (server/monitoring MonitorErrorCode). */
export type MonitorSdpReply = { ok: true; sdp: string } | { ok: false; error: "no-call" | "busy" | "invalid" | "failed" | "no-desk" | "unavailable" };
/** Outbound calls: a number for the desk to dial; `callbackId` goes in `X-Hotline-Callback`. */
export interface DeskDialRequest {
  number: string;
  callbackId?: number;
}
/**
 * What an operator asks of the call they are on (issue 9). Transfer targets: a queue or a colleague (blind); the
 * `contact` and `number` kinds (a directory contact, a typed number, through the trunk) are refused until external
 * transfers are wired.
 */
export type DeskCallRequest =
  | { action: "hold" }
  | { action: "resume" }
  | { action: "dtmf"; digit: string }
  | { action: "transfer"; target: TransferTargetRef }
  /** Attended transfer: consult the target first (an external number or a directory contact), then complete or cancel. */
  | { action: "consult"; target: TransferTargetRef }
  | { action: "consult-complete" }
  | { action: "consult-cancel" };
export type TransferTargetRef =
  | { kind: "queue"; queueId: number }
  | { kind: "operator"; userId: number }
  | { kind: "contact"; contactId: number }
  | { kind: "number"; number: string };
/** One entry of the transfer panel's list. */
export interface TransferTargetOption {
  target: TransferTargetRef;
  label: string;
  /** For operators: their routing status now (a transfer rings only an available one). */
  status?: OperatorStatus;
}
export type DeskCallResult = { ok: true } | { ok: false; error: string };

export interface DeskClientToServer {
  ping: (ack: (serverTime: number) => void) => void;
  /** Hold, resume, a keypad digit or a blind transfer of the operator's current call. */
  "call:request": (request: DeskCallRequest, ack: (result: DeskCallResult) => void) => void;
  /** Queues and colleagues the current call can be transferred to. */
  "call:transfer-targets": (ack: (targets: TransferTargetOption[]) => void) => void;
  /** Go available, or pause with a reason. Validated on the server. */
  "operator:set-status": (
    request: { status: "available" } | { status: "paused"; reason: string },
    ack: (result: { ok: true } | { ok: false; error: string }) => void,
  ) => void;
  /**
   * Pre-call loopback check through rtpengine (server/media/loopback-check.ts): the sending connection's offer in,
   * the receiving connection's offer out; then the receiving connection's answer in, the sender's answer out.
   */
  "loopback:offer": (sdp: string, ack: (result: LoopbackReply) => void) => void;
  "loopback:answer": (sdp: string, ack: (result: LoopbackReply) => void) => void;
  "loopback:end": () => void;
}

/** Reply to a loopback step: the SDP for the browser's other connection, or why not. */
export type LoopbackReply = { ok: true; sdp: string } | { ok: false; error: "unavailable" | "invalid" | "failed" };

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
  // ---- queues panel (server/board) ----
  /** One queue's panel, pushed to the queue's room when anything in it changed (at most every BOARD_FLUSH_MS). */
  "board:queue": (update: { queue: QueuePanelDelta; serverNow: number }) => void;
  /** Today's per-operator figures, when one changed. */
  "board:operators": (update: { operators: OperatorFiguresView[]; serverNow: number }) => void;
  /** This supervisor's monitoring ended without being asked (call over, operator changed, setup timed out). */
  "monitor:ended": (info: { callId: string; reason: string }) => void;
}
export interface BoardClientToServer {
  "presence:get": (ack: (users: OnlineUser[]) => void) => void;
  /** Every known operator's current state, to start from. */
  "operators:get": (ack: (operators: BoardOperator[]) => void) => void;
  /** The whole board to start from; joins the socket to every queue's room (updates follow as `board:queue`). */
  "board:get": (ack: (snapshot: BoardSnapshot) => void) => void;
  /** Pause, resume or log out an operator, with the supervisor's reason (validated on the server, logged). */
  "operator:act": (request: OperatorAction, ack: (result: OperatorActionResult) => void) => void;
  /** An operator's queues with their usual and today's levels (undefined: unknown operator or no telephony). */
  "operator:queues": (userId: number, ack: (view: OperatorQueuesView | undefined) => void) => void;
  /** Sets an operator's queues for today (empty list: the usual ones again), with the supervisor's reason. */
  "operator:set-queues": (request: DayQueuesRequest, ack: (result: DayQueuesResult) => void) => void;
  /**
   * Listen or whisper (server/monitoring/call-monitoring-service.ts): start answers rtpengine's sendonly offers for
   * the supervisor's two listening connections (caller, operator); `monitor:answer` takes their answers in that order;
   * whisper then sends the microphone connection's offer with `monitor:publish` and gets rtpengine's answer. Barge
   * (a take-over) gets one sendrecv offer, answered with the microphone on it.
   */
  "monitor:start": (request: { callId: string; mode: "listen" | "whisper" | "barge" }, ack: (reply: MonitorStartReply) => void) => void;
  "monitor:answer": (sdps: string[], ack: (reply: { ok: true } | { ok: false; error: string }) => void) => void;
  "monitor:publish": (sdp: string, ack: (reply: MonitorSdpReply) => void) => void;
  "monitor:stop": () => void;
}

/** Namespace `/wallboard`: the read-only TV screen (wallboard accounts and supervisors up). */
export interface WallboardServerToClient {
  /** One queue's large figures, pushed when they changed. */
  "wallboard:queue": (update: { queue: WallboardQueueView; serverNow: number }) => void;
  "session:ended": () => void;
}
export interface WallboardClientToServer {
  /** Every queue to start from; joins the socket to the wallboard room. */
  "wallboard:get": (ack: (snapshot: WallboardSnapshot) => void) => void;
}

/** Data the server attaches to every authenticated socket. */
export interface SocketData {
  user: { id: number; username: string; displayName: string; role: Role };
  sessionToken: string;
}

