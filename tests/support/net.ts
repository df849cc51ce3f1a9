import dgram from "node:dgram";
import net from "node:net";

/** A port free for both TCP and UDP on loopback (SIP listens on both). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
      server.on("error", reject);
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket("udp4");
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
}

/**
 * Test RTP port ranges (harness 20000-21499, fixed-range tests 21500-22999, e2e 23000-23999) all sit below Linux's
 * ephemeral ports, where `freePort()` finds SIPp's and the servers' ports. `HOTLINE_TEST_RTP_SHIFT` (a multiple of
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

/** A free UDP port outside [min, max] (a test's RTP range, which ephemeral ports may overlap). */
export async function freeUdpPortOutside(min: number, max: number): Promise<number> {
  for (;;) {
    const s = await bindUdp();
    const { port } = s.address();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    if (port < min || port > max) return port;
  }
}
