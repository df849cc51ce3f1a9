/**
 * A private, throwaway PostgreSQL server for the integration tests (Debian's `postgresql` binaries),
 * on its own port and data folder, so tests never touch a machine's real databases.
 * TEST_DATABASE_URL, when set, is used instead (an existing server where the test user may create databases).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./net";

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => path.join(root, v, "bin")).find((dir) => existsSync(path.join(dir, "postgres")));
  if (!bin) throw new Error("PostgreSQL server binaries not found: install Debian's `postgresql` (npm test does it)");
  return bin;
}

export async function startPostgres(): Promise<RunningPostgres> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: async () => {} };
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-pg-"));
  // PostgreSQL refuses to run as root; CI runs as root, so the server runs as the `postgres` user.
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] as const : [cmd, args] as const;
  if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
  const [initCmd, initArgs] = run(path.join(bin, "initdb"), ["-D", path.join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync"]);
  execFileSync(initCmd, [...initArgs], { stdio: "ignore" });
  const port = await freePort();
  const [pgCmd, pgArgs] = run(path.join(bin, "postgres"), [
    "-D", path.join(dir, "data"), "-p", String(port), "-h", "127.0.0.1", "-k", dir,
    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
  ]);
  const child: ChildProcess = spawn(pgCmd, [...pgArgs], { stdio: "ignore" });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitForPort(port, child);
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT"); // fast shutdown
        const killer = setTimeout(() => {
          child.kill("SIGKILL");
          execFileSync("pkill", ["-KILL", "-f", `postgres -D ${path.join(dir, "data")}`]);
        }, 5000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const { default: pg } = await import("pg");
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}`);
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
