/**
 * Socket.IO on the web server's port. Every namespace authenticates the session cookie of the
 * handshake and checks the role before a socket is admitted; the default namespace admits nobody.
 */
import type { Server as HttpServer } from "node:http";
import { parse as parseCookie } from "cookie";
import { Server, type Namespace, type Socket } from "socket.io";
import type { AuthenticatedSession } from "../auth/auth-service";
import type { LiveConnections } from "../auth/live-connections";
import { SESSION_COOKIE } from "../auth/session-cookie";
import { hasRole, type Role } from "../auth/roles";
import type {
  BoardAlert,
  DeskDialRequest,
  BoardClientToServer,
  BoardOperator,
  BoardServerToClient,
  DeskCallResult,
  DeskClientToServer,
  DeskServerToClient,
  MonitorSdpReply,
  MonitorView,
  OnlineUser,
  OperatorStateView,
  SocketData,
  WallboardClientToServer,
  WallboardServerToClient,
  TransferTargetOption,
} from "./events";
import { z } from "zod";
import type { DeskHoursView } from "../hours/hours-desk";

export interface SocketAuth {
  authenticateSession(token: string | undefined): Promise<AuthenticatedSession | undefined>;
}

/** What the desk namespace asks of the call side (set once telephony runs). */
export interface DeskHooks {
  /**
   * First tab of this operator connected / last one closed. `returning`: the desk came back within the logout grace
   * period (a reload, a network blip): the operator keeps the state they had.
   */
  connected(userId: number, returning: boolean): void;
  disconnected(userId: number): void;
  /**
   * The operator left: their last desk connection closed because their session ended (logout,
   * expiry, account changed), or no desk connection came back within the logout grace period.
   */
  loggedOut?(userId: number): void;
  setStatus(userId: number, request: { status: "available" } | { status: "paused"; reason: string }): { ok: true } | { ok: false; error: string };
  state(userId: number): OperatorStateView | undefined;
  /** The hours of the operator's queues (issue 11). */
  hours?(userId: number): DeskHoursView | undefined;
  /** All operators' states, for a supervisor's first view. */
  allStates(): BoardOperator[];
  /** Requests about the operator's current call (hold, keypad, transfer); see server/calls/desk-bridge.ts. */
  callRequests?: DeskCallHandlers;
}

/** The desk's call requests, validated by their handler (zod at the boundary). */
export interface DeskCallHandlers {
  request(userId: number, request: unknown): DeskCallResult | Promise<DeskCallResult>;
  transferTargets(userId: number): TransferTargetOption[] | Promise<TransferTargetOption[]>;
}

const setStatusSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("available") }),
  z.object({ status: z.literal("paused"), reason: z.string().trim().min(1).max(40) }),
]);

/** The pre-call loopback check's steps, as {@link LoopbackChecks} (server/media/loopback-check.ts) offers them. */
export interface LoopbackHooks {
  offer(userId: number, sdp: string): Promise<string>;
  answer(userId: number, sdp: string): Promise<string>;
  end(userId: number): Promise<void>;
}

/** Shortest time between two loopback checks of one operator, ms: each costs an rtpengine session. */
export const LOOPBACK_MIN_INTERVAL_MS = 2_000;

export interface RealtimeServer {
  io: Server;
  /** The supervisors' namespace (authenticated, supervisor role), for the board feed's own handlers (server/board). */
  board: Namespace<BoardClientToServer, BoardServerToClient, Record<string, never>, SocketData>;
  /** The wallboard's namespace (authenticated, wallboard role or supervisor up), served by server/board. */
  wallboard: Namespace<WallboardClientToServer, WallboardServerToClient, Record<string, never>, SocketData>;
  setDeskHooks(hooks: DeskHooks): void;
  /** Enables the desk's pre-call loopback check (while telephony runs). */
  setLoopbackHooks(hooks: LoopbackHooks | undefined): void;
  publishOperatorState(userId: number, state: OperatorStateView): void;
  /** The hours of an operator's queues changed (issue 11). */
  publishDeskHours(userId: number, hours: DeskHoursView): void;
  publishAlert(alert: BoardAlert): void;
  /** Outbound calls (hook): asks the user's open desk(s) to dial; false when no desk is open. */
  publishDial(userId: number, request: DeskDialRequest): Promise<boolean>;
  /** Whether the user has a desk open (a `/desk` socket), e.g. before claiming a callback it would dial. */
  hasDesk(userId: number): Promise<boolean>;
  /** Monitoring (server/monitoring): tells the operator's desk(s) who monitors their call; kept for desks opened later. */
  publishMonitorState(userId: number, view: MonitorView | null): void;
  /** Whisper: offers the supervisor's voice to the operator's most recent desk; rejects when none answers in time. */
  askWhisper(userId: number, offerSdp: string): Promise<string>;
  /** Disconnects every socket of a user (account disabled, logged out everywhere). */
  disconnectUser(userId: number): void;
  close(): Promise<void>;
}

export interface RealtimeOptions {
  allowedOrigin: string;
  /** Every socket is tracked here by user and session, and closed when its session ends. */
  connections?: LiveConnections;
  /** How long an operator whose last desk connection closed (without their session ending) stays logged in to the queues, in ms. */
  logoutGraceMs?: number;
  /** Session ends, to log out at once an operator whose desk already closed. */
  sessionEnds?: { on(event: "session-ended" | "user-sessions-ended", listener: (event: { userId: number }) => void): unknown };
}

/** How long the operator's desk may take to answer a whisper offer, ms. */
export const WHISPER_ANSWER_MS = 8_000;

/** Default of OPERATOR_LOGOUT_GRACE_S, in ms. */
export const DEFAULT_LOGOUT_GRACE_MS = 120_000;

export function createRealtimeServer(http: HttpServer, auth: SocketAuth, options: RealtimeOptions): RealtimeServer {
  const io = new Server(http, {
    serveClient: false,
    // Cookies authenticate the handshake, so cross-site pages must not be able to open sockets.
    cors: { origin: options.allowedOrigin, credentials: true },
    maxHttpBufferSize: 64 * 1024,
    // Other upgrade paths (/sip) belong to other handlers on the same server.
    destroyUpgrade: false,
    // Browsers apply no CORS to WebSocket upgrades: refuse handshakes from another origin
    // (cross-site WebSocket hijacking) unless it is the configured public origin.
    allowRequest: (req, callback) => callback(null, isSameOrigin(req.headers.origin, req.headers.host, options.allowedOrigin)),
  });
  io.use((_socket, next) => next(new Error("forbidden")));

  // One Server serves namespaces with different event maps; each is typed by its own contract.
  const desk = io.of("/desk") as unknown as Namespace<DeskClientToServer, DeskServerToClient, Record<string, never>, SocketData>;
  const board = io.of("/board") as unknown as Namespace<BoardClientToServer, BoardServerToClient, Record<string, never>, SocketData>;
  desk.use(requireRole(auth, "operator"));
  board.use(requireRole(auth, "supervisor"));
  // board hook: the wallboard (server/board/board-socket.ts serves its events).
  const wallboard = io.of("/wallboard") as unknown as Namespace<WallboardClientToServer, WallboardServerToClient, Record<string, never>, SocketData>;
  wallboard.use(requireRole(auth, "wallboard"));

  const online = new Map<number, OnlineUser>();
  /** Monitoring shown to each operator now (server/monitoring), for desks that connect later. */
  const monitorViews = new Map<number, MonitorView>();
  let hooks: DeskHooks | undefined;
  let loopback: LoopbackHooks | undefined;
  /** Last loopback start per operator, to bound how often one can make rtpengine open a session. */
  const loopbackStarted = new Map<number, number>();
  const publishPresence = () => board.emit("presence", [...online.values()]);
  let closing = false;
  const logoutGraceMs = options.logoutGraceMs ?? DEFAULT_LOGOUT_GRACE_MS;
  /** Operators whose desk closed, each with the timer that logs them out of the queues. */
  const leaving = new Map<number, NodeJS.Timeout>();
  /** The session whose last desk connection started each `leaving` grace. */
  const leftSession = new Map<number, string>();
  const logOut = (userId: number) => {
    clearTimeout(leaving.get(userId));
    leaving.delete(userId);
    leftSession.delete(userId);
    hooks?.loggedOut?.(userId);
  };
  options.sessionEnds?.on("session-ended", ({ userId }) => {
    if (leaving.has(userId)) logOut(userId);
  });
  options.sessionEnds?.on("user-sessions-ended", ({ userId }) => {
    if (leaving.has(userId)) logOut(userId);
  });

  /** Tracks a socket by its session: the session's end closes it, telling the browser why. */
  const track = (socket: Socket, kind: "desk" | "board") => {
    const { user, sessionId, expiresAt } = socket.data as SocketData & SessionData;
    const untrack = options.connections?.add(
      {
        userId: user.id,
        sessionId,
        kind,
        close: (reason) => {
          (socket.data as SessionData).endedBy = reason;
          socket.emit("session:ended");
          socket.disconnect(true);
        },
      },
      expiresAt,
    );
    socket.on("disconnect", () => untrack?.());
  };

  desk.on("connection", (socket) => {
    const { user } = socket.data;
    track(socket as unknown as Socket, "desk");
    // The same login's desk back within the grace (a reload, a blip); a new login starts afresh.
    const returning = leaving.has(user.id) && leftSession.get(user.id) === (socket.data as SocketData & SessionData).sessionId;
    clearTimeout(leaving.get(user.id));
    leaving.delete(user.id);
    leftSession.delete(user.id);
    socket.join(userRoom(user.id));
    const entry = online.get(user.id) ?? { ...user, connections: 0 };
    entry.connections += 1;
    online.set(user.id, entry);
    publishPresence();
    socket.emit("welcome", user);
    if (entry.connections === 1) hooks?.connected(user.id, returning);
    const state = hooks?.state(user.id);
    if (state) socket.emit("operator:state", state);
    const monitored = monitorViews.get(user.id);
    if (monitored) socket.emit("monitor:state", monitored);
    const hours = hooks?.hours?.(user.id);
    if (hours) socket.emit("desk:hours", hours);
    socket.on("ping", (ack) => {
      if (typeof ack === "function") ack(Date.now());
    });
    socket.on("operator:set-status", (request, ack) => {
      if (typeof ack !== "function") return;
      const parsed = setStatusSchema.safeParse(request);
      if (!parsed.success) return ack({ ok: false, error: "invalid request" });
      ack(hooks ? hooks.setStatus(user.id, parsed.data) : { ok: false, error: "telephony not running" });
    });
    socket.on("loopback:offer", (sdp, ack) => {
      if (typeof ack !== "function") return;
      if (!loopback) return ack({ ok: false, error: "unavailable" });
      if (typeof sdp !== "string") return ack({ ok: false, error: "invalid" });
      const now = Date.now();
      if (now - (loopbackStarted.get(user.id) ?? 0) < LOOPBACK_MIN_INTERVAL_MS) return ack({ ok: false, error: "failed" });
      loopbackStarted.set(user.id, now);
      loopback.offer(user.id, sdp).then((answer) => ack({ ok: true, sdp: answer }), (error: unknown) => ack({ ok: false, error: loopbackError(error) }));
    });
    socket.on("loopback:answer", (sdp, ack) => {
      if (typeof ack !== "function") return;
      if (!loopback) return ack({ ok: false, error: "unavailable" });
      if (typeof sdp !== "string") return ack({ ok: false, error: "invalid" });
      loopback.answer(user.id, sdp).then((answer) => ack({ ok: true, sdp: answer }), (error: unknown) => ack({ ok: false, error: loopbackError(error) }));
    });
    socket.on("loopback:end", () => void loopback?.end(user.id));
    socket.on("call:request", (request, ack) => {
      if (typeof ack !== "function") return;
      const result = hooks?.callRequests ? hooks.callRequests.request(user.id, request) : { ok: false as const, error: "telephony not running" };
      void Promise.resolve(result).then(ack, () => ack({ ok: false, error: "failed" }));
    });
    socket.on("call:transfer-targets", (ack) => {
      if (typeof ack === "function") void Promise.resolve(hooks?.callRequests?.transferTargets(user.id) ?? []).then(ack, () => ack([]));
    });
    socket.on("disconnect", () => {
      const current = online.get(user.id);
      if (current && --current.connections <= 0) {
        online.delete(user.id);
        loopbackStarted.delete(user.id);
        void loopback?.end(user.id);
        hooks?.disconnected(user.id);
        if ((socket.data as SocketData & SessionData).endedBy) logOut(user.id);
        else if (!closing) {
          const timer = setTimeout(() => logOut(user.id), logoutGraceMs);
          timer.unref();
          leaving.set(user.id, timer);
          leftSession.set(user.id, (socket.data as SocketData & SessionData).sessionId);
        }
      }
      publishPresence();
    });
  });

  wallboard.on("connection", (socket) => track(socket as unknown as Socket, "board"));
  board.on("connection", (socket) => {
    track(socket as unknown as Socket, "board");
    socket.join(userRoom(socket.data.user.id));
    socket.on("presence:get", (ack) => {
      if (typeof ack === "function") ack([...online.values()]);
    });
    socket.on("operators:get", (ack) => {
      if (typeof ack === "function") ack(hooks?.allStates() ?? []);
    });
  });

  return {
    io,
    board,
    wallboard,
    setDeskHooks(next) {
      hooks = next;
    },
    setLoopbackHooks(next) {
      loopback = next;
    },
    publishOperatorState(userId, state) {
      desk.to(userRoom(userId)).emit("operator:state", state);
      board.emit("operator:state", { userId, ...state });
    },
    publishDeskHours(userId, hours) {
      desk.to(userRoom(userId)).emit("desk:hours", hours);
    },
    publishAlert(alert) {
      board.emit("alert", alert);
    },
    async hasDesk(userId) {
      return (await desk.in(userRoom(userId)).fetchSockets()).length > 0;
    },
    async publishDial(userId, request) {
      const desks = await desk.in(userRoom(userId)).fetchSockets();
      if (desks.length === 0) return false;
      desk.to(userRoom(userId)).emit("desk:dial", request);
      return true;
    },
    publishMonitorState(userId, view) {
      if (view) monitorViews.set(userId, view);
      else monitorViews.delete(userId);
      desk.to(userRoom(userId)).emit("monitor:state", view);
    },
    async askWhisper(userId, offerSdp) {
      const desks = await desk.in(userRoom(userId)).fetchSockets();
      const target = desks.at(-1);
      if (!target) throw new Error("no desk open");
      // One socket's ack: socket.io 4.8 gives that socket's reply itself (not an array) for a fetched socket.
      const replies = (await target.timeout(WHISPER_ANSWER_MS).emitWithAck("monitor:whisper", offerSdp)) as MonitorSdpReply | MonitorSdpReply[];
      const reply = Array.isArray(replies) ? replies[0] : replies;
      if (!reply?.ok) throw new Error(`desk refused the whisper: ${reply?.error ?? "no reply"}`);
      return reply.sdp;
    },
    disconnectUser(userId) {
      for (const ns of [desk, board] as Namespace[]) {
        ns.in(userRoom(userId)).emit("session:ended");
        ns.in(userRoom(userId)).disconnectSockets(true);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const timer of leaving.values()) clearTimeout(timer);
        leaving.clear();
        leftSession.clear();
        io.close(() => resolve());
      }),
  };
}

/** The reply code for a failed loopback step: the browser's fault, or the media relay's. */
function loopbackError(error: unknown): "invalid" | "failed" {
  return error instanceof Error && error.name === "LoopbackCheckError" ? "invalid" : "failed";
}

/** True when a handshake's Origin is absent (non-browser clients), the request's own host, or the public origin. */
export function isSameOrigin(origin: string | undefined, host: string | undefined, allowedOrigin: string): boolean {
  if (!origin) return true;
  try {
    const url = new URL(origin);
    return url.origin === new URL(allowedOrigin).origin || url.host === host;
  } catch {
    return false;
  }
}

const userRoom = (userId: number) => `user:${userId}`;

/** Server-side only: the session a socket was opened with, and why it was closed by the server. */
interface SessionData {
  sessionId: string;
  /** Session expiry, ms since the epoch, at the handshake. */
  expiresAt: number;
  endedBy?: string;
}

function requireRole(auth: SocketAuth, role: Role) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    try {
      const token = parseCookie(socket.handshake.headers.cookie ?? "")[SESSION_COOKIE];
      const session = await auth.authenticateSession(token);
      if (!session) return next(new Error("unauthorized"));
      const { user } = session;
      if (!hasRole(user.role, role)) return next(new Error("forbidden"));
      const data: SocketData & SessionData = {
        user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role },
        sessionToken: token!,
        sessionId: session.sessionId,
        expiresAt: session.expiresAt,
      };
      socket.data = data;
      next();
    } catch {
      next(new Error("unavailable"));
    }
  };
}
