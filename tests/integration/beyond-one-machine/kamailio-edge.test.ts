/**
 * Kamailio in front (issue 14, item 6), with the shipped configuration deploy/kamailio/kamailio.cfg run as it is:
 * loopback addresses stand for hosts (Kamailio on 127.0.0.10, the carrier on 127.0.0.1, a stranger on 127.0.0.2).
 * Calls from the carrier are dispatched over two Hotline nodes (each lets in only Kamailio) with their dialogs
 * Record-Routed through it; when the first node stops answering, calls fail over to the second; a stranger gets 403
 * from the edge and never reaches a node.
 */
import dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRecords } from "../../../db/schema";
import { startHarness, type Harness } from "../../support/hotline-harness";
import { startKamailio, type KamailioEdge } from "../../support/kamailio";
import { freePort } from "../../support/net";
import { runSipp } from "../../support/sipp";
import { waitUntil } from "../../support/wait";

const EDGE = "127.0.0.10";

describe("Kamailio edge in front of two Hotline nodes", () => {
  const nodes: Harness[] = [];
  let edge: KamailioEdge;
  const stopped = new Set<Harness>();

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const node = await startHarness({ TRUNK_ALLOW: EDGE });
      await node.cli("queue", "add", "Support");
      await node.cli("number", "add", "1000", "--queue", "Support");
      nodes.push(node);
    }
    edge = await startKamailio({
      address: EDGE,
      port: await freePort(),
      nodes: nodes.map((node) => `127.0.0.1:${node.hotline.telephony!.b2bua.port}`),
      allow: ["127.0.0.1"],
    });
  }, 90_000);
  afterAll(async () => {
    await edge?.stop();
    for (const node of nodes) if (!stopped.has(node)) await node.stop();
  });

  const recordsOn = async (node: Harness) => (await node.hotline.services.database.db.select().from(callRecords)).length;
  const call = () => runSipp("caller-through-proxy-hangs-up-while-queued.xml", `${EDGE}:${edge.port}`, { holdMs: 500, timeoutS: 20 });

  it("spreads calls over both nodes; each call is answered and hung up through the edge", async () => {
    for (let i = 0; i < 4; i++) {
      const result = await call();
      expect(result.code, result.stdout + edge.output()).toBe(0);
    }
    expect([await recordsOn(nodes[0]!), await recordsOn(nodes[1]!)]).toEqual([2, 2]);
    // The caller's BYE followed the Record-Route through the edge to the node holding the call.
    for (const node of nodes) {
      const records = await waitUntil(
        "the records to close",
        () => node.hotline.services.database.db.select().from(callRecords),
        (rows) => rows.every((row) => row.endedAt !== null),
        5_000,
      );
      for (const record of records) expect(record).toMatchObject({ outcome: "abandoned", endedBy: "caller" });
    }
  }, 60_000);

  it("a stranger's INVITE gets 403 at the edge and reaches no node", async () => {
    const before = [await recordsOn(nodes[0]!), await recordsOn(nodes[1]!)];
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.2", resolve));
    const reply = new Promise<string>((resolve) => socket.once("message", (data) => resolve(data.toString())));
    const port = socket.address().port;
    socket.send(
      [
        `INVITE sip:1000@${EDGE} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.2:${port};branch=z9hG4bK-stranger`,
        `From: <sip:stranger@127.0.0.2>;tag=s1`,
        `To: <sip:1000@${EDGE}>`,
        `Call-ID: stranger@127.0.0.2`,
        `CSeq: 1 INVITE`,
        `Contact: <sip:stranger@127.0.0.2:${port}>`,
        `Max-Forwards: 70`,
        `Content-Length: 0`,
        ``,
        ``,
      ].join("\r\n"),
      edge.port,
      EDGE,
    );
    expect(await reply).toMatch(/^SIP\/2.0 403/);
    socket.close();
    expect([await recordsOn(nodes[0]!), await recordsOn(nodes[1]!)]).toEqual(before);
  });

  it("when the first node stops answering, every call goes to the second", async () => {
    const first = nodes[0]!;
    const [onFirst, onSecond] = [await recordsOn(first), await recordsOn(nodes[1]!)];
    await first.stop();
    stopped.add(first);
    for (let i = 0; i < 3; i++) {
      const result = await call();
      expect(result.code, result.stdout + edge.output()).toBe(0);
    }
    expect(await recordsOn(nodes[1]!)).toBe(onSecond + 3);
    expect(onFirst).toBe(2);
  }, 60_000);
});
