/**
 * With telephony running (real rtpengine, B2BUA, queue engine): the `/sip` WebSockets and desk
 * sockets of a user end with their session, and the queue engine hears that the operator logged
 * out (at once when the session ends, after the grace period when only the connection went).
 */
import { io, type Socket } from "socket.io-client";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../../../server/auth/session-cookie";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { waitUntil } from "../../support/wait";

let harness: Harness;
const clients: Array<{ close(): void }> = [];

beforeAll(async () => {
  harness = await startHarness({ OPERATOR_LOGOUT_GRACE_S: "1" });
  await harness.cli("user", "add", "root1", "--role", "admin", "--password", "root1-long-secret");
  await harness.cli("user", "add", "root2", "--role", "admin", "--password", "root2-long-secret");
  await harness.cli("user", "add", "lina", "--role", "operator", "--password", "lina-long-secret");
  await harness.cli("user", "add", "karim", "--role", "operator", "--password", "karim-long-secret");
  await harness.cli("queue", "add", "Support");
  await harness.cli("queue", "member", "Support", "lina");
  await harness.cli("queue", "member", "Support", "karim");
});
afterAll(async () => {
  for (const client of clients) client.close();
  await harness.stop();
});

async function login(username: string): Promise<string> {
  const result = await harness.hotline.services.auth.login({ username, password: `${username}-long-secret`, address: "127.0.0.1" });
  if (!result.ok) throw new Error("login failed");
  return result.token;
}

async function userId(username: string): Promise<number> {
  return (await harness.hotline.services.users.list()).find((u) => u.username === username)!.id;
}

/** An open `/sip` WebSocket (RFC 7118) with this session cookie, and a promise of its close code. */
async function sipSocket(token: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${harness.hotline.url.replace(/^http/, "ws")}/sip`, "sip", { headers: { cookie: `${SESSION_COOKIE}=${token}` } });
  clients.push({ close: () => ws.terminate() });
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { ws, closed };
}

async function desk(token: string): Promise<Socket & { gone: Promise<string> }> {
  const socket = io(`${harness.hotline.url}/desk`, {
    extraHeaders: { cookie: `${SESSION_COOKIE}=${token}` },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
  });
  clients.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const gone = new Promise<string>((resolve) => socket.on("disconnect", (reason) => resolve(reason)));
  return Object.assign(socket, { gone });
}

const view = (id: number) => harness.hotline.telephony!.controller.engine.operatorView(String(id));
const presence = (id: number) => harness.hotline.telephony!.controller.engine.state.operators.get(String(id))?.presence;

describe("SIP WebSockets end with their session", () => {
  it("a demoted administrator's second /sip socket (not registered, used for test calls) is closed", async () => {
    const token = await login("root2");
    const first = await sipSocket(token);
    const second = await sipSocket(token);
    const result = await harness.hotline.services.users.update(await userId("root2"), { role: "operator" });
    expect(result.ok).toBe(true);
    expect(await first.closed).toBe(1006);
    expect(await second.closed).toBe(1006);
    await expect(sipSocket(token)).rejects.toThrow(/401/);
  });

  it("logging out closes that session's /sip socket and leaves another session's open", async () => {
    const tabA = await login("karim");
    const tabB = await login("karim");
    const a = await sipSocket(tabA);
    const b = await sipSocket(tabB);
    await harness.hotline.services.auth.logout(tabA);
    expect(await a.closed).toBe(1006);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    b.ws.close();
  });
});

describe("the queue engine hears that an operator logged out", () => {
  it("at once when the operator's session ends", async () => {
    const id = await userId("lina");
    const token = await login("lina");
    const socket = await desk(token);
    await waitUntil("lina logged in to the engine", () => presence(id)?.loggedIn, (v) => v === true);
    await harness.hotline.services.auth.logout(token);
    expect(await socket.gone).toBe("io server disconnect");
    expect(presence(id)).toMatchObject({ loggedIn: false, socketConnected: false });
  });

  it("after the grace period when the last desk connection closed by itself, not before; a reconnection within it keeps the login", async () => {
    const id = await userId("karim");
    const token = await login("karim");
    const first = await desk(token);
    await waitUntil("karim logged in to the engine", () => presence(id)?.loggedIn, (v) => v === true);
    expect(await first.emitWithAck("operator:set-status", { status: "paused", reason: "lunch" })).toEqual({ ok: true });
    first.close();
    await waitUntil("karim's socket gone", () => presence(id)?.socketConnected, (v) => v === false);
    expect(presence(id)?.loggedIn).toBe(true); // a reload or a network blip is not a logout
    const second = await desk(token); // back within the 1 s grace
    await waitUntil("karim's socket back", () => presence(id)?.socketConnected, (v) => v === true);
    // ... and keeps the state he had (a fresh desk opening would be "not ready yet").
    // (No softphone here, so the engine holds his state as a pause request until one registers.)
    expect(view(id)?.pauseRequest).toBe("lunch");
    // A new login (another session) within the grace starts afresh: not ready yet.
    second.close();
    await waitUntil("karim's socket gone again", () => presence(id)?.socketConnected, (v) => v === false);
    const other = await desk(await login("karim"));
    await waitUntil("karim's new desk", () => presence(id)?.socketConnected, (v) => v === true);
    expect(view(id)?.pauseRequest).toBe("not-ready");
    other.close();
    const closedAt = Date.now();
    await waitUntil("karim logged out after the grace", () => presence(id)?.loggedIn, (v) => v === false, 5000);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
  });
});
