/**
 * SIP over TCP under hostile traffic (real loopback sockets, short timeouts): per-source and total
 * caps for untrusted addresses, room kept for trusted ones and for our own outbound connections,
 * and deadlines that CRLF keep-alives (RFC 5626 §4.4.1) cannot extend for a stranger.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TcpTransport, type TcpTransportOptions } from "../../../server/sip/tcp-transport.js";
import { requestText } from "./sip-test-helpers.js";

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function listen(options: Partial<TcpTransportOptions> = {}) {
  const transport = await TcpTransport.listen({
    host: "127.0.0.1",
    port: 0,
    isTrusted: (remote) => remote.address === "127.0.0.1",
    ...options,
  });
  open.push(transport);
  const received: string[] = [];
  transport.onMessage((raw, source) => received.push(`${source.remote.address} ${raw.toString().split("\r\n")[0]}`));
  return { transport, received };
}

interface Client {
  socket: net.Socket;
  closed: Promise<void>;
  data: () => string;
}

/** Connects from `localAddress`; resolves once connected (the server may still refuse it). */
function connectFrom(localAddress: string, port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString()));
    socket.on("error", () => {});
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.once("connect", () => resolve({ socket, closed, data: () => data }));
    socket.once("error", reject);
    open.push({ close: () => socket.destroy() });
  });
}

/** True when the socket closes within `ms`. */
const closesWithin = (client: Client, ms: number) => Promise.race([client.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe("TCP transport bounds for untrusted sources", () => {
  it("caps the connections of one untrusted address, not a trusted one", async () => {
    const { transport } = await listen({ maxConnectionsPerUntrustedSource: 2 });
    const port = transport.local.port;
    const strangers = await Promise.all(Array.from({ length: 6 }, () => connectFrom("127.0.0.2", port)));
    const closed = await Promise.all(strangers.map((c) => closesWithin(c, 1000)));
    expect(closed.filter(Boolean)).toHaveLength(4);
    expect(transport.untrustedConnectionCount).toBe(2);
    const trunks = await Promise.all(Array.from({ length: 6 }, () => connectFrom("127.0.0.1", port)));
    trunks[5]!.socket.write(requestText("OPTIONS"));
    await new Promise((r) => setTimeout(r, 200));
    expect(trunks.map((c) => c.socket.destroyed)).toEqual([false, false, false, false, false, false]);
    expect(transport.connectionCount).toBe(8);
  });

  it("keeps room for trusted peers and outbound connections when strangers take their whole share", async () => {
    const { transport, received } = await listen({ maxConnections: 6, maxUntrustedConnections: 3, maxConnectionsPerUntrustedSource: 1 });
    const port = transport.local.port;
    const strangers = await Promise.all(["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"].map((a) => connectFrom(a, port)));
    const refused = await Promise.all(strangers.map((c) => closesWithin(c, 1000)));
    expect(refused.filter(Boolean)).toHaveLength(2);
    expect(transport.untrustedConnectionCount).toBe(3);
    const trunk = await connectFrom("127.0.0.1", port);
    trunk.socket.write(requestText("OPTIONS"));
    await expect.poll(() => received.some((r) => r.startsWith("127.0.0.1 OPTIONS"))).toBe(true);
    // An outbound connection to a stranger's address is ours: not counted against strangers.
    const peer = net.createServer();
    await new Promise<void>((r) => peer.listen(0, "127.0.0.7", () => r()));
    open.push({ close: () => new Promise<void>((r) => peer.close(() => r())) });
    const inbound = new Promise<string>((r) => peer.on("connection", (s) => s.once("data", (d) => r(d.toString()))));
    await transport.send(Buffer.from(requestText("OPTIONS", { branch: "z9hG4bKout" })), { transport: "TCP", address: "127.0.0.7", port: (peer.address() as net.AddressInfo).port });
    expect(await inbound).toMatch(/^OPTIONS /);
    expect(transport.untrustedConnectionCount).toBe(3);
    peer.on("connection", (s) => s.destroy());
  });

  it("closes an untrusted connection without a complete first message in time, pings or not; a trunk's pings keep it open", async () => {
    const { transport } = await listen({ firstMessageTimeoutMs: 300 });
    const port = transport.local.port;
    const stranger = await connectFrom("127.0.0.2", port);
    const trunk = await connectFrom("127.0.0.1", port);
    const ping = setInterval(() => {
      for (const c of [stranger, trunk]) if (!c.socket.destroyed) c.socket.write("\r\n\r\n");
    }, 50);
    try {
      const started = Date.now();
      await stranger.closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(1500);
      // The pings were answered (RFC 5626 pong) while the connection lived.
      expect(stranger.data()).toContain("\r\n");
      expect(trunk.socket.destroyed).toBe(false);
    } finally {
      clearInterval(ping);
    }
  });

  it("closes a slow untrusted sender (half a message) at the first-message deadline", async () => {
    const { transport, received } = await listen({ firstMessageTimeoutMs: 300 });
    const stranger = await connectFrom("127.0.0.2", transport.local.port);
    const text = requestText("OPTIONS");
    stranger.socket.write(text.slice(0, 40));
    const drip = setInterval(() => !stranger.socket.destroyed && stranger.socket.write(" "), 50);
    try {
      expect(await closesWithin(stranger, 1500)).toBe(true);
      expect(received).toEqual([]);
    } finally {
      clearInterval(drip);
    }
  });

  it("after messages, closes an untrusted connection idle (only pings) for untrustedIdleTimeoutMs", async () => {
    const { transport, received } = await listen({ firstMessageTimeoutMs: 300, untrustedIdleTimeoutMs: 400 });
    const stranger = await connectFrom("127.0.0.2", transport.local.port);
    stranger.socket.write(requestText("OPTIONS"));
    await expect.poll(() => received.length).toBe(1);
    const ping = setInterval(() => !stranger.socket.destroyed && stranger.socket.write("\r\n\r\n"), 50);
    try {
      const started = Date.now();
      await stranger.closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      await expect.poll(() => transport.untrustedConnectionCount).toBe(0);
    } finally {
      clearInterval(ping);
    }
  });

  it("answers a request declaring a body beyond the size limit with 513 (RFC 3261 §21.5.14), then closes; garbage is just closed", async () => {
    const { transport, received } = await listen({ maxMessageSize: 4096 });
    const port = transport.local.port;
    const client = await connectFrom("127.0.0.1", port);
    client.socket.write(requestText("INVITE").replace("Content-Length: 0", "Content-Length: 50000000"));
    expect(await closesWithin(client, 2000)).toBe(true);
    const answer = client.data();
    expect(answer.split("\r\n")[0]).toBe("SIP/2.0 513 Message Too Large");
    expect(answer).toMatch(/^CSeq: 1 INVITE$/m);
    expect(received).toEqual([]);
    const flood = await connectFrom("127.0.0.1", port);
    flood.socket.write(Buffer.alloc(8192, 0x41));
    expect(await closesWithin(flood, 2000)).toBe(true);
    expect(flood.data()).toBe("");
  });
});
