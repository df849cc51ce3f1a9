/**
 * Logins and sessions. The browser holds a random token in an httpOnly cookie; the database keeps
 * only an HMAC of it keyed by SESSION_SECRET, so neither a database copy nor a guessed id is a session.
 *
 * Every end of a session is announced as an event (`session-ended`, `user-sessions-ended`), so live
 * connections opened with it (Socket.IO, SIP WebSocket; see LiveConnections) close at once.
 */
import { EventEmitter } from "node:events";
import { createHmac, randomBytes } from "node:crypto";
import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import {
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsBeyond,
  deleteUserSessions,
  extendSession,
  findSessionUser,
  insertSession,
} from "../../db/queries/sessions";
import { findUserByUsername } from "../../db/queries/users";
import type { Clock } from "../clock";
import { LoginLimiter } from "./login-limiter";
import { PasswordWorkBusyError, decoyHash, verifyPassword } from "./password";

export { SESSION_COOKIE } from "./session-cookie";
/** Sliding expiry is written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 5 * 60_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Default cap on one account's sessions (SESSION_MAX_PER_USER). */
export const DEFAULT_MAX_SESSIONS_PER_USER = 10;
/** Expired sessions are deleted from the database this often (one timer for the process). */
export const SESSION_PURGE_INTERVAL_MS = 15 * 60_000;
/** Sessions whose cookie must be re-sent with a later expiry, remembered at most this many at once. */
const MAX_PENDING_COOKIE_REFRESHES = 10_000;

export type LoginResult =
  | { ok: true; token: string; user: User; expiresAt: Date }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "rate_limited"; retryAfterS: number };

export interface LoginAttempt {
  username: string;
  password: string;
  address: string;
  userAgent?: string | null;
}

/** Why a session ended: logged out, expired, pushed out by the per-user cap, or the account changed (disabled, role, password). */
export type SessionEndReason = "logged-out" | "expired" | "evicted" | "account-changed";

export interface AuthEvents {
  "session-ended": [event: { sessionId: string; userId: number; reason: SessionEndReason }];
  "user-sessions-ended": [event: { userId: number; reason: SessionEndReason }];
  /** A purge ran; `deleted` expired sessions were removed. */
  purged: [event: { deleted: number }];
}

/** A live session: its user, its id (the HMAC of the token), and when it expires (ms since the epoch). */
export interface AuthenticatedSession {
  user: User;
  sessionId: string;
  expiresAt: number;
}

export interface AuthOptions {
  limiter?: LoginLimiter;
  /** Sessions one account may hold; the least recently used beyond it end at login. */
  maxSessionsPerUser?: number;
}

export class AuthService extends EventEmitter<AuthEvents> {
  private readonly limiter: LoginLimiter;
  private readonly maxSessionsPerUser: number;
  private readonly cookieRefreshes = new Map<string, Date>();
  private purgeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    options: LoginLimiter | AuthOptions = {},
  ) {
    super();
    const opts = options instanceof LoginLimiter ? { limiter: options } : options;
    this.limiter = opts.limiter ?? new LoginLimiter(() => clock.now());
    this.maxSessionsPerUser = opts.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER;
  }

  /**
   * Checks a username and password. The attempt is counted by the limiter before anything is
   * awaited; `rate_limited` when a limit is reached or the bounded password-hashing queue is full.
   */
  async login(attempt: LoginAttempt): Promise<LoginResult> {
    const admission = this.limiter.begin(attempt.address, attempt.username);
    if (!admission.admitted) return { ok: false, reason: "rate_limited", retryAfterS: admission.retryAfterS };
    const { ticket } = admission;
    let user: User | undefined;
    try {
      user = await findUserByUsername(this.db, attempt.username);
      // Verify against a decoy for unknown or disabled users so timing does not tell which usernames exist.
      const valid = await verifyPassword(attempt.password, user && !user.disabled ? user.passwordHash : await decoyHash());
      if (!user || user.disabled || !valid) {
        ticket.failed();
        return { ok: false, reason: "invalid" };
      }
    } catch (error) {
      ticket.failed();
      if (error instanceof PasswordWorkBusyError) return { ok: false, reason: "rate_limited", retryAfterS: 1 };
      throw error;
    }
    ticket.succeeded();

    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(this.clock.now() + this.ttlMs);
    await insertSession(this.db, {
      id: this.sessionId(token),
      userId: user.id,
      expiresAt,
      lastSeenAt: new Date(this.clock.now()),
      userAgent: attempt.userAgent?.slice(0, 300) ?? null,
      ip: attempt.address,
    });
    for (const sessionId of await deleteSessionsBeyond(this.db, user.id, this.maxSessionsPerUser)) {
      this.emit("session-ended", { sessionId, userId: user.id, reason: "evicted" });
    }
    return { ok: true, token, user, expiresAt };
  }

  /** The user behind a session cookie, or undefined. Extends the session while it is used. */
  async authenticate(token: string | undefined | null): Promise<User | undefined> {
    return (await this.authenticateSession(token))?.user;
  }

  /**
   * The live session behind a cookie token, or undefined (unknown, expired, user disabled). Slides
   * the expiry (written at most every 5 minutes); when it does, the cookie's own expiry is due for a
   * refresh too (see {@link takeCookieRefresh}).
   */
  async authenticateSession(token: string | undefined | null): Promise<AuthenticatedSession | undefined> {
    if (!token || !TOKEN_PATTERN.test(token)) return undefined;
    const id = this.sessionId(token);
    const now = new Date(this.clock.now());
    const found = await findSessionUser(this.db, id, now);
    if (!found) return undefined;
    let expiresAt = found.expiresAt;
    if (now.getTime() - found.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      expiresAt = new Date(now.getTime() + this.ttlMs);
      await extendSession(this.db, id, now, expiresAt);
      this.cookieRefreshes.delete(id);
      this.cookieRefreshes.set(id, expiresAt);
      if (this.cookieRefreshes.size > MAX_PENDING_COOKIE_REFRESHES) this.cookieRefreshes.delete(this.cookieRefreshes.keys().next().value!);
    }
    return { user: found.user, sessionId: id, expiresAt: expiresAt.getTime() };
  }

  /**
   * The new expiry of this token's session when it slid since its cookie was last sent, once (the
   * caller re-sends the cookie with it); undefined otherwise. No database access.
   */
  takeCookieRefresh(token: string | undefined | null): Date | undefined {
    if (!token || !TOKEN_PATTERN.test(token) || this.cookieRefreshes.size === 0) return undefined;
    const id = this.sessionId(token);
    const expiresAt = this.cookieRefreshes.get(id);
    this.cookieRefreshes.delete(id);
    return expiresAt;
  }

  /** When the session `sessionId` expires now (ms since the epoch); undefined when it ended or its user is disabled. */
  async sessionExpiry(sessionId: string): Promise<number | undefined> {
    const found = await findSessionUser(this.db, sessionId, new Date(this.clock.now()));
    return found?.expiresAt.getTime();
  }

  async logout(token: string | undefined | null): Promise<void> {
    if (!token || !TOKEN_PATTERN.test(token)) return;
    const sessionId = this.sessionId(token);
    this.cookieRefreshes.delete(sessionId);
    const userId = await deleteSession(this.db, sessionId);
    if (userId !== undefined) this.emit("session-ended", { sessionId, userId, reason: "logged-out" });
  }

  /** Ends every session of a user (disabled account, password reset, role change). */
  async logoutEverywhere(userId: number): Promise<void> {
    await deleteUserSessions(this.db, userId);
    this.emit("user-sessions-ended", { userId, reason: "account-changed" });
  }

  /** Deletes expired sessions now; returns how many. */
  async purgeExpired(): Promise<number> {
    const deleted = await deleteExpiredSessions(this.db, new Date(this.clock.now()));
    this.emit("purged", { deleted });
    return deleted;
  }

  /** Purges expired sessions every `intervalMs` (one unref'd timer) until {@link stopPurging}. */
  startPurging(intervalMs = SESSION_PURGE_INTERVAL_MS, onError: (error: unknown) => void = () => {}): void {
    this.stopPurging();
    this.purgeTimer = setInterval(() => void this.purgeExpired().catch(onError), intervalMs);
    this.purgeTimer.unref();
  }

  stopPurging(): void {
    clearInterval(this.purgeTimer);
    this.purgeTimer = undefined;
  }

  /** The session id (HMAC-SHA256 of the token, base64url) under which the database keeps a token's session. */
  sessionId(token: string): string {
    return createHmac("sha256", this.secret).update(token).digest("base64url");
  }
}
