/**
 * Logins and sessions. The browser holds a random token in an httpOnly cookie; the database keeps
 * only an HMAC of it keyed by SESSION_SECRET, so neither a database copy nor a guessed id is a session.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import {
  deleteSession,
  deleteUserSessions,
  extendSession,
  findSessionUser,
  insertSession,
} from "../../db/queries/sessions";
import { findUserByUsername } from "../../db/queries/users";
import type { Clock } from "../clock";
import { LoginLimiter } from "./login-limiter";
import { decoyHash, verifyPassword } from "./password";

export { SESSION_COOKIE } from "./session-cookie";
/** Sliding expiry is written at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 5 * 60_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

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

export class AuthService {
  private readonly limiter: LoginLimiter;

  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    limiter?: LoginLimiter,
  ) {
    this.limiter = limiter ?? new LoginLimiter(() => clock.now());
  }

  async login(attempt: LoginAttempt): Promise<LoginResult> {
    const retryAfterS = this.limiter.retryAfter(attempt.address, attempt.username);
    if (retryAfterS > 0) return { ok: false, reason: "rate_limited", retryAfterS };

    const user = await findUserByUsername(this.db, attempt.username);
    // Verify against a decoy for unknown or disabled users so timing does not tell which usernames exist.
    const valid = await verifyPassword(attempt.password, user && !user.disabled ? user.passwordHash : await decoyHash());
    if (!user || user.disabled || !valid) {
      this.limiter.recordFailure(attempt.address, attempt.username);
      return { ok: false, reason: "invalid" };
    }
    this.limiter.recordSuccess(attempt.address, attempt.username);

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
    return { ok: true, token, user, expiresAt };
  }

  /** The user behind a session cookie, or undefined. Extends the session while it is used. */
  async authenticate(token: string | undefined | null): Promise<User | undefined> {
    if (!token || !TOKEN_PATTERN.test(token)) return undefined;
    const id = this.sessionId(token);
    const now = new Date(this.clock.now());
    const found = await findSessionUser(this.db, id, now);
    if (!found) return undefined;
    if (now.getTime() - found.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await extendSession(this.db, id, now, new Date(now.getTime() + this.ttlMs));
    }
    return found.user;
  }

  async logout(token: string | undefined | null): Promise<void> {
    if (token && TOKEN_PATTERN.test(token)) await deleteSession(this.db, this.sessionId(token));
  }

  /** Ends every session of a user (disabled account, password reset). */
  async logoutEverywhere(userId: number): Promise<void> {
    await deleteUserSessions(this.db, userId);
  }

  private sessionId(token: string): string {
    return createHmac("sha256", this.secret).update(token).digest("base64url");
  }
}
