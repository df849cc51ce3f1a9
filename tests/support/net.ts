import dgram from "node:dgram";
import net from "node:net";

/** Ports `freePort()` hands out: 3,000 per integration worker, between the test RTP blocks and Hotline's default RTP range (30000 and up). */
const SIGNALLING_BLOCK = { start: 24000, size: 3000 };
/** Where this process's next `freePort()` search starts (random, so two checkouts testing at once rarely meet). */
let nextOffset = Math.floor(Math.random() * SIGNALLING_BLOCK.size);

/**
 * A port free for both TCP and UDP on loopback (SIP listens on both), for a server the test starts next.
 *
 * The port comes from a block below Linux's ephemeral range (`ip_local_port_range`, 32768-60999), one block per
 * Vitest worker (`VITEST_POOL_ID` 1: 24000-26999, 2: 27000-29999). A port from the ephemeral range, found free by
 * binding port 0 and closing, can be handed by the kernel to another process's outgoing connection or port-0 bind
 * before the test's server binds it (`EADDRINUSE`, seen in CI); nothing is handed out automatically in this block.
 * Successive calls in one process never return the same port before the block wraps.
 *
 * @throws Error when every port of the worker's block is taken.
 */
export async function freePort(): Promise<number> {
  const { base, size } = freePortBlock();
  for (let tried = 0; tried < size; tried++) {
    const port = base + (nextOffset++ % size);
    if ((await tcpFree(port)) && (await udpFree(port))) return port;
  }
  throw new Error(`no free port in ${base}-${base + size - 1}`);
}

/** This worker's block of `freePort()`: ports `base` to `base + size - 1`. */
export function freePortBlock(): { base: number; size: number } {
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  return { base: SIGNALLING_BLOCK.start + ((worker - 1) % 2) * SIGNALLING_BLOCK.size, size: SIGNALLING_BLOCK.size };
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

/**
 * Test RTP port ranges (harness 20000-21499, fixed-range tests 21500-22999, e2e 23000-23999) all sit below the
 * block where `freePort()` finds SIPp's and the servers' ports (24000-29999). `HOTLINE_TEST_RTP_SHIFT` (a multiple of
 * 4000, default 0) moves the whole block down (or, negative, up above the ephemeral range: -41000 gives
 * 61000-64999), so two checkouts can run their tests at once without sharing ports. The integration tests run in
 * two Vitest workers: the second (`VITEST_POOL_ID` 2) moves its block 4000 further down (16000-19999 by default).
 */
export function testRtpPort(port: number): number {
  const worker = Number(process.env.VITEST_POOL_ID ?? 1);
  if (worker > 2) throw new Error(`no RTP block for Vitest worker ${worker}: at most 2 integration workers`);
  const shift = Number(process.env.HOTLINE_TEST_RTP_SHIFT ?? 0) + (worker === 2 ? 4000 : 0);
  if (!Number.isInteger(shift) || port - shift < 1024 || port - shift > 65535) throw new Error(`bad HOTLINE_TEST_RTP_SHIFT: ${shift}`);
  return port - shift;
}

/** A UDP socket on a port of the system's choice on loopback. */
export async function bindUdp(): Promise<dgram.Socket> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}
