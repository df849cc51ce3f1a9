/**
 * Active/standby on a shared PostgreSQL (issue 14, item 7): two Hotline processes, one holding the leader lease,
 * behind HAProxy with the shipped configuration (deploy/haproxy/haproxy.cfg, run as it is). The operator's desk and
 * softphone connect through the proxy. The active node is killed (SIGKILL, with its rtpengine) during a bridged
 * call: the standby takes over within 5 s, closes the dead node's call as `node-lost`; the proxy sends the desk's
 * reconnection (same session) to the new active node, which gives the operator back their state (no "available"
 * click), and a new call reaches that operator.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../../db/client";
import { callRecords } from "../../../db/schema";
import { runCommand } from "../../../server/cli/commands";
import { commandContext } from "../../../server/cli/context";
import { createPostgresDatabase } from "../../support/databases";
import { freePort, testRtpPort } from "../../support/net";
import { TestOperator } from "../../support/test-operator";
import { TrunkPeer } from "../../support/trunk-peer";
import { waitUntil } from "../../support/wait";

interface Node {
  child: ChildProcess;
  output: string;
  active?: { url: string; sipPort: number; token?: string };
}

const SHIPPED_PROXY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../deploy/haproxy/haproxy.cfg");

const SHARED_SESSION_SECRET = "6f1d2c3b4a5968778695a4b3c2d1e0f0a1b2c3d4e5f60718293a4b5c6d7e8f90";

async function startNode(databaseUrl: string, rtpBase: number, port: number, publicUrl: string): Promise<Node> {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    ACTIVE_STANDBY: "true",
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    TRUST_PROXY: "true",
    // Sessions live in the shared database, keyed with this secret: both nodes need the same one.
    SESSION_SECRET: SHARED_SESSION_SECRET,
    SIP_PORT: String(await freePort()),
    RTPENGINE_NG_PORT: String(await freePort()),
    RTP_PORT_MIN: String(testRtpPort(rtpBase)),
    RTP_PORT_MAX: String(testRtpPort(rtpBase) + 99),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "hotline-node-")),
    TRUNK_ALLOW: "127.0.0.1",
    LOG_LEVEL: "info",
    HOTLINE_TEST_OPERATOR: "olga",
  };
  // Its own process group, so SIGKILL takes its rtpengine too (a dead machine).
  const child = spawn("npx", ["tsx", "tests/support/hotline-node.ts"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const node: Node = { child, output: "" };
  const read = (chunk: Buffer) => {
    node.output += chunk.toString();
    const line = /^ACTIVE (.*)$/m.exec(node.output);
    if (line && !node.active) node.active = JSON.parse(line[1]!) as Node["active"];
  };
  child.stdout!.on("data", read);
  child.stderr!.on("data", read);
  return node;
}

function kill(node: Node): void {
  if (node.child.exitCode === null && node.child.pid) {
    try {
      process.kill(-node.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

describe("active/standby on one PostgreSQL", () => {
  let databaseUrl: string;
  let database: Database;
  let proxy: ChildProcess;
  let proxyUrl: string;
  const nodePorts: number[] = [];
  const nodes: Node[] = [];
  const operators: TestOperator[] = [];
  const peers: TrunkPeer[] = [];

  beforeAll(async () => {
    databaseUrl = (await createPostgresDatabase()).url;
    database = await openDatabase({ kind: "postgres", url: databaseUrl });
    const cli = (...argv: string[]) => runCommand(argv, commandContext(database.db, undefined as never));
    await cli("queue", "add", "Support");
    await cli("number", "add", "1000", "--queue", "Support");
    nodePorts.push(await freePort(), await freePort());
    const proxyPort = await freePort();
    proxyUrl = `http://127.0.0.1:${proxyPort}`;
    proxy = spawn("haproxy", ["-db", "-f", SHIPPED_PROXY], {
      env: {
        ...process.env,
        HOTLINE_PROXY_BIND: `127.0.0.1:${proxyPort}`,
        HOTLINE_NODE_A: `127.0.0.1:${nodePorts[0]}`,
        HOTLINE_NODE_B: `127.0.0.1:${nodePorts[1]}`,
      },
      stdio: "ignore",
    });
  }, 60_000);
  afterAll(async () => {
    for (const operator of operators) await operator.stop().catch(() => {});
    for (const peer of peers) await peer.stop();
    for (const node of nodes) kill(node);
    proxy?.kill("SIGKILL");
    await database?.close();
  });

  it("the standby takes over within 5 s of the active node's death, closes its call as node-lost, and serves the operator", async () => {
    const proxyHealth = () => fetch(`${proxyUrl}/api/health`).then((r) => r.status, () => 0);
    const first = await startNode(databaseUrl, 22000, nodePorts[0]!, proxyUrl);
    nodes.push(first);
    await waitUntil("the first node to be active", () => first.active, Boolean, 60_000);
    await waitUntil("the proxy to reach the active node", proxyHealth, (status) => status === 200, 10_000);
    const second = await startNode(databaseUrl, 22100, nodePorts[1]!, proxyUrl);
    nodes.push(second);
    await waitUntil("the second node to wait as standby", () => second.output, (out) => out.includes("another node holds the leader lease"), 60_000);
    expect(second.active).toBeUndefined();

    // A call bridged on the active node.
    const token = first.active!.token!;
    const olga = new TestOperator(proxyUrl, "olga", token);
    operators.push(olga);
    await olga.start();
    await olga.goAvailable();
    const peer = new TrunkPeer(first.active!.sipPort);
    await peer.start();
    peers.push(peer);
    peer.call("1000");
    await olga.waitFor(() => olga.current !== undefined, "the operator to answer on the first node");
    await olga.waitFor(() => olga.rtpReceived > 20, "audio at the operator");
    await waitUntil("the call's record", () => database.db.select().from(callRecords).where(eq(callRecords.sipCallId, peer.callId)), (rows) => rows[0]?.answeredAt != null);

    const killedAt = Date.now();
    kill(first);
    // This desk's connections died with the node; the one that reconnects is below (one reconnection, as a tab does).
    await olga.stop();
    await waitUntil("the standby to become active", () => second.active, Boolean, 15_000);
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThan(5_000);

    const [record] = await database.db.select().from(callRecords).where(eq(callRecords.sipCallId, peer.callId));
    expect(record).toMatchObject({ outcome: "answered", endedBy: "system", endReason: "node-lost" });

    // The desk reconnects through the proxy with its session, lands on the new active node, and the operator is
    // available again without a click.
    await waitUntil("the proxy to reach the new active node", proxyHealth, (status) => status === 200, 10_000);
    const again = new TestOperator(proxyUrl, "olga", token);
    operators.push(again);
    await again.start();
    await again.waitFor(() => again.state?.status === "available", "the operator's state back (available)", 10_000);
    const caller = new TrunkPeer(second.active!.sipPort);
    await caller.start();
    peers.push(caller);
    caller.call("1000");
    await again.waitFor(() => again.current !== undefined, "the operator to answer on the new active node");
    await again.waitFor(() => again.rtpReceived > 20, "audio at the operator on the new active node");
  }, 150_000);
});
