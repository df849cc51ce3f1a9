import { mkdtempSync, rmSync, statSync, mkdirSync, chmodSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { listenControlSocket } from "../../../server/cli/control-socket";
import { ensureDataDir } from "../../../server/data-dir";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "hotline-cs-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the control socket", () => {
  it("runs one command per connection: a second line on the same connection never runs the first again", async () => {
    const file = path.join(tempDir(), "control.sock");
    const runs: string[][] = [];
    let started!: () => void;
    const firstRun = new Promise<void>((resolve) => (started = resolve));
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const control = await listenControlSocket(file, async (argv) => {
      runs.push(argv);
      started();
      await gate;
      return { code: 0, out: ["done"], err: [] };
    });
    const socket = net.connect(file);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(JSON.stringify({ argv: ["user", "list"] }) + "\n");
    await firstRun; // the second line arrives as a chunk of its own, while the first command runs
    socket.write(JSON.stringify({ argv: ["user", "disable", "amina"] }) + "\n");
    const reply = new Promise<string>((resolve) => {
      let data = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk) => (data += chunk));
      socket.on("end", () => resolve(data));
    });
    // No event tells that the server read the second chunk: give the loopback a moment before answering.
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    finish();
    expect(JSON.parse(await reply)).toEqual({ code: 0, out: ["done"], err: [] });
    expect(runs).toEqual([["user", "list"]]);
    socket.destroy();
    await control.close();
  });

  it("creates the socket file under a restrictive umask (owner only from the moment it exists) and restores the umask", async () => {
    const file = path.join(tempDir(), "control.sock");
    const umask = vi.spyOn(process, "umask");
    const before = process.umask();
    const control = await listenControlSocket(file, async () => ({ code: 0, out: [], err: [] }));
    const masks = umask.mock.calls.map((call) => call[0]).filter((m) => m !== undefined) as number[];
    expect(masks.some((m) => (Number(m) & 0o077) === 0o077)).toBe(true);
    expect(process.umask()).toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await control.close();
  });
});

describe("the data folder", () => {
  it("is forced to 0700 even when it already existed with a wider mode", async () => {
    const dir = path.join(tempDir(), "data");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    await ensureDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});
