/**
 * `freePort()` (tests/support/net.ts): ports for the servers a test starts come from a block the kernel never hands
 * out by itself (CI once lost such a port to another process between "found free" and "listen": EADDRINUSE), and a
 * port taken on TCP or on UDP is skipped.
 */
import dgram from "node:dgram";
import { readFileSync } from "node:fs";
import net from "node:net";
import { afterEach, expect, it } from "vitest";
import { freePort, freePortBlock } from "../../support/net";

const held: Array<net.Server | dgram.Socket> = [];
afterEach(async () => {
  for (const h of held.splice(0)) await new Promise<void>((resolve) => h.close(() => resolve()));
});

it("hands out distinct ports below the kernel's ephemeral range, in this worker's block", async () => {
  const [ephemeralMin] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  const ports = [];
  for (let i = 0; i < 20; i++) ports.push(await freePort());
  expect(new Set(ports).size).toBe(20);
  const { base, size } = freePortBlock();
  for (const port of ports) {
    expect(port).toBeLessThan(ephemeralMin!);
    expect(port).toBeGreaterThanOrEqual(base);
    expect(port).toBeLessThan(base + size);
  }
});

it("skips a port taken on TCP and one taken on UDP", async () => {
  const first = await freePort();
  // The search goes on from the next port (wrapping inside the block): take the two after `first`.
  const { base, size } = freePortBlock();
  const after = (n: number) => base + ((first - base + n) % size);
  const tcp = net.createServer();
  await new Promise<void>((resolve) => tcp.listen(after(1), "127.0.0.1", resolve));
  const udp = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => udp.bind(after(2), "127.0.0.1", resolve));
  held.push(tcp, udp);
  expect(await freePort()).toBe(after(3));
});
