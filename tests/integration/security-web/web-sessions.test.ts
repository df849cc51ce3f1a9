/**
 * The web side of the running server (custom HTTP server, Socket.IO, the session services) on a
 * real database, without Next.js and without telephony: upgrades, the API guard, the cookie's
 * sliding expiry, and live sockets closed when their session ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHotline, type Hotline } from "../../../server/boot";
import { SESSION_COOKIE } from "../../../server/auth/session-cookie";
import { parseConfig } from "../../../server/config/config";
import { silentLogger } from "../../../server/logger";

let now = Date.parse("2026-11-02T09:00:00Z");
const clock = { now: () => now };
let hotline: Hotline;
let dataDir: string;
const sockets: Socket[] = [];

async function start(env: Record<string, string> = {}, options: { clock?: { now(): number } } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-web-"));
  const config = parseConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dir, LOG_LEVEL: "error", ...env });
  const started = await startHotline({ config, web: "none", telephony: false, logger: silentLogger, ...options });
  return { hotline: started, dataDir: dir };
}

beforeAll(async () => {
  ({ hotline, dataDir } = await start({}, { clock }));
  const { users } = hotline.services;
  for (const [username, role] of [["sam", "supervisor"], ["olga", "operator"], ["adam", "admin"], ["omar", "operator"]] as const) {
    const created = await users.create({ username, role, password: `${username}-long-secret` });
    if (!created.ok) throw new Error(JSON.stringify(created.errors));
  }
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await hotline.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function login(username: string, address = "127.0.0.1"): Promise<string> {
  const result = await hotline.services.auth.login({ username, password: `${username}-long-secret`, address });
  if (!result.ok) throw new Error(`login failed: ${JSON.stringify(result)}`);
  return result.token;
}

/** A connected Socket.IO client of `namespace` with this session cookie. */
async function connect(base: string, namespace: "/desk" | "/board", token: string): Promise<Socket & { ended: Promise<string> }> {
  const socket = io(`${base}${namespace}`, { extraHeaders: { cookie: `${SESSION_COOKIE}=${token}` }, transports: ["websocket"], reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const ended = new Promise<string>((resolve) => {
    let told = false;
    socket.on("session:ended", () => (told = true));
    socket.on("disconnect", (reason) => resolve(`${told ? "session:ended, " : ""}${reason}`));
  });
  return Object.assign(socket, { ended });
}

/** Sends an upgrade request on a raw TCP socket and resolves with what the server wrote before closing it. */
function rawUpgrade(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (data += chunk));
    socket.on("close", () => resolve(data));
    socket.on("error", reject);
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n`,
    );
  });
}

function request(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: options.method ?? "GET", path: options.path, headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("HTTP upgrades", () => {
  it("closes an upgrade to a path no handler claims, and /sip while telephony is off", async () => {
    expect(await rawUpgrade(hotline.port, "/anything")).toMatch(/^HTTP\/1\.1 404 /);
    expect(await rawUpgrade(hotline.port, "/sip")).toMatch(/^HTTP\/1\.1 404 /);
  });

  it("still serves Socket.IO upgrades", async () => {
    const socket = await connect(hotline.url, "/desk", await login("olga"));
    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe("state-changing API requests", () => {
  const origin = () => hotline.url;

  it("refuses a text/plain body (415) and JSON from another origin or from nowhere (403), before any route runs", async () => {
    const body = JSON.stringify({ username: "mallory", role: "admin", password: "mallory-long-secret" });
    const textPlain = await request(hotline.port, { method: "POST", path: "/api/users", headers: { "content-type": "text/plain", origin: origin() }, body });
    expect(textPlain.status).toBe(415);
    const sibling = await request(hotline.port, {
      method: "POST",
      path: "/api/users",
      headers: { "content-type": "application/json", origin: "http://evil.localhost:1234" },
      body,
    });
    expect(sibling.status).toBe(403);
    const nowhere = await request(hotline.port, { method: "POST", path: "/api/users", headers: { "content-type": "application/json" }, body });
    expect(nowhere.status).toBe(403);
  });

  it("lets same-origin JSON and reads through to the routes (404 here: no Next.js in this test)", async () => {
    const json = await request(hotline.port, {
      method: "POST",
      path: "/api/users",
      headers: { "content-type": "application/json", origin: origin() },
      body: "{}",
    });
    expect(json.status).toBe(404);
    expect((await request(hotline.port, { path: "/api/users" })).status).toBe(404);
  });
});

describe("the session cookie", () => {
  it("is re-sent with the new expiry when the session slides, once", async () => {
    const token = await login("sam");
    now += 6 * 60_000; // past the touch interval: the next authentication slides the session
    const session = await hotline.services.auth.authenticateSession(token);
    const cookie = `${SESSION_COOKIE}=${token}`;
    const first = await request(hotline.port, { path: "/board", headers: { cookie } });
    const setCookie = first.headers["set-cookie"] ?? [];
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toContain(`${SESSION_COOKIE}=${token}`);
    expect(setCookie[0]).toContain(`Expires=${new Date(session!.expiresAt).toUTCString()}`);
    expect(setCookie[0]).toMatch(/HttpOnly/);
    const second = await request(hotline.port, { path: "/board", headers: { cookie } });
    expect(second.headers["set-cookie"]).toBeUndefined();
  });
});

describe("live sockets end with their session", () => {
  it("logout closes the sockets of that session only, telling the browser why", async () => {
    const tabA = await login("olga");
    const tabB = await login("olga");
    const deskA = await connect(hotline.url, "/desk", tabA);
    const deskB = await connect(hotline.url, "/desk", tabB);
    await hotline.services.auth.logout(tabA);
    expect(await deskA.ended).toBe("session:ended, io server disconnect");
    expect(deskB.connected).toBe(true);
    const olga = (await hotline.services.users.list()).find((u) => u.username === "olga")!;
    expect(hotline.services.connections.count(olga.id, "desk")).toBe(1);
    deskB.close();
  });

  it("disabling a user or changing their role closes every socket of theirs", async () => {
    const { users } = hotline.services;
    const omar = (await users.list()).find((u) => u.username === "omar")!;
    const desk = await connect(hotline.url, "/desk", await login("omar"));
    expect(await users.update(omar.id, { role: "supervisor" })).toMatchObject({ ok: true });
    expect(await desk.ended).toBe("session:ended, io server disconnect");

    const board = await connect(hotline.url, "/board", await login("omar"));
    await users.update(omar.id, { disabled: true });
    expect(await board.ended).toBe("session:ended, io server disconnect");
    await users.update(omar.id, { disabled: false, role: "operator" });
  });

  it("a login beyond the per-user cap ends the least recently used session and its sockets", async () => {
    const oldest = await login("adam");
    const board = await connect(hotline.url, "/board", oldest);
    now += 1000;
    for (let i = 0; i < 10; i++) {
      now += 1000;
      await login("adam");
    }
    expect(await board.ended).toBe("session:ended, io server disconnect");
    expect(await hotline.services.auth.authenticate(oldest)).toBeUndefined();
  });
});

describe("session expiry", () => {
  it("closes a live socket when its session expires, and purges expired sessions on a timer", async () => {
    // Real time here: a 1.8 s session (SESSION_TTL_HOURS=0.0005).
    const short = await start({ SESSION_TTL_HOURS: "0.0005" });
    try {
      const created = await short.hotline.services.users.create({ username: "eve", role: "operator", password: "eve-long-secret" });
      expect(created.ok).toBe(true);
      const result = await short.hotline.services.auth.login({ username: "eve", password: "eve-long-secret", address: "127.0.0.1" });
      if (!result.ok) throw new Error("login failed");
      const desk = await connect(short.hotline.url, "/desk", result.token);
      expect(await desk.ended).toBe("session:ended, io server disconnect");
      expect(Date.now()).toBeGreaterThanOrEqual(result.expiresAt.getTime());

      const { auth } = short.hotline.services;
      const purged = new Promise<number>((resolve) => auth.once("purged", ({ deleted }) => resolve(deleted)));
      auth.startPurging(50);
      expect(await purged).toBe(1);
    } finally {
      await short.hotline.stop();
      rmSync(short.dataDir, { recursive: true, force: true });
    }
  });
});

describe("login bursts and password rules", () => {
  it("evaluates at most the concurrent cap of 60 simultaneous attempts on one account; the rest are told to retry", async () => {
    const attempts = await Promise.all(
      Array.from({ length: 60 }, (_, i) => hotline.services.auth.login({ username: "sam", password: `guess-${i}`, address: `10.9.0.${i}` })),
    );
    const evaluated = attempts.filter((a) => !a.ok && a.reason === "invalid");
    expect(evaluated.length).toBeLessThanOrEqual(2);
    expect(attempts.filter((a) => !a.ok && a.reason === "rate_limited")).toHaveLength(60 - evaluated.length);
  });

  it("refuses a password equal to the username or on the common list, as a field error", async () => {
    const { users } = hotline.services;
    expect(await users.create({ username: "password1", role: "operator", password: "PASSWORD1" })).toEqual({
      ok: false,
      errors: { password: "validation.passwordIsUsername" },
    });
    expect(await users.create({ username: "nadia", role: "operator", password: "iloveyou1" })).toEqual({
      ok: false,
      errors: { password: "validation.passwordCommon" },
    });
    const olga = (await users.list()).find((u) => u.username === "olga")!;
    expect(await users.update(olga.id, { password: "qwertyuiop" })).toEqual({ ok: false, errors: { password: "validation.passwordCommon" } });
  });
});
