/**
 * Every live connection opened with a session (Socket.IO sockets of /desk and /board, SIP
 * WebSockets on /sip), by user and by session, so that the end of a session closes them at once:
 * logout, expiry, an account disabled or its role or password changed. AuthService announces the
 * ends (events, no polling); for expiry, each connection holds one timer set at its session's
 * expiry, which re-reads the session when it fires (the expiry slides while the session is used)
 * and closes the connection if the session is gone.
 */
import type { AuthService, SessionEndReason } from "./auth-service";

/** What a connection closes for: a session end, or its session found expired by its own timer. */
export type ConnectionEndReason = SessionEndReason;

export interface LiveConnection {
  userId: number;
  /** The session id (HMAC of the cookie token) the connection was opened with. */
  sessionId: string;
  kind: "desk" | "board" | "sip";
  /** Closes the connection; called at most once, synchronously from the registry. */
  close(reason: ConnectionEndReason): void;
}

/** The longest delay Node's timers accept (about 24.8 days); longer expiries are re-checked then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Entry {
  connection: LiveConnection;
  timer: NodeJS.Timeout | undefined;
}

export class LiveConnections {
  private readonly bySession = new Map<string, Set<Entry>>();
  private readonly byUser = new Map<number, Set<Entry>>();

  /**
   * @param sessionExpiry when a session expires now (ms since the epoch), undefined when it ended.
   * @param now the injected clock (ms since the epoch).
   */
  constructor(
    private readonly sessionExpiry: (sessionId: string) => Promise<number | undefined>,
    private readonly now: () => number,
  ) {}

  /** Subscribes to an AuthService's session ends. */
  follow(auth: Pick<AuthService, "on">): void {
    auth.on("session-ended", ({ sessionId, reason }) => this.endSession(sessionId, reason));
    auth.on("user-sessions-ended", ({ userId, reason }) => this.endUser(userId, reason));
  }

  /**
   * Tracks a connection until it closes by itself (call the returned function then) or its session
   * ends (the registry calls `connection.close` and forgets it). `expiresAt` in ms since the epoch.
   *
   * The session is read once more right after the connection is tracked: a session that ended between the
   * connection's own check and this call (a logout landing during a WebSocket handshake, whose end event found
   * nothing to close yet) closes the connection at once instead of at its expiry timer.
   */
  add(connection: LiveConnection, expiresAt: number): () => void {
    const entry: Entry = { connection, timer: undefined };
    add(this.bySession, connection.sessionId, entry);
    add(this.byUser, connection.userId, entry);
    this.arm(entry, expiresAt);
    void this.check(entry);
    return () => this.forget(entry);
  }

  /** Closes every connection of a session. */
  endSession(sessionId: string, reason: ConnectionEndReason): void {
    for (const entry of [...(this.bySession.get(sessionId) ?? [])]) this.end(entry, reason);
  }

  /** Closes every connection of a user. */
  endUser(userId: number, reason: ConnectionEndReason): void {
    for (const entry of [...(this.byUser.get(userId) ?? [])]) this.end(entry, reason);
  }

  /** Live connections of a user, optionally of one kind. */
  count(userId: number, kind?: LiveConnection["kind"]): number {
    let n = 0;
    for (const entry of this.byUser.get(userId) ?? []) if (!kind || entry.connection.kind === kind) n += 1;
    return n;
  }

  /** Stops every timer (shutdown); connections are left to their servers. */
  close(): void {
    for (const entries of this.byUser.values()) for (const entry of entries) clearTimeout(entry.timer);
    this.bySession.clear();
    this.byUser.clear();
  }

  private arm(entry: Entry, expiresAt: number): void {
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.now()));
    entry.timer = setTimeout(() => void this.check(entry), delay);
    entry.timer.unref();
  }

  private async check(entry: Entry): Promise<void> {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    let expiresAt: number | undefined;
    try {
      expiresAt = await this.sessionExpiry(entry.connection.sessionId);
    } catch {
      // The database did not answer: look again in a minute rather than close a working desk.
      if (this.tracked(entry)) this.arm(entry, this.now() + 60_000);
      return;
    }
    if (!this.tracked(entry)) return;
    if (expiresAt !== undefined && expiresAt > this.now()) this.arm(entry, expiresAt);
    else this.end(entry, "expired");
  }

  private tracked(entry: Entry): boolean {
    return this.byUser.get(entry.connection.userId)?.has(entry) ?? false;
  }

  private end(entry: Entry, reason: ConnectionEndReason): void {
    if (!this.tracked(entry)) return;
    this.forget(entry);
    entry.connection.close(reason);
  }

  private forget(entry: Entry): void {
    clearTimeout(entry.timer);
    remove(this.bySession, entry.connection.sessionId, entry);
    remove(this.byUser, entry.connection.userId, entry);
  }
}

function add<K>(map: Map<K, Set<Entry>>, key: K, entry: Entry): void {
  const set = map.get(key) ?? new Set<Entry>();
  set.add(entry);
  map.set(key, set);
}

function remove<K>(map: Map<K, Set<Entry>>, key: K, entry: Entry): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(entry);
  if (set.size === 0) map.delete(key);
}
