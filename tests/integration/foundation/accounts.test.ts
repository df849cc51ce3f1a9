import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "../../../db/schema";
import type { Database } from "../../../db/client";
import { UserService } from "../../../server/accounts/user-service";
import { AuthService } from "../../../server/auth/auth-service";
import { LoginLimiter } from "../../../server/auth/login-limiter";
import { DATABASE_KINDS, openTestDatabase } from "../../support/databases";

const HOUR = 3_600_000;

describe.each(DATABASE_KINDS)("accounts on %s", (kind) => {
  let database: Database;
  let now = Date.parse("2026-11-02T09:00:00Z");
  const clock = { now: () => now };
  let auth: AuthService;
  let users: UserService;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    auth = new AuthService(database.db, "x".repeat(32), clock, 12 * HOUR, new LoginLimiter(clock.now, {
      windowMs: 60_000,
      perAccount: 3,
      perAddress: 100,
      maxKeys: 100,
    }));
    users = new UserService(database.db, auth);
  });
  afterAll(() => database.close());

  it("creates users with field-level errors for bad input and taken usernames", async () => {
    const created = await users.create({ username: "Amina", role: "admin", password: "long-enough" });
    expect(created.ok && created.value).toMatchObject({ username: "Amina", displayName: "Amina", role: "admin", disabled: false });
    expect(created.ok && "passwordHash" in created.value).toBe(false);

    expect(await users.create({ username: "amina", role: "operator", password: "long-enough" })).toEqual({
      ok: false,
      errors: { username: "validation.usernameTaken" },
    });
    expect(await users.create({ username: "a b", role: "boss" as never, password: "short" })).toEqual({
      ok: false,
      errors: { username: "validation.usernameChars", role: "validation.role", password: "validation.passwordLength" },
    });
  });

  it("logs in case-insensitively and keeps only an HMAC of the token", async () => {
    const result = await auth.login({ username: "AMINA", password: "long-enough", address: "10.0.0.1" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect((await auth.authenticate(result.token))?.username).toBe("Amina");
    const ids = (await database.db.select({ id: sessions.id }).from(sessions)).map((r) => r.id);
    expect(ids).not.toContain(result.token);
    expect(await auth.authenticate(ids[0])).toBeUndefined();
  });

  it("refuses wrong passwords and unknown users alike, then rate limits", async () => {
    expect(await auth.login({ username: "amina", password: "wrong-pass", address: "10.0.0.2" })).toEqual({ ok: false, reason: "invalid" });
    expect(await auth.login({ username: "nobody", password: "wrong-pass", address: "10.0.0.2" })).toEqual({ ok: false, reason: "invalid" });
    await auth.login({ username: "amina", password: "wrong-pass", address: "10.0.0.2" });
    await auth.login({ username: "amina", password: "wrong-pass", address: "10.0.0.2" });
    const limited = await auth.login({ username: "amina", password: "long-enough", address: "10.0.0.2" });
    expect(limited).toMatchObject({ ok: false, reason: "rate_limited" });
    now += 61_000;
    expect((await auth.login({ username: "amina", password: "long-enough", address: "10.0.0.2" })).ok).toBe(true);
  });

  it("expires idle sessions and slides active ones", async () => {
    const login = await auth.login({ username: "amina", password: "long-enough", address: "10.0.0.3" });
    if (!login.ok) throw new Error("login failed");
    now += 11 * HOUR;
    expect(await auth.authenticate(login.token)).toBeDefined(); // used: pushed to 11 h + 12 h
    now += 11 * HOUR;
    expect(await auth.authenticate(login.token)).toBeDefined();
    now += 13 * HOUR;
    expect(await auth.authenticate(login.token)).toBeUndefined();
  });

  it("ends all sessions of a disabled user, and never disables the last admin", async () => {
    const op = await users.create({ username: "omar", role: "operator", password: "operator-pass" });
    if (!op.ok) throw new Error("create failed");
    const login = await auth.login({ username: "omar", password: "operator-pass", address: "10.0.0.4" });
    if (!login.ok) throw new Error("login failed");
    expect((await users.update(op.value.id, { disabled: true })).ok).toBe(true);
    expect(await auth.authenticate(login.token)).toBeUndefined();
    expect(await auth.login({ username: "omar", password: "operator-pass", address: "10.0.0.4" })).toEqual({ ok: false, reason: "invalid" });

    const admin = (await users.list()).find((u) => u.username === "Amina")!;
    expect(await users.update(admin.id, { disabled: true })).toEqual({ ok: false, errors: { disabled: "validation.lastAdmin" } });
    expect(await users.update(admin.id, { role: "operator" })).toEqual({ ok: false, errors: { role: "validation.lastAdmin" } });
  });

  it("resets a password: the old one stops working and sessions end", async () => {
    const omar = (await users.list()).find((u) => u.username === "omar")!;
    await users.update(omar.id, { disabled: false, password: "brand-new-pass" });
    expect((await auth.login({ username: "omar", password: "operator-pass", address: "10.0.0.5" })).ok).toBe(false);
    expect((await auth.login({ username: "omar", password: "brand-new-pass", address: "10.0.0.5" })).ok).toBe(true);
  });
});
