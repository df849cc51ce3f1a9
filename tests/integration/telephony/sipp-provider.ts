/**
 * SIPp as the provider (a UAS scenario on a known port), for tests where Hotline is the client.
 * tests/support/sipp.ts runs SIPp as a caller toward Hotline and picks its port itself; here the
 * port must be known so Hotline can be pointed at it.
 */
import { execFile } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import path from "node:path";
import { freePort } from "../../support/net";
import { lostPortRace, SIPP_SCENARIOS, type SippResult } from "../../support/sipp";

export interface SippProvider {
  port: number;
  /** SIPp's exit: 0 only when its one call followed the scenario. */
  done: Promise<SippResult>;
}

/** Starts `scenario` as a UAS on loopback and resolves once it listens. Bounded: `-m 1`, 15 s timeout. */
export async function startSippProvider(
  scenario: string,
  transport: "UDP" | "TCP" = "UDP",
  /** `port`: a port chosen beforehand (Hotline configured with it); `extra`: more SIPp arguments (e.g. -rtp_echo). */
  options: { port?: number; extra?: string[] } = {},
): Promise<SippProvider> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(scenario, transport, options);
    } catch (error) {
      if (attempt === 3 || !(error instanceof PortRaceError)) throw error;
    }
  }
}

/** SIPp lost its port to another process between freePort and bind. */
class PortRaceError extends Error {}

async function startOnce(scenario: string, transport: "UDP" | "TCP", options: { port?: number; extra?: string[] }): Promise<SippProvider> {
  const port = options.port ?? (await freePort());
  const args = [
    "-sf", path.join(SIPP_SCENARIOS, scenario),
    "-i", "127.0.0.1",
    "-p", String(port),
    "-mp", String(await freePort()),
    "-t", transport === "TCP" ? "t1" : "u1",
    "-m", "1",
    "-timeout", "15s",
    "-timeout_error",
    "-nostdin",
    ...(options.extra ?? []),
  ];
  const done = new Promise<SippResult>((resolve) => {
    execFile("sipp", args, { timeout: 25_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === "number" ? Number((error as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
  let exited: SippResult | undefined;
  void done.then((result) => (exited = result));
  await untilBound(port, transport, () => exited);
  return { port, done };
}

/** Waits until SIPp listens (UDP: binding the port ourselves fails; TCP: a connection succeeds), at most 5 s. */
async function untilBound(port: number, transport: "UDP" | "TCP", exited: () => SippResult | undefined): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const early = exited();
    if (early) {
      const message = `SIPp exited with ${early.code}: ${early.stdout}${early.stderr}`;
      throw lostPortRace(early) ? new PortRaceError(message) : new Error(message);
    }
    const listening = await (transport === "UDP" ? udpTaken(port) : tcpAccepts(port));
    if (listening) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`SIPp did not bind port ${port}`);
}

function udpTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", () => resolve(true));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(false)));
  });
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
