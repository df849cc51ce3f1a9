/**
 * Runs Debian's Kamailio with the shipped edge configuration (deploy/kamailio/kamailio.cfg, copied unchanged) and a
 * site file written for the test: listen address, Hotline nodes (dispatcher list) and carrier addresses.
 */
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SHIPPED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../deploy/kamailio/kamailio.cfg");

export interface KamailioEdge {
  address: string;
  port: number;
  /** Everything Kamailio wrote (stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startKamailio(options: {
  address: string;
  port: number;
  /** Hotline nodes as host:port. */
  nodes: string[];
  /** Carrier addresses allowed in. */
  allow: string[];
  /** Extra lines for the site file (overrides). */
  site?: string[];
}): Promise<KamailioEdge> {
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-kamailio-"));
  copyFileSync(SHIPPED, path.join(dir, "kamailio.cfg"));
  writeFileSync(path.join(dir, "dispatcher.list"), options.nodes.map((node) => `1 sip:${node}\n`).join(""));
  writeFileSync(path.join(dir, "trunk-allow.list"), options.allow.map((ip, i) => `1 ${ip} 32 0 carrier-${i}\n`).join(""));
  writeFileSync(
    path.join(dir, "hotline-local.cfg"),
    [
      `listen=udp:${options.address}:${options.port}`,
      `#!substdef "!DISPATCHER_LIST!${path.join(dir, "dispatcher.list")}!"`,
      `#!substdef "!TRUNK_ALLOW_LIST!${path.join(dir, "trunk-allow.list")}!"`,
      ...(options.site ?? []),
      "",
    ].join("\n"),
  );
  let output = "";
  const child: ChildProcess = spawn(
    "kamailio",
    ["-f", path.join(dir, "kamailio.cfg"), "-DD", "-E", "-m", "64", "-M", "8", "-Y", dir, "-P", path.join(dir, "kamailio.pid")],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Ready when it answers an OPTIONS to itself with 200 (a config error exits at once).
  const deadline = Date.now() + 10_000;
  while (!(await answersOptions(options.address, options.port))) {
    if (child.exitCode !== null) throw new Error(`kamailio exited: ${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`kamailio did not start: ${output}`);
    }
  }
  return {
    address: options.address,
    port: options.port,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends one OPTIONS from 127.0.0.1 and waits up to 200 ms for a 200. */
async function answersOptions(address: string, port: number): Promise<boolean> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const local = socket.address().port;
  const request = [
    `OPTIONS sip:${address}:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-ready-${Date.now()}`,
    `From: <sip:probe@127.0.0.1>;tag=ready`,
    `To: <sip:${address}>`,
    `Call-ID: ready-${Date.now()}@127.0.0.1`,
    `CSeq: 1 OPTIONS`,
    `Max-Forwards: 70`,
    `Content-Length: 0`,
    ``,
    ``,
  ].join("\r\n");
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), 200);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    socket.on("message", (data) => done(data.toString().startsWith("SIP/2.0 200")));
    socket.send(request, port, address);
  });
}
