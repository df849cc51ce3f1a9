/**
 * Two Hotlines on one machine and the supervised rtpengine's pid file (server/media/rtpengine-supervisor.ts,
 * killOrphan): a second instance started with the same RTPENGINE_NG_PORT once took the first one's LIVE rtpengine
 * for an orphan and killed it (SIGKILL), dropping the first instance's calls (found by a fresh user's trial). It must
 * refuse to start instead, naming the setting; an rtpengine whose Hotline died (SIGKILL) is still cleaned up.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { RtpengineSupervisor } from "../../../server/media/rtpengine-supervisor";
import { freePort, testRtpPort } from "../../support/net";
import { waitUntil } from "../../support/wait";

const RTP_MIN = testRtpPort(23500);
const RTP_MAX = RTP_MIN + 99;
const OWNER = fileURLToPath(new URL("../../support/rtpengine-owner.ts", import.meta.url));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Another Hotline's process with its rtpengine on `ngPort`; resolves with both pids once rtpengine answers. */
async function otherHotline(ngPort: number): Promise<{ child: ChildProcess; rtpenginePid: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", OWNER], {
    env: { ...process.env, NG_PORT: String(ngPort), RTP_MIN: String(RTP_MIN), RTP_MAX: String(RTP_MAX) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  await waitUntil("the other Hotline's rtpengine", () => out, (text) => /ready \d+/.test(text), 20_000);
  return { child, rtpenginePid: Number(/ready (\d+)/.exec(out)![1]) };
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

it("a second Hotline on the same ng port refuses to start and leaves the running one's rtpengine alone", async () => {
  const ngPort = await freePort();
  const other = await otherHotline(ngPort);
  cleanup.push(async () => {
    other.child.kill("SIGTERM");
    await once(other.child, "exit");
  });
  const second = new RtpengineSupervisor({ interfaceAddress: "127.0.0.1", ngPort, portMin: RTP_MIN, portMax: RTP_MAX, healthIntervalMs: 0 });
  cleanup.push(() => second.stop());
  await expect(second.start()).rejects.toThrow(/in use by the rtpengine of another running Hotline .*RTPENGINE_NG_PORT/);
  expect(alive(other.rtpenginePid)).toBe(true);
  expect(second.status().pid).toBeUndefined();
});

it("the rtpengine of a Hotline that died (SIGKILL) is an orphan: the next start kills it and takes the port", async () => {
  const ngPort = await freePort();
  const other = await otherHotline(ngPort);
  other.child.kill("SIGKILL");
  await once(other.child, "exit");
  expect(alive(other.rtpenginePid)).toBe(true); // left behind, reparented
  const next = new RtpengineSupervisor({ interfaceAddress: "127.0.0.1", ngPort, portMin: RTP_MIN, portMax: RTP_MAX, healthIntervalMs: 0 });
  cleanup.push(() => next.stop());
  await next.start();
  await waitUntil("the orphan to be gone", () => alive(other.rtpenginePid), (up) => !up, 5_000);
  expect(next.status()).toMatchObject({ up: true });
  expect(next.status().pid).not.toBe(other.rtpenginePid);
});
