import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { refuseUnclaimedUpgrades } from "../../../server/http/upgrades";
import { sipUpgradeHandler } from "../../../server/telephony/sip-websocket";

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function listen(setup: (server: http.Server) => void): Promise<number> {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  setup(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

const upgradeRequest = (port: number, target: string) =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n`;

describe("the /sip upgrade", () => {
  it("is destroyed when its handshake does not finish within the deadline (the session look-up hangs)", async () => {
    let serverSocketClosed!: () => void;
    const closedOnServer = new Promise<void>((resolve) => (serverSocketClosed = resolve));
    const port = await listen((server) => {
      server.on("upgrade", (_req, socket) => socket.once("close", () => serverSocketClosed()));
      server.on(
        "upgrade",
        sipUpgradeHandler({
          publicUrl: "http://127.0.0.1",
          auth: { authenticateSession: () => new Promise(() => {}) },
          wss: new WebSocketServer({ noServer: true }),
          attach: () => {},
          handshakeTimeoutMs: 200,
        }),
      );
    });
    const client = net.connect(port, "127.0.0.1");
    client.on("error", () => {});
    const started = Date.now();
    client.write(upgradeRequest(port, "/sip"));
    await new Promise<void>((resolve) => client.once("close", () => resolve()));
    await closedOnServer;
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("survives a client that resets the connection while the session is looked up (error handler from the first line)", async () => {
    let answer!: (value: undefined) => void;
    const lookup = new Promise<undefined>((resolve) => (answer = resolve));
    let asked!: () => void;
    const lookedUp = new Promise<void>((resolve) => (asked = resolve));
    let serverSide!: Promise<void>;
    const port = await listen((server) => {
      server.on("upgrade", (_req, socket) => {
        serverSide = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      });
      server.on(
        "upgrade",
        sipUpgradeHandler({
          publicUrl: "http://127.0.0.1",
          auth: {
            authenticateSession: () => {
              asked();
              return lookup;
            },
          },
          wss: new WebSocketServer({ noServer: true }),
          attach: () => {},
        }),
      );
    });
    const client = net.connect(port, "127.0.0.1");
    client.on("error", () => {});
    client.write(upgradeRequest(port, "/sip"));
    await lookedUp;
    client.resetAndDestroy();
    await serverSide;
    answer(undefined); // the late answer finds the socket gone and writes nothing
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe("unclaimed upgrades", () => {
  it("are answered 404 and closed; claimed paths are left to their handler", async () => {
    const claimed: string[] = [];
    const port = await listen((server) => {
      server.on("upgrade", (req, socket) => {
        if (req.url === "/mine") {
          claimed.push(req.url);
          socket.end("HTTP/1.1 101 Switching Protocols\r\n\r\n");
        }
      });
      refuseUnclaimedUpgrades(server, (path) => path === "/mine");
    });
    const roundTrip = (target: string) =>
      new Promise<string>((resolve) => {
        const client = net.connect(port, "127.0.0.1");
        let data = "";
        client.setEncoding("utf8");
        client.on("data", (chunk) => (data += chunk));
        client.on("close", () => resolve(data));
        client.write(upgradeRequest(port, target));
      });
    expect(await roundTrip("/nowhere")).toMatch(/^HTTP\/1\.1 404 Not Found/);
    expect(await roundTrip("/mine")).toMatch(/^HTTP\/1\.1 101/);
    expect(claimed).toEqual(["/mine"]);
  });
});
